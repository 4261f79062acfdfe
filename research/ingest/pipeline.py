"""Read a listings file, map each line and write the rows: the ingestion path.

Every import goes through `ingest_file`: the command line, the import page's
worker task and Whatnot bulk exports.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

from django.db import DatabaseError
from django.utils import timezone

from ..attributes import extract_for_fields
from .importers import ImportContext, Importer, get_importer
from .importers.whatnot_export import node_type
from .joins import PARENT_KEY, ParentJoiner
from .readers import (
    CsvReader,
    FileFormatError,
    JsonlReader,
    RejectedLine,
    SourceRecord,
    parse_jsonl_line,
)
from .report import IngestReport
from .rows import ListingRow
from .values import RowError
from .workers import (
    InProcess,
    WorkerPool,
    extraction_input,
    reading_connection,
    workers_for,
)
from .writer import (
    DEFAULT_BATCH_SIZE,
    NEEDS_ATTRIBUTES,
    ListingWriter,
    PreparedRow,
    outcome_of,
    row_preparer,
    stored_versions,
)

FORMATS = ("csv", "jsonl")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
# Errors a mapping raises on a malformed value (a list where a dict belongs);
# the line is rejected with the message instead of stopping the file.
# ArithmeticError covers decimal.InvalidOperation and OverflowError from dates.
_MAPPING_ERRORS = (
    RowError,
    TypeError,
    ValueError,
    AttributeError,
    KeyError,
    ArithmeticError,
)
# Lines handed to a worker process at a time, and their most bytes: a chunk
# ends at whichever limit it reaches first, so long lines make short chunks.
CHUNK_LINES = 1000
CHUNK_BYTES = 2 * 1024 * 1024


def guess_format(path: str | Path) -> str | None:
    """Return "csv" or "jsonl" from a file name's extension, or None."""
    return _EXTENSIONS.get(Path(path).suffix.lower())


def resolve_format(
    importer: Importer, path: str | Path, file_format: str | None
) -> str:
    """Return the format to read `path` in, or raise FileFormatError."""
    chosen = file_format or guess_format(path) or importer.formats[0]
    if chosen not in importer.formats:
        raise FileFormatError(
            f"{importer.name} files are {' or '.join(importer.formats)}, not {chosen}"
        )
    return chosen


