"""Upsert listing rows in batches through Django's database connection.

Each batch runs in one transaction. One SELECT reads the stored versions of
the batch's keys, and rows whose source fields are unchanged are skipped
before any attribute extraction. The rest go to the database in one prepared
statement per batch (executemany):

    INSERT ... ON CONFLICT (platform, external_id) DO UPDATE SET ...
    WHERE excluded.source_updated_at > research_marketlisting.source_updated_at

The WHERE clause is what guarantees that an older version never replaces a
newer one, also against a concurrent writer; the SELECT only sorts rows into
created, updated, unchanged and older for the report. The same SQL runs on
SQLite (3.24 or newer) and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ..attributes import ATTRIBUTE_COLUMNS, extract_for_fields
from ..extraction import EXTRACTOR_VERSION
from ..models import MarketListing
from .report import IngestReport
from .rows import ListingRow
from .workers import ExtractionInput, InProcess, WorkerPool, extract_rows

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2000
# On PostgreSQL the writer refreshes the table's planner statistics once it
# has written this many rows, and again each time the rows it wrote double.
# Without them, a table that grew by a bulk load can be planned as if it were
# small, and the per-batch key lookups turn into scans of the whole table.
ANALYZE_AFTER_ROWS = 10_000

SOURCE_COLUMNS = (
    "title",
    "description",
    "url",
    "listing_kind",
    "status",
    "brand_raw",
    "size_raw",
    "condition_raw",
    "price",
    "currency",
    "sold",
    "sold_price",
    "listed_at",
    "sold_at",
    "source_updated_at",
    "extra",
)
_SOURCE_UPDATED_AT = SOURCE_COLUMNS.index("source_updated_at")
# Every content hash starts with this. A stored hash without it comes from the
# previous hash function and is replaced when the same version is seen again.
HASH_FORMAT = "2:"
_encode_json = msgspec.json.Encoder().encode
INSERT_COLUMNS = (
    "platform",
    "external_id",
    "dataset_id",
    "seller_id",
    *SOURCE_COLUMNS,
    *ATTRIBUTE_COLUMNS,
    "extractor_version",
    "content_hash",
    "created_at",
    "updated_at",
)
# On conflict these keep what is known when the new version leaves it out: a
# re-import without a dataset keeps the row's dataset, a listing once sold
# stays sold, and a sale's price and time survive a later listing update.
_MERGED_COLUMNS = {
    "dataset_id": "COALESCE(excluded.dataset_id, {table}.dataset_id)",
    "seller_id": "COALESCE(excluded.seller_id, {table}.seller_id)",
    "sold": "(excluded.sold OR {table}.sold)",
    "sold_price": "COALESCE(excluded.sold_price, {table}.sold_price)",
    "sold_at": "COALESCE(excluded.sold_at, {table}.sold_at)",
}
_NOT_UPDATED = frozenset({"platform", "external_id", "created_at"})


def upsert_sql() -> str:
    table = connection.ops.quote_name(MarketListing._meta.db_table)
    columns = ", ".join(INSERT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(INSERT_COLUMNS))
    assignments = ", ".join(
        f"{column} = "
        + _MERGED_COLUMNS.get(column, "excluded.{column}").format(
            table=table, column=column
        )
        for column in INSERT_COLUMNS
        if column not in _NOT_UPDATED
    )
    # Table and column names come from the model; every value is a parameter.
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT (platform, external_id) DO UPDATE SET {assignments} "
        f"WHERE excluded.source_updated_at > {table}.source_updated_at "
        f"OR {table}.source_updated_at IS NULL"
    )


def rehash_sql() -> str:
    table = connection.ops.quote_name(MarketListing._meta.db_table)
    return f"UPDATE {table} SET content_hash = %s WHERE id = %s"  # noqa: S608


def attributes_update_sql() -> str:
    table = connection.ops.quote_name(MarketListing._meta.db_table)
    assignments = ", ".join(
        f"{column} = %s" for column in (*ATTRIBUTE_COLUMNS, "extractor_version")
    )
    return f"UPDATE {table} SET {assignments}, updated_at = %s WHERE id = %s"  # noqa: S608


def touch_sql() -> str:
    table = connection.ops.quote_name(MarketListing._meta.db_table)
    return (
        f"UPDATE {table} SET source_updated_at = %s, updated_at = %s "  # noqa: S608
        "WHERE id = %s AND (source_updated_at IS NULL OR source_updated_at < %s)"
    )


# Outcomes whose row needs its attributes extracted before it is written.
NEEDS_ATTRIBUTES = frozenset({"created", "updated", "reextracted"})


@dataclass(slots=True)
class _Stored:
    id: int
    content_hash: str
    source_updated_at: object
    extractor_version: int


@dataclass(slots=True)
class PreparedRow:
    """A mapped row in the shape the upsert statement takes.

    `values` are the SOURCE_COLUMNS values, adapted for the connection.
    `attributes` are the extracted values when already known. `checked` marks
    a row that was compared with the stored row before extraction and found
    to write nothing, so extracting it was left out.
    """

    external_id: str
    content_hash: str
    updated_at: datetime | None
    values: tuple
    attributes: tuple | None = None
    checked: bool = False


@dataclass(slots=True)
class _Pending:
    line: int
    row: PreparedRow


@dataclass(slots=True)
class _Dispatched:
    """A batch whose attributes are being extracted, waiting to be written.

    `rows` are the rows the batch was expected to write when it was handed
    over; `handle` stands for their attribute values until they are done.
    """

    batch: list[_Pending]
    rows: list[PreparedRow]
    inputs: list[ExtractionInput]
    handle: object


class ListingWriter:
    """Collect rows of one platform and write them a batch at a time.

    A full batch is handed to `extraction` first: its rows without attributes
    that the database does not have yet, or has in another version, are
    extracted, in worker processes when `extraction` has them. Up to one
    batch per worker process waits for its attributes while the next ones
    fill, and batches are written in the order they filled. Which rows a
    batch creates, updates or skips is decided again inside its transaction.
    A row that an earlier batch or another writer changed in the meantime is
    therefore counted and written against the stored version of that moment.
    """

    def __init__(
        self,
        platform: str,
        report: IngestReport,
        *,
        dataset_id: int | None = None,
        seller_id: int | None = None,
        dry_run: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_batch: Callable[[], None] | None = None,
        extraction: InProcess | WorkerPool | None = None,
    ):
        self.platform = platform
        self.report = report
        self.dataset_id = dataset_id
        self.seller_id = seller_id
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.on_batch = on_batch
        self._owner = (dataset_id, seller_id)
        self._pending: dict[str, _Pending] = {}
        self._extraction = extraction or InProcess()
        self._dispatched: deque[_Dispatched] = deque()
        self._adapt_time = time_adapter()
        self._prepare = row_preparer(self._owner)
        self._vendor = connection.vendor
        self._written = 0
        self._analyze_at = ANALYZE_AFTER_ROWS

    def add(self, line: int, row: ListingRow) -> None:
        """Queue one row; the batch is written when it is full."""
        self.add_prepared(line, self._prepare(row))

    def add_prepared(self, line: int, row: PreparedRow) -> None:
        """Queue one row prepared by `row_preparer` for this writer's owner."""
        pending = _Pending(line, row)
        earlier = self._pending.get(row.external_id)
        if earlier is not None:
            self._settle_duplicate(earlier, pending)
        else:
            self._pending[row.external_id] = pending
        if len(self._pending) >= self.batch_size:
            self._dispatch()
            # A batch waits only while a worker extracts for it, and at most
            # one batch per worker waits.
            while self._dispatched and (
                self._dispatched[0].handle is None
                or len(self._dispatched) > self._extraction.processes
            ):
                self._complete(self._dispatched.popleft())

    @property
    def owner(self) -> tuple:
        """(dataset id, seller id) of the rows, part of each content hash."""
        return self._owner

    def _settle_duplicate(self, earlier: _Pending, later: _Pending) -> None:
        """Keep the newer of two lines with one key in the same batch."""
        if earlier.row.content_hash == later.row.content_hash:
            # The same fields seen again: keep the later time of the two.
            self.report.unchanged += 1
            if _is_newer(later.row.updated_at, earlier.row.updated_at):
                self._pending[later.row.external_id] = later
        elif _is_newer(later.row.updated_at, earlier.row.updated_at):
            self.report.older += 1
            self._pending[later.row.external_id] = later
        else:
            self.report.older += 1

    def flush(self) -> None:
        """Write every queued row, each batch in one transaction."""
        self._dispatch()
        while self._dispatched:
            self._complete(self._dispatched.popleft())

    def _dispatch(self) -> None:
        """Hand the queued rows over for extraction as one batch."""
        if not self._pending:
            return
        batch = list(self._pending.values())
        self._pending = {}
        rows: list[PreparedRow] = []
        if not self.dry_run:
            unknown = [
                pending.row
                for pending in batch
                if pending.row.attributes is None and not pending.row.checked
            ]
            if unknown:
                stored = stored_versions(
                    connection, self.platform, [row.external_id for row in unknown]
                )
                rows = [
                    row
                    for row in unknown
                    if outcome_of(row, stored.get(row.external_id), self._vendor)
                    in NEEDS_ATTRIBUTES
                ]
        inputs = [extraction_input_of(row) for row in rows]
        handle = self._extraction.submit(extract_rows, inputs) if inputs else None
        self._dispatched.append(_Dispatched(batch, rows, inputs, handle))

    def _complete(self, dispatched: _Dispatched) -> None:
        """Write a dispatched batch once its attributes are extracted."""
        if dispatched.inputs:
            values = self._extraction.result(
                dispatched.handle, extract_rows, dispatched.inputs
            )
            for row, attributes in zip(dispatched.rows, values, strict=True):
                row.attributes = attributes
        batch = dispatched.batch
        try:
            with transaction.atomic():
                self._write(batch)
        except DatabaseError:
            if len(batch) == 1:
                raise
            # One row the database refuses (a value a mapping did not check)
            # would sink the whole batch; write row by row to reject only it.
            self._write_each(batch)
        self._refresh_statistics()
        if self.on_batch is not None:
            self.on_batch()

    def _refresh_statistics(self) -> None:
        if self._vendor != "postgresql" or self._written < self._analyze_at:
            return
        self._analyze_at = self._written * 2
        table = connection.ops.quote_name(MarketListing._meta.db_table)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
        except DatabaseError as exc:
            # Only the table's owner may analyze it; the import goes on
            # without fresh statistics.
            logger.warning("ANALYZE %s failed during an import: %s", table, exc)
            self._analyze_at = float("inf")

    def _write_each(self, batch: list[_Pending]) -> None:
        for pending in batch:
            try:
                with transaction.atomic():
                    self._write([pending])
            except DatabaseError as exc:
                reason = str(exc).strip().splitlines()[0][:300]
                self.report.reject(pending.line, f"database rejected the row: {reason}")

    def _write(self, batch: list[_Pending]) -> None:
        """Write one batch, extracting the attributes still missing."""
        stored = stored_versions(
            connection, self.platform, [pending.row.external_id for pending in batch]
        )
        now = self._adapt_time(timezone.now())
        upserts: list[tuple] = []
        attribute_updates: list[tuple] = []
        touches: list[tuple] = []
        rehashes: list[tuple] = []
        counts = {"created": 0, "updated": 0, "unchanged": 0, "older": 0}

        for pending in batch:
            row = pending.row
            current = stored.get(row.external_id)
            outcome = outcome_of(row, current, self._vendor)
            if self.dry_run:
                pass
            elif outcome in ("created", "updated"):
                upserts.append(self._insert_params(row, _attributes(row), now))
            elif outcome == "reextracted":
                attribute_updates.append(
                    (*_attributes(row), EXTRACTOR_VERSION, now, current.id)
                )
            elif outcome == "rehashed":
                rehashes.append((row.content_hash, current.id))
            if outcome in ("reextracted", "touched") and not self.dry_run:
                # The stored fields seen at a later time: record that time.
                updated_at = self._adapt_time(row.updated_at)
                touches.append((updated_at, now, current.id, updated_at))
            # A row only re-extracted counts as updated (its columns changed);
            # one seen again at a later time counts as unchanged.
            counts[_COUNTED_AS.get(outcome, outcome)] += 1

        self._written += len(upserts)
        if upserts or attribute_updates or touches or rehashes:
            with connection.cursor() as cursor:
                if upserts:
                    cursor.executemany(upsert_sql(), upserts)
                if attribute_updates:
                    cursor.executemany(attributes_update_sql(), attribute_updates)
                if touches:
                    cursor.executemany(touch_sql(), touches)
                if rehashes:
                    cursor.executemany(rehash_sql(), rehashes)
        for name, count in counts.items():
            setattr(self.report, name, getattr(self.report, name) + count)

    def _insert_params(self, row: PreparedRow, attributes: tuple, now) -> tuple:
        return (
            self.platform,
            row.external_id,
            self.dataset_id,
            self.seller_id,
            *row.values,
            *attributes,
            EXTRACTOR_VERSION,
            row.content_hash,
            now,
            now,
        )


