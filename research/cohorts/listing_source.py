"""Summary-shaped rows built straight from the listing table.

Queries use these where a summary level would hold about one listing per cell
and so save nothing. That is the case for filters on inseam, made in or
selvedge, for the partial months at the ends of a date range at the levels
without day cells (model, sized and fit), and for week trends at those
levels. The rows carry the same facts as the summary cells, one row per
listing event, so the same merging code reads both.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .facts import LISTING_FIELDS, ListingFacts, eligible_listings, facts_from_row
from .filters import CohortFilters
from .models import Event, Grain
from .periods import DayRange

ITERATOR_CHUNK = 5000


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def moment_range_q(field: str, start: date | None, end: date | None) -> Q:
    query = Q()
    if start is not None:
        query &= Q(**{f"{field}__gte": day_start(start)})
    # The last representable day has no next day. Every moment ends before it
    # does, so that range needs no upper bound.
    if end is not None and end < date.max:
        query &= Q(**{f"{field}__lt": day_start(end + timedelta(days=1))})
    return query


def attribute_filtered(filters: CohortFilters) -> QuerySet:
    """Eligible listings narrowed by every filter except the date range."""
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
    return queryset


def listed_in_q(start: date | None, end: date | None) -> Q:
    """Listings whose listing date (or sale date, when unlisted) is in range."""
    return moment_range_q("listed_at", start, end) | (
        Q(listed_at__isnull=True, sold=True) & moment_range_q("sold_at", start, end)
    )


def event_rows(facts: ListingFacts, day_range: DayRange | None = None) -> Iterator:
    """Yield one row per event of a listing, limited to ``day_range`` if given."""
    from .queries import Row

    common = (
        facts.platform,
        facts.listing_kind,
        facts.sold,
        facts.brand,
        facts.lot,
        facts.decade,
    )
    events = [(Event.LISTED, facts.listed_on, facts.price_bin, None)]
    if facts.sold:
        events.append(
            (Event.SOLD, facts.sold_on, facts.sold_price_bin, facts.days_to_sell)
        )
    for event, day, bin_index, days in events:
        if day_range is not None and not in_range(day, day_range):
            continue
        yield Row(
            Grain.DAY if day else Grain.ALL,
            day,
            event,
            *common,
            1,
            {str(bin_index): 1} if bin_index is not None else {},
            {str(days): 1} if days is not None else {},
        )


def in_range(day: date | None, day_range: DayRange) -> bool:
    if day is None:
        return False
    if day_range.start is not None and day < day_range.start:
        return False
    return day_range.end is None or day <= day_range.end


def listing_rows(filters: CohortFilters, day_range: DayRange | None) -> Iterator:
    """Yield event rows of the filtered listings; None means all time."""
    queryset = attribute_filtered(filters)
    # An empty Q() vanishes from an OR, so an unbounded range adds no filter.
    if day_range is not None and (day_range.start or day_range.end):
        start, end = day_range.start, day_range.end
        queryset = queryset.filter(
            listed_in_q(start, end)
            | (Q(sold=True) & moment_range_q("sold_at", start, end))
        )
    values = queryset.values(*LISTING_FIELDS).order_by()
    for row in values.iterator(chunk_size=ITERATOR_CHUNK):
        yield from event_rows(facts_from_row(row), day_range)
