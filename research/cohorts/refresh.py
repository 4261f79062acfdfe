"""Keep the cohort summary tables in step with the market listings.

``refresh_summaries_for`` is incremental: for each listing it subtracts what the
listing last added (stored on SummarizedListing) and adds its current state, in
one transaction per chunk of listings. Running it twice changes nothing the
second time, and a listing that was deleted or whose seller opted out of market
research is subtracted. ``rebuild_summaries`` recomputes everything from the
listing table in one transaction, so readers see the old summaries until it
commits.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, OperationalError, transaction

from .facts import (
    LISTING_FIELDS,
    SUMMARY_ATTRIBUTES,
    Cell,
    ListingFacts,
    contributions,
    facts_from_row,
)
from .models import CohortSummary, Grain, SummarizedListing
from .version import bump_summaries_version

logger = logging.getLogger(__name__)

# Listings per refresh transaction. Each chunk holds SQLite's write lock while it
# runs, so chunks stay small enough for webhooks and syncs to get their turn.
CHUNK_SIZE = 200
KEY_BATCH_SIZE = 500
REBUILD_CHUNK_SIZE = 5000
# Pending cells held in memory by a rebuild before they are written.
REBUILD_FLUSH_CELLS = 200_000
ATTEMPTS = 3
SNAPSHOT_FIELDS = (*ListingFacts._fields, "dataset_id", "seller_id", "included")


class CellDelta:
    __slots__ = ("cell", "count", "days", "prices")

    def __init__(self, cell: Cell):
        self.cell = cell
        self.count = 0
        self.prices: Counter = Counter()
        self.days: Counter = Counter()


class DeltaSet(dict):
    """Pending changes to summary cells, keyed by Cell."""

    def add(self, facts: ListingFacts, sign: int) -> None:
        for cell, bin_index, days in contributions(facts):
            delta = self.get(cell)
            if delta is None:
                delta = self[cell] = CellDelta(cell)
            delta.count += sign
            if bin_index is not None:
                delta.prices[bin_index] += sign
            if days is not None:
                delta.days[days] += sign


def refresh_summaries_for(
    listing_ids: Iterable[int] | None = None,
    dataset_id: int | None = None,
    seller_id: int | None = None,
) -> int:
    """Bring the summaries up to date for some listings; return how many changed.

    Name the listings by id, by dataset or by seller (all three may be given).
    Ids of listings that no longer exist are welcome: their old contribution is
    subtracted. A chunk that hits a concurrent insert or a deadlock is retried.
    """
    if listing_ids is None and dataset_id is None and seller_id is None:
        raise ValueError(
            "refresh_summaries_for needs listing_ids, dataset_id or seller_id; "
            "use rebuild_summaries to recompute everything"
        )
    ids = sorted(affected_listing_ids(listing_ids, dataset_id, seller_id))
    changed = 0
    for start in range(0, len(ids), CHUNK_SIZE):
        changed += refresh_chunk_with_retry(ids[start : start + CHUNK_SIZE])
    logger.info(
        "Refreshed cohort summaries for %d listings (%d changed), dataset=%s seller=%s",
        len(ids),
        changed,
        dataset_id,
        seller_id,
    )
    return changed


def affected_listing_ids(listing_ids, dataset_id, seller_id) -> set[int]:
    from research.models import MarketListing

    ids = {int(listing_id) for listing_id in listing_ids or ()}
    for field, value in (("dataset_id", dataset_id), ("seller_id", seller_id)):
        if value is None:
            continue
        ids.update(
            MarketListing.objects.filter(**{field: value}).values_list("id", flat=True)
        )
        ids.update(
            SummarizedListing.objects.filter(**{field: value}).values_list(
                "listing_id", flat=True
            )
        )
    return ids


def refresh_chunk_with_retry(ids: list[int]) -> int:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return refresh_chunk(ids)
        except (IntegrityError, OperationalError) as exc:
            if attempt == ATTEMPTS:
                raise
            logger.warning(
                "Cohort summary refresh of %d listings hit %s; retrying (attempt %d)",
                len(ids),
                exc.__class__.__name__,
                attempt,
            )
    return 0


def refresh_chunk(ids: list[int]) -> int:
    """Apply the changes of one chunk of listings; call inside a transaction."""
    snapshots = {
        snapshot.listing_id: snapshot
        for snapshot in SummarizedListing.objects.select_for_update()
        .filter(listing_id__in=ids)
        .order_by("listing_id")
    }
    rows = {row["id"]: row for row in listing_rows(ids)}

    deltas = DeltaSet()
    changed = 0
    for listing_id in ids:
        old = snapshot_facts(snapshots.get(listing_id))
        row = rows.get(listing_id)
        new = facts_from_row(row) if row is not None and row["included"] else None
        if old == new:
            continue
        changed += 1
        if old is not None:
            deltas.add(old, -1)
        if new is not None:
            deltas.add(new, +1)

    write_deltas(deltas, lock=True)
    if deltas:
        bump_summaries_version()
    save_snapshots(ids, snapshots, rows)
    return changed


def save_snapshots(ids: list[int], snapshots: dict, rows: dict) -> None:
    """Record what each listing now adds; forget listings that are gone."""
    created, updated, removed = [], [], []
    for listing_id in ids:
        snapshot = snapshots.get(listing_id)
        row = rows.get(listing_id)
        if row is None:
            if snapshot is not None:
                removed.append(listing_id)
            continue
        facts = facts_from_row(row) if row["included"] else None
        fresh = snapshot_from(listing_id, row, facts)
        if snapshot is None:
            created.append(fresh)
        elif any(getattr(snapshot, f) != getattr(fresh, f) for f in SNAPSHOT_FIELDS):
            updated.append(fresh)
    SummarizedListing.objects.bulk_create(created, batch_size=KEY_BATCH_SIZE)
    SummarizedListing.objects.bulk_update(
        updated, fields=list(SNAPSHOT_FIELDS), batch_size=KEY_BATCH_SIZE
    )
    SummarizedListing.objects.filter(listing_id__in=removed).delete()


def listing_rows(ids: list[int]) -> Iterator[dict]:
    from research.models import MarketListing

    rows = MarketListing.objects.filter(id__in=ids).values(
        *LISTING_FIELDS, "seller__include_in_market_research"
    )
    for row in rows:
        yield with_included(row)


def with_included(row: dict) -> dict:
    row["included"] = row["seller_id"] is None or bool(
        row.pop("seller__include_in_market_research")
    )
    return row


def snapshot_facts(snapshot: SummarizedListing | None) -> ListingFacts | None:
    if snapshot is None or not snapshot.included:
        return None
    return ListingFacts(*(getattr(snapshot, name) for name in ListingFacts._fields))


def snapshot_from(listing_id: int, row: dict, facts: ListingFacts | None):
    snapshot = SummarizedListing(
        listing_id=listing_id,
        dataset_id=row["dataset_id"],
        seller_id=row["seller_id"],
        included=facts is not None,
    )
    if facts is not None:
        for name, value in facts._asdict().items():
            setattr(snapshot, name, value)
    return snapshot


def write_deltas(deltas: DeltaSet, lock: bool) -> None:
    """Add the deltas to their cells: update, create, or delete emptied cells."""
    changes = sorted(
        (delta.cell.key, delta) for delta in deltas.values() if is_change(delta)
    )
    for start in range(0, len(changes), KEY_BATCH_SIZE):
        batch = changes[start : start + KEY_BATCH_SIZE]
        existing = CohortSummary.objects.filter(
            key__in=[key for key, _ in batch]
        ).order_by("key")
        if lock:
            existing = existing.select_for_update()
        rows = {row.key: row for row in existing}
        to_create, to_update, to_delete = [], [], []
        for key, delta in batch:
            row = rows.get(key)
            if row is None:
                row = new_summary_row(delta.cell)
                apply_delta(row, delta)
                if row.listing_count > 0:
                    to_create.append(row)
                else:
                    logger.warning("Cohort cell %s would go below zero; skipped", key)
                continue
            apply_delta(row, delta)
            if row.listing_count > 0:
                to_update.append(row)
            else:
                to_delete.append(key)
        CohortSummary.objects.bulk_create(to_create)
        CohortSummary.objects.bulk_update(
            to_update, fields=["listing_count", "price_bins", "days_bins"]
        )
        CohortSummary.objects.filter(key__in=to_delete).delete()


def is_change(delta: CellDelta) -> bool:
    return bool(delta.count or any(delta.prices.values()) or any(delta.days.values()))


def new_summary_row(cell: Cell) -> CohortSummary:
    brand, lot, decade, waist = cell.attributes
    return CohortSummary(
        key=cell.key,
        level=cell.level,
        grain=cell.grain,
        period=cell.period,
        event=cell.event,
        platform=cell.platform,
        listing_kind=cell.listing_kind,
        sold=cell.sold,
        brand=brand,
        lot=lot,
        decade=decade,
        waist=waist,
        listing_count=0,
        price_bins={},
        days_bins={},
    )


def apply_delta(row: CohortSummary, delta: CellDelta) -> None:
    row.listing_count += delta.count
    row.price_bins = add_histogram(row.price_bins, delta.prices)
    row.days_bins = add_histogram(row.days_bins, delta.days)


def add_histogram(stored: dict, change: Counter) -> dict:
    result = dict(stored or {})
    for value, count in change.items():
        if not count:
            continue
        key = str(value)
        total = result.get(key, 0) + count
        if total > 0:
            result[key] = total
        else:
            result.pop(key, None)
    return result


def rebuild_summaries(chunk_size: int = REBUILD_CHUNK_SIZE) -> int:
    """Recompute every summary from the listing table; return listings included.

    Listings are read in order of their listing date. A listing's sale date is
    never before its listing date, so once the reading passes a day (or a
    month), that period's cells are complete and are inserted without reading
    them back. Cells that arrive late (a sale dated before its listing) are
    merged at the end through the incremental path.
    """
    included = 0
    with transaction.atomic():
        CohortSummary.objects.all().delete()
        SummarizedListing.objects.all().delete()
        pending, late = DeltaSet(), DeltaSet()
        horizon = {Grain.DAY: None, Grain.MONTH: None}
        snapshots: list[SummarizedListing] = []
        for row in listings_by_date():
            facts = facts_from_row(row) if row["included"] else None
            snapshots.append(snapshot_from(row["id"], row, facts))
            if facts is not None:
                included += 1
                add_in_order(pending, late, horizon, facts)
            if len(snapshots) >= chunk_size:
                insert_snapshots(snapshots)
                snapshots = []
                if facts is not None and facts.listed_on is not None:
                    flush_before(pending, horizon, facts.listed_on)
        insert_snapshots(snapshots)
        insert_cells(list(pending.values()))
        write_deltas(late, lock=False)
        bump_summaries_version()
    logger.info("Rebuilt cohort summaries from %d listings", included)
    return included


def listings_by_date() -> Iterator[dict]:
    from django.db.models import F
    from django.db.models.functions import Coalesce

    from research.models import MarketListing

    queryset = (
        MarketListing.objects.annotate(event_day=Coalesce("listed_at", "sold_at"))
        .order_by(F("event_day").asc(nulls_last=True), "id")
        .values(*LISTING_FIELDS, "seller__include_in_market_research")
    )
    for row in queryset.iterator(chunk_size=REBUILD_CHUNK_SIZE):
        yield with_included(row)


def add_in_order(pending: DeltaSet, late: DeltaSet, horizon: dict, facts) -> None:
    for cell, bin_index, days in contributions(facts):
        limit = horizon.get(cell.grain)
        target = late if limit is not None and cell.period < limit else pending
        delta = target.get(cell)
        if delta is None:
            delta = target[cell] = CellDelta(cell)
        delta.count += 1
        if bin_index is not None:
            delta.prices[bin_index] += 1
        if days is not None:
            delta.days[days] += 1


def flush_before(pending: DeltaSet, horizon: dict, day) -> None:
    """Insert the cells of periods that end before ``day`` and forget them."""
    limits = {Grain.DAY: day, Grain.MONTH: day.replace(day=1)}
    done = [
        cell
        for cell in pending
        if cell.grain in limits and cell.period < limits[cell.grain]
    ]
    insert_cells([pending.pop(cell) for cell in done])
    horizon.update(limits)


SUMMARY_COLUMNS = (
    "key",
    "level",
    "grain",
    "period",
    "event",
    "platform",
    "listing_kind",
    "sold",
    *SUMMARY_ATTRIBUTES,
    "listing_count",
    "price_bins",
    "days_bins",
)
SNAPSHOT_COLUMNS = ("listing_id", *SNAPSHOT_FIELDS)


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows with executemany, which is many times faster than bulk_create
    for the millions of rows of a rebuild."""
    from django.db import connection

    quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def insert_snapshots(snapshots: list[SummarizedListing]) -> None:
    insert_rows(
        SummarizedListing,
        SNAPSHOT_COLUMNS,
        [
            tuple(getattr(snapshot, name) for name in SNAPSHOT_COLUMNS)
            for snapshot in snapshots
        ],
    )


def insert_cells(deltas: list[CellDelta]) -> None:
    """Insert new summary rows for cells that have none yet."""
    rows = []
    for delta in deltas:
        cell = delta.cell
        rows.append(
            (
                cell.key,
                cell.level,
                cell.grain,
                cell.period,
                cell.event,
                cell.platform,
                cell.listing_kind,
                cell.sold,
                *cell.attributes,
                delta.count,
                json.dumps({str(k): v for k, v in delta.prices.items() if v}),
                json.dumps({str(k): v for k, v in delta.days.items() if v}),
            )
        )
    insert_rows(CohortSummary, SUMMARY_COLUMNS, rows)
