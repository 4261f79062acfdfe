"""Write the market listings dataset as CSV or JSONL, a chunk at a time.

The first line names the schema and its version, so a reader can tell which
columns to expect: a "#" comment line in CSV, a header object in JSONL. Rows
carry no seller identity; mirrored Whatnot rows stay anonymous.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from .csv_cells import spreadsheet_safe
from .models import MarketListing

SCHEMA_NAME = "selvedge.market_listings"
SCHEMA_VERSION = 1
EXPORT_FORMATS = ("csv", "jsonl")
COLUMNS = (
    "platform",
    "external_id",
    "dataset",
    "title",
    "url",
    "listing_kind",
    "status",
    "price",
    "currency",
    "sold",
    "sold_price",
    "listed_at",
    "sold_at",
    "source_updated_at",
    "brand",
    "brand_line",
    "lot",
    "decade",
    "waist",
    "inseam",
    "made_in",
    "selvedge",
    "big_e",
    "gender",
    "fit",
    "wash",
    "condition",
    "extractor_version",
)
_QUERY_COLUMNS = tuple("dataset__name" if c == "dataset" else c for c in COLUMNS)
_CHUNK_ROWS = 2000


def listings_for_export(
    platform: str = "", dataset_id: int | None = None
) -> QuerySet[MarketListing]:
    listings = MarketListing.objects.all()
    if platform:
        listings = listings.filter(platform=platform)
    if dataset_id is not None:
        listings = listings.filter(dataset_id=dataset_id)
    return listings.order_by("id")


def schema_header(exported_at: datetime) -> dict:
    return {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at.isoformat(),
        "columns": list(COLUMNS),
    }


def export_lines(
    listings: QuerySet[MarketListing],
    file_format: str,
    exported_at: datetime,
    counter: list[int],
) -> Iterator[str]:
    """Yield the export a chunk of text at a time; counter[0] counts rows."""
    rows = listings.values_list(*_QUERY_COLUMNS).iterator(chunk_size=_CHUNK_ROWS)
    if file_format == "csv":
        yield from _csv_lines(rows, exported_at, counter)
    else:
        yield from _jsonl_lines(rows, exported_at, counter)


def _csv_lines(rows, exported_at: datetime, counter: list[int]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(
        f"# {SCHEMA_NAME} schema_version={SCHEMA_VERSION} "
        f"exported_at={exported_at.isoformat()}\r\n"
    )
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(_csv_value(value)) for value in row])
        counter[0] += 1
        if counter[0] % _CHUNK_ROWS == 0:
            yield _take(buffer)
    yield _take(buffer)


def _jsonl_lines(rows, exported_at: datetime, counter: list[int]) -> Iterator[str]:
    lines = [json.dumps(schema_header(exported_at))]
    for row in rows:
        lines.append(
            json.dumps(dict(zip(COLUMNS, row, strict=True)), default=_json_value)
        )
        counter[0] += 1
        if len(lines) >= _CHUNK_ROWS:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
