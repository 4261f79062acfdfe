"""The listing-level table behind a cohort, with the same rows as CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from research.cohorts.filters import CohortFilters
from research.cohorts.listing_source import (
    attribute_filtered,
    listed_in_q,
    moment_range_q,
)
from research.csv_cells import spreadsheet_safe_row

PAGE_SIZE = 50
COLUMNS = (
    "Platform",
    "Title",
    "Brand",
    "Lot",
    "Decade",
    "Waist",
    "Inseam",
    "Kind",
    "Asking",
    "Status",
    "Sold price",
    "Listed",
    "Sold on",
)
# Only listing columns are read: never the seller, the raw payload or buyers.
LISTING_VALUES = (
    "id",
    "platform",
    "title",
    "url",
    "brand",
    "lot",
    "decade",
    "waist",
    "inseam",
    "listing_kind",
    "price",
    "sold",
    "sold_price",
    "listed_at",
    "sold_at",
)


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    url: str


def filtered_listings(filters: CohortFilters) -> QuerySet:
    """Return the listings a cohort counts, newest first.

    With status "sold" the date range selects sale dates. Otherwise it selects
    listing dates, where a sale date replaces a missing listing date, as in
    the cohort summaries.
    """
    queryset = attribute_filtered(filters)
    if filters.is_dated:
        start, end = filters.date_from, filters.date_to
        if filters.status == "sold":
            queryset = queryset.filter(moment_range_q("sold_at", start, end))
        else:
            queryset = queryset.filter(listed_in_q(start, end))
    ordering = "-sold_at" if filters.status == "sold" else "-listed_at"
    return queryset.order_by(ordering, "-id").values(*LISTING_VALUES)


def table_rows(listings) -> list[TableRow]:
    return [table_row(listing) for listing in listings]


def table_row(listing: dict) -> TableRow:
    def when(moment):
        return timezone.localtime(moment).date().isoformat() if moment else ""

    def amount(value):
        return f"{value:.2f}" if value is not None else ""

    cells = (
        listing["platform"],
        listing["title"],
        listing["brand"],
        listing["lot"],
        listing["decade"],
        str(listing["waist"] or ""),
        str(listing["inseam"] or ""),
        listing["listing_kind"],
        amount(listing["price"]),
        "sold" if listing["sold"] else "unsold",
        amount(listing["sold_price"]) if listing["sold"] else "",
        when(listing["listed_at"]),
        when(listing["sold_at"]) if listing["sold"] else "",
    )
    return TableRow(cells=cells, url=listing["url"])


def write_csv(response, rows: list[TableRow]) -> None:
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(spreadsheet_safe_row(row.cells))
