"""Read a listings file, map each line and write the rows: the ingestion path.

Every import goes through `ingest_file`: the command line, the import page's
worker task and Whatnot bulk exports.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from .extracting import extraction_for
from .importers import ImportContext, Importer
from .importers.whatnot_export import node_type
from .joins import ParentJoiner
from .readers import CsvReader, FileFormatError, JsonlReader, RejectedLine, SourceRecord
from .report import IngestReport
from .rows import ListingRow
from .values import RowError
from .writer import DEFAULT_BATCH_SIZE, ListingWriter

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
    processes extracting attributes (0 extracts in this process; None picks
    RESEARCH_INGEST_PROCESSES, by default one per core beyond the first, for
    files of RESEARCH_INGEST_PARALLEL_MIN_BYTES or more).
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

        extraction = extraction_for(report.total_bytes, 0 if dry_run else processes)
        try:
            writer = ListingWriter(
                importer.platform,
                report,
                dataset_id=dataset_id,
                seller_id=seller_id,
                dry_run=dry_run,
                batch_size=batch_size,
                on_batch=after_batch,
                extraction=extraction,
            )
            records = _counted(reader, report)
            if importer.joins_parents:
                _ingest_joined(records, importer, context, writer, report)
            else:
                _ingest_flat(records, importer, context, writer, report)
            writer.flush()
        finally:
            extraction.close()
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
