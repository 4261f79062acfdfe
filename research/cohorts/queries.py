"""Cohort reports read from the summary tables, never from the listing table.

Each query reads the summary level with the fewest rows that keeps every
column it filters or groups on (see LEVEL_COLUMNS). All-time queries read the
all-time rows. An unfiltered overview therefore reads a few hundred rows
however many listings there are.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Max, Q

from .bins import bin_bounds, merge_counts
from .facts import LEVEL_COLUMNS, LEVEL_GRAINS
from .filters import CohortFilters
from .listing_source import listing_rows
from .models import CohortSummary, Event, Grain
from .periods import DayRange, cover, month_start, week_start
from .stats import CohortStats, Tally, price_spread
from .version import summaries_version

LEVELS = tuple(LEVEL_COLUMNS)
ROW_FIELDS = (
    "grain",
    "period",
    "event",
    "platform",
    "listing_kind",
    "sold",
    "brand",
    "lot",
    "decade",
    "listing_count",
    "price_bins",
    "days_bins",
)
MAX_HISTOGRAM_BINS = 30
NICE_STEPS = tuple(
    Decimal(digit) * Decimal(10) ** exponent
    for exponent in range(-2, 6)
    for digit in (1, 2, 5)
)


class Row(NamedTuple):
    grain: str
    period: date | None
    event: str
    platform: str
    listing_kind: str
    sold: bool
    brand: str
    lot: str
    decade: str
    listing_count: int
    price_bins: dict
    days_bins: dict


@dataclass(frozen=True)
class TrendPoint:
    bucket: date
    stats: CohortStats


@dataclass(frozen=True)
class HistogramBin:
    lower: Decimal
    upper: Decimal
    asking_count: int
    sold_count: int


@dataclass
class CohortReport:
    filters: CohortFilters
    level: str
    stats: CohortStats
    trend: list[TrendPoint] = field(default_factory=list)
    histogram: list[HistogramBin] = field(default_factory=list)
    by_kind: list[tuple[str, CohortStats]] = field(default_factory=list)
    by_platform: list[tuple[str, CohortStats]] = field(default_factory=list)
    undated_listings: int = 0
    undated_sales: int = 0

    @property
    def is_empty(self) -> bool:
        return self.stats.is_empty

    @property
    def has_both_kinds(self) -> bool:
        kinds = {kind for kind, _ in self.by_kind}
        return {"auction", "buy_it_now"} <= kinds


@dataclass(frozen=True)
class Mover:
    brand: str
    lot: str
    decade: str
    previous_median: Decimal
    recent_median: Decimal
    previous_sales: int
    recent_sales: int

    @property
    def change(self) -> Decimal:
        return (self.recent_median - self.previous_median) / self.previous_median

    @property
    def change_percent(self) -> Decimal:
        return (self.change * 100).quantize(Decimal("0.1"))


@dataclass
class MoversReport:
    as_of: date | None
    window_days: int
    min_sales: int
    risers: list[Mover]
    fallers: list[Mover]


def filtered_columns(filters: CohortFilters) -> set[str]:
    columns = {
        name
        for name in ("brand", "lot", "decade", "made_in", "selvedge")
        if getattr(filters, name)
    }
    if filters.platforms:
        columns.add("platform")
    if filters.has_waist:
        columns.add("waist")
    if filters.has_inseam:
        columns.add("inseam")
    return columns


def level_for(filters: CohortFilters, needs: Iterable[str] = ()) -> str | None:
    """Return the level with the fewest rows that keeps the filtered columns
    and the columns in ``needs``, or None when only the listing table does."""
    needed = filtered_columns(filters) | set(needs)
    for level, columns in LEVEL_COLUMNS.items():
        if needed <= columns:
            return level
    return None


def attribute_q(filters: CohortFilters) -> Q:
    query = Q()
    if filters.platforms:
        query &= Q(platform__in=filters.platforms)
    for name in ("brand", "lot", "decade"):
        value = getattr(filters, name)
        if value:
            query &= Q(**{name: value})
    # 0 means unknown, so any bound leaves unknown waists out.
    if filters.has_waist:
        low = filters.waist_min if filters.waist_min is not None else 1
        query &= Q(waist__gte=low)
    if filters.waist_max is not None:
        query &= Q(waist__lte=filters.waist_max)
    if filters.status == "sold":
        query &= Q(sold=True)
    elif filters.status == "unsold":
        query &= Q(sold=False)
    return query


def fetch_rows(level: str, *conditions: Q) -> list[Row]:
    queryset = CohortSummary.objects.filter(level=level)
    for condition in conditions:
        queryset = queryset.filter(condition)
    return [Row(*values) for values in queryset.values_list(*ROW_FIELDS)]


def gather_rows(
    filters: CohortFilters,
    level: str | None,
    start: date | None,
    end: date | None,
    bucket: str | None = None,
    event: str | None = None,
) -> list[Row]:
    """Return rows that count each event in [start, end] exactly once.

    Without a bucket the rows serve totals (all-time rows when the range is
    unbounded); with "month" or "week" they serve a trend and are dated rows
    only. ``level`` None, and the partial months of levels without day rows,
    read the listing table.
    """
    summary_q = attribute_q(filters)
    if event is not None:
        summary_q &= Q(event=event)

    def from_listings(day_range: DayRange | None) -> list[Row]:
        rows = listing_rows(filters, day_range)
        return [row for row in rows if event is None or row.event == event]

    if bucket == "week":
        if level is not None and Grain.DAY in LEVEL_GRAINS[level]:
            return fetch_rows(level, summary_q, DayRange(start, end).q())
        return from_listings(DayRange(start, end))
    span = cover(start, end)
    if span.all_time:
        if level is None:
            return from_listings(DayRange(None, None) if bucket else None)
        grain = Grain.MONTH if bucket else Grain.ALL
        return fetch_rows(level, summary_q, Q(grain=grain))
    if level is None:
        return from_listings(DayRange(start, end))
    rows = []
    if span.has_months:
        rows += fetch_rows(level, summary_q, span.months_q())
    for day_range in span.day_ranges:
        if Grain.DAY in LEVEL_GRAINS[level]:
            rows += fetch_rows(level, summary_q, day_range.q())
        else:
            rows += from_listings(day_range)
    return rows


BREAKDOWN_COLUMNS = ("platform", "listing_kind")


def cohort_report(filters: CohortFilters) -> CohortReport:
    """Compute totals, trend, price histogram and breakdowns for a cohort.

    Totals and the platform and listing-kind breakdowns come from one level.
    The trend comes from the level with the fewest rows for the filters, which
    is often a coarser one.
    """
    start, end = filters.date_from, filters.date_to
    level = level_for(filters, needs=BREAKDOWN_COLUMNS)
    rows = gather_rows(filters, level, start, end)
    trend_rows = gather_rows(filters, level_for(filters), start, end, filters.bucket)
    return build_report(filters, level or "listings", rows, trend_rows)


def build_report(
    filters: CohortFilters, level: str, rows: Iterable[Row], trend_rows: Iterable[Row]
) -> CohortReport:
    """Merge summary rows into a report; trend_rows must be day rows for weeks."""
    totals = Tally()
    by_kind: dict[str, Tally] = defaultdict(Tally)
    by_platform: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        totals.add(row)
        by_kind[row.listing_kind].add(row)
        by_platform[row.platform].add(row)
    points = trend(trend_rows, filters.bucket)
    undated_listings = undated_sales = 0
    if not filters.is_dated:
        undated_listings = totals.listings - sum(p.stats.listing_count for p in points)
        undated_sales = totals.sales - sum(p.stats.sale_count for p in points)
    return CohortReport(
        filters=filters,
        level=level,
        stats=totals.stats(),
        trend=points,
        histogram=price_histogram(totals),
        by_kind=sorted_breakdown(by_kind),
        by_platform=sorted_breakdown(by_platform),
        undated_listings=undated_listings,
        undated_sales=undated_sales,
    )


def sorted_breakdown(tallies: dict[str, Tally]) -> list[tuple[str, CohortStats]]:
    return [
        (name, tally.stats())
        for name, tally in sorted(
            tallies.items(), key=lambda item: (-item[1].listings, item[0])
        )
        if not tally.is_empty
    ]


def trend(rows: Iterable[Row], bucket: str) -> list[TrendPoint]:
    """Group dated rows into month or week buckets, oldest first."""
    to_bucket = week_start if bucket == "week" else month_start
    tallies: dict[date, Tally] = defaultdict(Tally)
    for row in rows:
        if row.period is None:
            continue
        tallies[to_bucket(row.period)].add(row)
    return [
        TrendPoint(bucket=start, stats=tallies[start].stats())
        for start in sorted(tallies)
    ]


def histogram_step(lowest: Decimal, highest: Decimal, finest: Decimal) -> Decimal:
    """Pick a round display step that whole fine bins fit into exactly."""
    span = highest - lowest
    for step in NICE_STEPS:
        if step >= finest and step * MAX_HISTOGRAM_BINS >= span and not step % finest:
            return step
    return NICE_STEPS[-1]


def price_histogram(tally: Tally) -> list[HistogramBin]:
    """Merge fine price bins into at most about 30 display bins of round width.

    Display edges are multiples of the step and every fine bin lies inside one
    display bin, so the display counts are exact.
    """
    indexes = {int(index) for index in (*tally.asking, *tally.sold_prices)}
    if not indexes:
        return []
    lowest = bin_bounds(min(indexes))[0]
    top_lower, top_upper = bin_bounds(max(indexes))
    finest = (top_upper - top_lower) if top_upper is not None else Decimal(200)
    highest = top_upper if top_upper is not None else top_lower + finest
    step = histogram_step(lowest, highest, finest)
    first = int(lowest // step)
    last = int((highest - Decimal("0.000001")) // step)
    asking = defaultdict(int)
    sold = defaultdict(int)
    for source, target in ((tally.asking, asking), (tally.sold_prices, sold)):
        for index, count in source.items():
            target[int(bin_bounds(int(index))[0] // step)] += count
    return [
        HistogramBin(
            lower=step * slot,
            upper=step * (slot + 1),
            asking_count=asking.get(slot, 0),
            sold_count=sold.get(slot, 0),
        )
        for slot in range(first, last + 1)
    ]


def latest_sale_date() -> date | None:
    return CohortSummary.objects.filter(
        level="total", grain=Grain.DAY, event=Event.SOLD
    ).aggregate(latest=Max("period"))["latest"]


MOVERS_CACHE_SECONDS = 3600


def top_movers(
    filters: CohortFilters,
    window_days: int = 90,
    min_sales: int = 5,
    limit: int = 5,
) -> MoversReport:
    """Find the brand, lot and decade cohorts whose median sold price moved most.

    The recent window is the ``window_days`` days up to the filters' end date,
    or up to the latest sale in the summaries. The previous window has the same
    length and ends the day before. A cohort needs ``min_sales`` sales in each.

    The two windows read every day row at their partial-month ends, which at a
    million listings is tens of thousands of rows, so the result is cached
    until the summaries next change (see research.cohorts.version).
    """
    key = "research:movers:{}:{}".format(
        summaries_version(),
        hashlib.sha256(
            repr((filters, window_days, min_sales, limit)).encode()
        ).hexdigest(),
    )
    report = cache.get(key)
    if report is None:
        report = compute_top_movers(filters, window_days, min_sales, limit)
        cache.set(key, report, timeout=MOVERS_CACHE_SECONDS)
    return report


def compute_top_movers(
    filters: CohortFilters, window_days: int, min_sales: int, limit: int
) -> MoversReport:
    as_of = filters.date_to or latest_sale_date()
    if as_of is None:
        return MoversReport(None, window_days, min_sales, [], [])
    recent_start = as_of - timedelta(days=window_days - 1)
    previous_start = recent_start - timedelta(days=window_days)
    level = level_for(filters, needs=("brand", "lot", "decade"))
    recent = gather_rows(filters, level, recent_start, as_of, event=Event.SOLD)
    previous = gather_rows(
        filters,
        level,
        previous_start,
        recent_start - timedelta(days=1),
        event=Event.SOLD,
    )
    return compare_windows(
        as_of,
        window_days,
        min_sales,
        limit,
        cohort_prices(recent),
        cohort_prices(previous),
    )


def compare_windows(
    as_of: date,
    window_days: int,
    min_sales: int,
    limit: int,
    recent: dict[tuple[str, str, str], Counter],
    previous: dict[tuple[str, str, str], Counter],
) -> MoversReport:
    movers = []
    for cohort, recent_tally in recent.items():
        previous_tally = previous.get(cohort)
        if previous_tally is None:
            continue
        recent_spread = price_spread(recent_tally)
        previous_spread = price_spread(previous_tally)
        if min(recent_spread.count, previous_spread.count) < min_sales:
            continue
        if not previous_spread.median:
            continue
        movers.append(
            Mover(
                *cohort,
                previous_median=previous_spread.median,
                recent_median=recent_spread.median,
                previous_sales=previous_spread.count,
                recent_sales=recent_spread.count,
            )
        )
    movers.sort(key=lambda mover: (mover.change, mover.brand, mover.lot, mover.decade))
    risers = [mover for mover in reversed(movers) if mover.change > 0][:limit]
    fallers = [mover for mover in movers if mover.change < 0][:limit]
    return MoversReport(as_of, window_days, min_sales, risers, fallers)


def cohort_prices(rows: Iterable[Row]) -> dict[tuple[str, str, str], Counter]:
    prices: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for row in rows:
        if not row.brand:
            continue
        merge_counts(prices[(row.brand, row.lot, row.decade)], row.price_bins)
    return prices