def stored_versions(db, platform: str, external_ids: list[str]) -> dict[str, _Stored]:
    """Read the stored version of each key through the connection `db`."""
    table = db.ops.quote_name(MarketListing._meta.db_table)
    select = (
        f"SELECT external_id, id, content_hash, source_updated_at, "  # noqa: S608
        f"extractor_version FROM {table} WHERE platform = %s AND "
    )
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(select + "external_id = ANY(%s)", [platform, external_ids])
        else:
            placeholders = ", ".join(["%s"] * len(external_ids))
            cursor.execute(
                select + f"external_id IN ({placeholders})", [platform, *external_ids]
            )
        rows = cursor.fetchall()
    return {
        external_id: _Stored(id, content_hash, stored_at, version)
        for external_id, id, content_hash, stored_at, version in rows
    }


def outcome_of(row: PreparedRow, current: _Stored | None, vendor: str) -> str:
    """Return what a row does to the table.

    "created", "updated" (a newer version), "reextracted" (the stored source
    fields with attributes from an older extractor version), "touched" (the
    stored fields at a later time), "rehashed" (the stored version's time, and
    a stored hash of the previous format), "unchanged" or "older".
    """
    if current is None:
        return "created"
    stored_at = _aware(current.source_updated_at, vendor)
    if current.content_hash == row.content_hash:
        if current.extractor_version != EXTRACTOR_VERSION:
            return "reextracted"
        if stored_at is not None and _is_newer(row.updated_at, stored_at):
            return "touched"
        return "unchanged"
    if _is_newer(row.updated_at, stored_at):
        return "updated"
    if _earlier_hash_format(current.content_hash) and not _is_newer(
        stored_at, row.updated_at
    ):
        # The same time: the stored version, whose fields the old digest
        # cannot be compared with. Ties keep the stored fields in any case;
        # only the digest is brought to the current format.
        return "rehashed"
    return "older"