def ingest_file(
    path: str | Path,
    importer: Importer,
    *,
    file_format: str | None = None,
    dataset_id: int | None = None,
    seller_id: int | None = None,
    dry_run: bool = False,
    observed_at: datetime | None = None,
    on_progress: Callable[[IngestReport], None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    processes: int | None = None,
) -> IngestReport:
    """Ingest one file and return its report.

    Bad lines are counted and listed in the report, never raised. Raises
    FileFormatError when the file as a whole cannot be read. `on_progress`
    is called after each written batch. `processes` is the number of worker
    processes that parse, map and extract: 0 does all in this process, and
    None takes RESEARCH_INGEST_PROCESSES (by default one per core) for files
    of RESEARCH_INGEST_PARALLEL_MIN_BYTES or more. Only JSONL lines are
    parsed and mapped in workers; a CSV file's rows are only extracted there.
    """
    chosen = resolve_format(importer, path, file_format)
    report = IngestReport()
    context = ImportContext(observed_at=observed_at or timezone.now())
    with open(path, "rb") as stream:
        report.total_bytes = os.fstat(stream.fileno()).st_size
        if chosen == "csv":
            reader = CsvReader(stream)
            importer.validate_header(reader.header)
        else:
            reader = JsonlReader(stream)

        def after_batch() -> None:
            report.bytes_read = reader.position
            if on_progress is not None:
                on_progress(report)

        workers = workers_for(report.total_bytes, 0 if dry_run else processes)
        try:
            writer = ListingWriter(
                importer.platform,
                report,
                dataset_id=dataset_id,
                seller_id=seller_id,
                dry_run=dry_run,
                batch_size=batch_size,
                on_batch=after_batch,
                extraction=workers,
            )
            if chosen == "jsonl" and workers.processes:
                _ingest_lines_in_workers(reader, importer, context, writer, workers)
            else:
                records = _counted(reader, report)
                if importer.joins_parents:
                    _ingest_joined(records, importer, context, writer, report)
                else:
                    _ingest_flat(records, importer, context, writer, report)
            writer.flush()
        finally:
            workers.close()
        report.bytes_read = reader.position
    return report


def ingest_rows(
    rows: Iterable[tuple[int, ListingRow]],
    platform: str,
    *,
    dataset_id: int | None = None,
    seller_id: int | None = None,
) -> IngestReport:
    """Write already mapped rows (line or sequence number, row) and report."""
    report = IngestReport()
    writer = ListingWriter(platform, report, dataset_id=dataset_id, seller_id=seller_id)
    for line, row in rows:
        report.lines_read += 1
        writer.add(line, row)
    writer.flush()
    return report


def _counted(
    reader: Iterable[SourceRecord | RejectedLine], report: IngestReport
) -> Iterator[SourceRecord]:
    for item in reader:
        report.lines_read += 1
        if isinstance(item, RejectedLine):
            report.reject(item.line, item.reason)
        else:
            yield item


def _map(importer: Importer, line: int, data: dict, context, writer, report) -> None:
    try:
        row = importer.map_record(data, context)
    except _MAPPING_ERRORS as exc:
        report.reject(line, str(exc) or exc.__class__.__name__)
        return
    writer.add(line, row)


def _ingest_flat(records, importer, context, writer, report) -> None:
    for record in records:
        _map(importer, record.line, record.data, context, writer, report)


def _ingest_joined(records, importer, context, writer, report) -> None:
    with ParentJoiner() as joiner:
        for record in records:
            kind = node_type(record.data)
            if kind != "listing":
                report.parent_lines += 1
                if kind in ("product", "variant"):
                    _add_parent(joiner, record, report)
                continue
            if record.data.get("id") in (None, ""):
                report.reject(record.line, "missing id")
                continue
            joined = joiner.join(record)
            if joined is not None:
                _map_joined(importer, joined, context, writer, report)
        for item in joiner.drain():
            if isinstance(item, RejectedLine):
                report.reject(item.line, item.reason)
            else:
                _map_joined(importer, item, context, writer, report)


def _add_parent(
    joiner: ParentJoiner, record: SourceRecord, report: IngestReport
) -> None:
    if record.data.get("id") in (None, ""):
        report.parent_lines -= 1
        report.reject(record.line, "missing id")
        return
    joiner.add_parent(record)


def _map_joined(importer, joined, context, writer, report) -> None:
    data = dict(joined.data)
    data["__ancestors"] = joined.ancestors
    _map(importer, joined.line, data, context, writer, report)


# --- lines prepared in worker processes --------------------------------------
#
# The ingesting process reads raw lines and hands them to the workers a chunk
# at a time. A worker parses, maps and hashes each line, reads the stored
# versions of the chunk's rows and extracts the attributes of those the
# database does not have yet. The ingesting process takes the chunks back in
# file order: it joins child lines to their parents, counts, and writes.

_PARENT = "parent"
_SKIPPED = "skipped"
_CHILD = "child"
_ROW = "row"


def _ingest_lines_in_workers(
    reader: JsonlReader,
    importer: Importer,
    context: ImportContext,
    writer: ListingWriter,
    workers: InProcess | WorkerPool,
) -> None:
    arguments = (importer.name, writer.platform, writer.owner, context)
    in_flight: deque = deque()
    lines = reader.lines()
    joiner = ParentJoiner() if importer.joins_parents else nullcontext()

    def take_oldest() -> None:
        handle, chunk = in_flight.popleft()
        prepared = workers.result(handle, prepare_lines, *arguments, chunk)
        _take_prepared(prepared, importer, context, writer, joiner)

    with joiner:
        while chunk := _next_chunk(lines):
            handle = workers.submit(prepare_lines, *arguments, chunk)
            in_flight.append((handle, chunk))
            while len(in_flight) > workers.processes:
                take_oldest()
        while in_flight:
            take_oldest()
        if importer.joins_parents:
            for item in joiner.drain():
                if isinstance(item, RejectedLine):
                    writer.report.reject(item.line, item.reason)
                else:
                    _map_joined(importer, item, context, writer, writer.report)


def _next_chunk(lines: Iterator) -> list:
    """Return the next lines up to CHUNK_LINES lines or CHUNK_BYTES bytes."""
    chunk: list = []
    size = 0
    for item in lines:
        chunk.append(item)
        if not isinstance(item, RejectedLine):
            size += len(item[1])
        if len(chunk) >= CHUNK_LINES or size >= CHUNK_BYTES:
            break
    return chunk


def _take_prepared(prepared: list, importer, context, writer, joiner) -> None:
    report = writer.report
    for item in prepared:
        report.lines_read += 1
        if isinstance(item, RejectedLine):
            report.reject(item.line, item.reason)
        elif item[0] == _ROW:
            writer.add_prepared(item[1], PreparedRow(*item[2:]))
        elif item[0] == _CHILD:
            joined = joiner.join(item[1])
            if joined is not None:
                _map_joined(importer, joined, context, writer, report)
        else:
            report.parent_lines += 1
            if item[0] == _PARENT:
                joiner.add_parent(item[1])


def prepare_lines(
    importer_name: str,
    platform: str,
    owner: tuple,
    context: ImportContext,
    chunk: list[tuple[int, bytes] | RejectedLine],
) -> list:
    """Parse, map and hash a chunk of lines; extract the rows that need it.

    Returns one item per line in order: a RejectedLine, or a (kind, ...)
    tuple: (_ROW, line, *fields of a PreparedRow) for a listing row,
    (_PARENT, SourceRecord) for a product or variant, (_SKIPPED, line) for
    another node, and (_CHILD, SourceRecord) for a listing that names a
    parent line. A row travels as a flat tuple because that pickles several
    times faster than the dataclass.
    """
    importer = get_importer(importer_name)
    prepare = row_preparer(owner)
    prepared: list = []
    mapped: list[tuple[int, ListingRow, PreparedRow]] = []
    for item in chunk:
        if isinstance(item, RejectedLine):
            prepared.append(item)
            continue
        record = parse_jsonl_line(*item)
        if isinstance(record, RejectedLine):
            prepared.append(record)
            continue
        data = record.data
        if importer.joins_parents:
            kind = node_type(data)
            if data.get("id") in (None, "") and kind in (
                "listing",
                "product",
                "variant",
            ):
                prepared.append(RejectedLine(record.line, "missing id"))
                continue
            if kind in ("product", "variant"):
                prepared.append((_PARENT, record))
                continue
            if kind != "listing":
                prepared.append((_SKIPPED, record.line))
                continue
            if data.get(PARENT_KEY) is not None:
                prepared.append((_CHILD, record))
                continue
            data["__ancestors"] = []
        try:
            row = importer.map_record(data, context)
        except _MAPPING_ERRORS as exc:
            prepared.append(
                RejectedLine(record.line, str(exc) or exc.__class__.__name__)
            )
            continue
        mapped.append((len(prepared), row, prepare(row)))
        prepared.append(record.line)
    _extract_needed(platform, mapped)
    for position, _, ready in mapped:
        prepared[position] = (
            _ROW,
            prepared[position],
            ready.external_id,
            ready.content_hash,
            ready.updated_at,
            ready.values,
            ready.attributes,
            ready.checked,
        )
    return prepared


def _extract_needed(
    platform: str, mapped: list[tuple[int, ListingRow, PreparedRow]]
) -> None:
    """Extract the rows whose version the database does not have yet.

    The others are marked checked. When the stored versions cannot be read,
    nothing is extracted here and the writer decides.
    """
    if not mapped:
        return
    db = reading_connection()
    try:
        stored = stored_versions(
            db, platform, [ready.external_id for _, _, ready in mapped]
        )
    except DatabaseError:
        return
    for _, row, ready in mapped:
        outcome = outcome_of(ready, stored.get(ready.external_id), db.vendor)
        if outcome not in NEEDS_ATTRIBUTES:
            ready.checked = True
        else:
            ready.attributes = extract_for_fields(*extraction_input(row))
