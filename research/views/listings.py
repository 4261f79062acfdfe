"""The listing-level table behind a cohort, with the same rows as CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from research.cohorts.facts import eligible_listings
from research.cohorts.filters import CohortFilters

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


def day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def moment_range_q(field: str, filters: CohortFilters) -> Q:
    query = Q()
    if filters.date_from is not None:
        query &= Q(**{f"{field}__gte": day_start(filters.date_from)})
    if filters.date_to is not None:
        query &= Q(**{f"{field}__lt": day_start(filters.date_to + timedelta(days=1))})
    return query


def filtered_listings(filters: CohortFilters) -> QuerySet:
    """Return the listings a cohort counts, newest first.

    With status "sold" the date range selects sale dates; otherwise it selects
    listing dates (a sale date stands in for a missing listing date), as the
    cohort summaries do.
    """
    queryset = eligible_listings()
    if filters.platforms:
        queryset = queryset.filter(platform__in=filters.platforms)
    for name in ("brand", "lot", "decade", "made_in"):
        if getattr(filters, name):
            queryset = queryset.filter(**{name: getattr(filters, name)})
    for name in ("waist", "inseam"):
        low, high = getattr(filters, f"{name}_min"), getattr(filters, f"{name}_max")
        if low is not None:
            queryset = queryset.filter(**{f"{name}__gte": low})
        if high is not None:
            queryset = queryset.filter(**{f"{name}__lte": high})
    if filters.selvedge:
        queryset = queryset.filter(selvedge=filters.selvedge == "yes")
    if filters.status:
        queryset = queryset.filter(sold=filters.status == "sold")
    if filters.is_dated:
        if filters.status == "sold":
            queryset = queryset.filter(moment_range_q("sold_at", filters))
        else:
            queryset = queryset.filter(
                moment_range_q("listed_at", filters)
                | (
                    Q(listed_at__isnull=True, sold=True)
                    & moment_range_q("sold_at", filters)
                )
            )
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
        writer.writerow(row.cells)