_COUNTED_AS = {
    "reextracted": "updated",
    "touched": "unchanged",
    "rehashed": "unchanged",
}


def _aware(stored_at, vendor: str):
    """Return a stored source_updated_at as an aware datetime.

    SQLite's driver hands back a naive UTC datetime parsed from the stored
    text (or the text itself when no converter applies). PostgreSQL's is
    already aware.
    """
    if stored_at is None or vendor != "sqlite":
        return stored_at
    if isinstance(stored_at, str):
        stored_at = datetime.fromisoformat(stored_at)
    return stored_at.replace(tzinfo=UTC)


def _attributes(row: PreparedRow) -> tuple:
    """Return a row's attribute values, extracting them if not done yet."""
    if row.attributes is None:
        row.attributes = extract_for_fields(*extraction_input_of(row))
    return row.attributes


# The fields attributes are read from, in the extractor's argument order.
EXTRACTION_COLUMNS = (
    "title",
    "description",
    "brand_raw",
    "size_raw",
    "condition_raw",
    "extra",
)
# Their positions in PreparedRow.values.
_TITLE, _DESCRIPTION, _BRAND, _SIZE, _CONDITION, _EXTRA = (
    SOURCE_COLUMNS.index(name) for name in EXTRACTION_COLUMNS
)


