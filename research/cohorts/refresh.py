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

import logging
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, OperationalError, transaction

from .facts import (
    LISTING_FIELDS,
    Cell,
    ListingFacts,
    contributions,
    facts_from_row,
)
from .models import CohortSummary, SummarizedListing

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
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
    """Pending changes to summary cells, keyed by cell key."""

    def add(self, facts: ListingFacts, sign: int) -> None:
        for cell, bin_index, days in contributions(facts):
            delta = self.get(cell.key)
            if delta is None:
                delta = self[cell.key] = CellDelta(cell)
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
    created, updated, removed = [], [], []
    changed = 0
    for listing_id in ids:
        snapshot = snapshots.get(listing_id)
        old = snapshot_facts(snapshot)
        row = rows.get(listing_id)
        new = facts_from_row(row) if row is not None and row["included"] else None
        if old != new:
            changed += 1
            if old is not None:
                deltas.add(old, -1)
            if new is not None:
                deltas.add(new, +1)
        if row is None:
            if snapshot is not None:
                removed.append(listing_id)
            continue
        fresh = snapshot_from(listing_id, row, new)
        if snapshot is None:
            created.append(fresh)
        elif any(getattr(snapshot, f) != getattr(fresh, f) for f in SNAPSHOT_FIELDS):
            updated.append(fresh)
    write_deltas(deltas, lock=True)
    SummarizedListing.objects.bulk_create(created, batch_size=KEY_BATCH_SIZE)
    SummarizedListing.objects.bulk_update(
        updated, fields=list(SNAPSHOT_FIELDS), batch_size=KEY_BATCH_SIZE
    )
    SummarizedListing.objects.filter(listing_id__in=removed).delete()
    return changed


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
    keys = sorted(key for key, delta in deltas.items() if is_change(delta))
    for start in range(0, len(keys), KEY_BATCH_SIZE):
        batch = keys[start : start + KEY_BATCH_SIZE]
        existing = CohortSummary.objects.filter(key__in=batch).order_by("key")
        if lock:
            existing = existing.select_for_update()
        rows = {row.key: row for row in existing}
        to_create, to_update, to_delete = [], [], []
        for key in batch:
            delta = deltas[key]
            row = rows.get(key)
            if row is None:
                row = new_summary_row(delta.cell)
                to_create.append(row)
            else:
                to_update.append(row)
            apply_delta(row, delta)
            if row.listing_count <= 0:
                if row in to_create:
                    logger.warning("Cohort cell %s would go below zero; skipped", key)
                    to_create.remove(row)
                else:
                    to_update.remove(row)
                    to_delete.append(key)
        CohortSummary.objects.bulk_create(to_create)
        CohortSummary.objects.bulk_update(
            to_update, fields=["listing_count", "price_bins", "days_bins"]
        )
        CohortSummary.objects.filter(key__in=to_delete).delete()


def is_change(delta: CellDelta) -> bool:
    return bool(delta.count or any(delta.prices.values()) or any(delta.days.values()))


def new_summary_row(cell: Cell) -> CohortSummary:
    brand, lot, decade, waist, inseam, made_in, selvedge = cell.attributes
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
        inseam=inseam,
        made_in=made_in,
        selvedge=selvedge,
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
    """Recompute every summary from the listing table; return listings included."""
    from research.models import MarketListing

    included = 0
    with transaction.atomic():
        CohortSummary.objects.all().delete()
        SummarizedListing.objects.all().delete()
        deltas = DeltaSet()
        last_id = 0
        while True:
            rows = [
                with_included(row)
                for row in MarketListing.objects.filter(id__gt=last_id)
                .order_by("id")
                .values(*LISTING_FIELDS, "seller__include_in_market_research")[
                    :chunk_size
                ]
            ]
            if not rows:
                break
            last_id = rows[-1]["id"]
            snapshots = []
            for row in rows:
                facts = facts_from_row(row) if row["included"] else None
                if facts is not None:
                    deltas.add(facts, +1)
                    included += 1
                snapshots.append(snapshot_from(row["id"], row, facts))
            SummarizedListing.objects.bulk_create(snapshots, batch_size=KEY_BATCH_SIZE)
            if len(deltas) >= REBUILD_FLUSH_CELLS:
                write_deltas(deltas, lock=False)
                deltas = DeltaSet()
        write_deltas(deltas, lock=False)
    logger.info("Rebuilt cohort summaries from %d listings", included)
    return included