def extraction_input_of(row: PreparedRow) -> ExtractionInput:
    """Return the extractor's input for a prepared row."""
    values = row.values
    return (
        values[_TITLE],
        values[_DESCRIPTION],
        values[_BRAND],
        values[_SIZE],
        values[_CONDITION],
        json.loads(values[_EXTRA]),
    )


def row_preparer(owner: tuple) -> Callable[[ListingRow], PreparedRow]:
    """Return a function that hashes rows for `owner` and adapts their values.

    Values are converted the way the default connection's driver binds them.
    On SQLite that makes them plain text, which is cheap to send to another
    process.
    """
    adapt_time = time_adapter()
    adapt_money = money_adapter()

    def prepare(row: ListingRow) -> PreparedRow:
        values = (
            row.title,
            row.description,
            row.url,
            row.listing_kind,
            row.status,
            row.brand_raw,
            row.size_raw,
            row.condition_raw,
            adapt_money(row.price),
            row.currency,
            row.sold,
            adapt_money(row.sold_price),
            adapt_time(row.listed_at),
            adapt_time(row.sold_at),
            adapt_time(row.source_updated_at),
            _json_text(row.extra),
        )
        return PreparedRow(
            row.external_id,
            content_hash(owner, values),
            row.source_updated_at,
            values,
        )

    return prepare


def content_hash(owner: tuple, values: tuple) -> str:
    """Return a digest of a row's owner and source values but its time.

    `owner` is (dataset id, seller id), so moving a row to another dataset
    counts as a change. `values` are the prepared SOURCE_COLUMNS values. Two
    versions with identical fields are the same row whatever their
    source_updated_at, which makes a re-import of an unchanged file a no-op.
    The digest starts with HASH_FORMAT.
    """
    payload = _encode_json(
        (owner, values[:_SOURCE_UPDATED_AT], values[_SOURCE_UPDATED_AT + 1 :])
    )
    digest = hashlib.blake2b(payload, digest_size=15, usedforsecurity=False)
    return HASH_FORMAT + digest.hexdigest()


def _earlier_hash_format(stored_hash: str) -> bool:
    """Return whether a stored digest comes from the previous hash function.

    That one hashed the mapped fields before they were prepared: 32
    hexadecimal digits with no prefix.
    """
    return len(stored_hash) == 32 and not stored_hash.startswith(HASH_FORMAT)


def time_adapter() -> Callable:
    """Return a function turning aware datetimes into the connection's values.

    On SQLite the result is what Django's adapter returns: the time in the
    connection's zone as text. It takes one conversion per value instead of
    three calls, and a UTC time on a UTC connection takes one. Other
    databases take the datetime as it is.
    """
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return adapt
    zone = connection.timezone

    def adapt_sqlite(value):
        if value is None:
            return None
        if value.tzinfo is UTC and zone is UTC:
            # str() of an aware UTC time ends in "+00:00".
            return str(value)[:-6]
        if value.utcoffset() is None:
            return adapt(value)
        return str(value.astimezone(zone).replace(tzinfo=None))

    return adapt_sqlite


def money_adapter() -> Callable:
    """Return a function turning Decimal amounts into the connection's values.

    Django's SQLite backend has the sqlite3 module bind a Decimal as its
    text, so converting it here stores the same value. Other databases take
    the Decimal.
    """
    if connection.vendor != "sqlite":
        return _unchanged
    return _decimal_text


def _unchanged(value):
    return value


def _decimal_text(value):
    return None if value is None else str(value)


def _json_text(value) -> str:
    """Serialize a row's extra as JSON text, for a JSONField column.

    msgspec writes what importers put there (text, numbers, flags, nested
    objects, decimals and times) in a fraction of the json module's time, as
    compact JSON. Django's encoder handles the types msgspec rejects.
    """
    try:
        return _encode_json(value).decode()
    except (TypeError, msgspec.EncodeError):
        return json.dumps(value, cls=DjangoJSONEncoder)


def _is_newer(incoming, stored) -> bool:
    """Compare two aware source_updated_at values; a missing one is oldest."""
    if stored is None:
        return True
    if incoming is None:
        return False
    return incoming > stored
