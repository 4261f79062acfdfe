"""Cohort reports read from the summary tables, never from the listing table.

Each request picks the coarsest summary level that keeps every column it
filters on (see LEVEL_COLUMNS), so an unfiltered overview reads a few thousand
rows however many listings there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Max, Q

from .bins import bin_bounds, merge_counts
from .facts import LEVEL_COLUMNS
from .filters import CohortFilters
from .models import CohortSummary, Event, Grain
from .periods import covering_q, days_q, month_start, week_start
from .stats import CohortStats, Tally, price_spread

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


def level_for(filters: CohortFilters) -> str:
    """Return the coarsest summary level that keeps every filtered column."""
    if filters.has_inseam or filters.made_in or filters.selvedge:
        return "full"
    if filters.has_waist:
        return "fit"
    if filters.lot or filters.decade:
        return "model"
    if filters.brand:
        return "brand"
    return "market"


def finer_level(first: str, second: str) -> str:
    return max(first, second, key=LEVELS.index)


def attribute_q(filters: CohortFilters) -> Q:
    query = Q()
    if filters.platforms:
        query &= Q(platform__in=filters.platforms)
    for name in ("brand", "lot", "decade", "made_in", "selvedge"):
        value = getattr(filters, name)
        if value:
            query &= Q(**{name: value})
    for name in ("waist", "inseam"):
        low = getattr(filters, f"{name}_min")
        high = getattr(filters, f"{name}_max")
        # 0 means unknown, so any bound leaves unknown sizes out.
        if low is not None or high is not None:
            query &= Q(**{f"{name}__gte": low if low is not None else 1})
        if high is not None:
            query &= Q(**{f"{name}__lte": high})
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


def cohort_report(filters: CohortFilters) -> CohortReport:
    """Compute totals, trend, price histogram and breakdowns for a cohort."""
    level = level_for(filters)
    rows = fetch_rows(
        level, attribute_q(filters), covering_q(filters.date_from, filters.date_to)
    )
    totals = Tally()
    by_kind: dict[str, Tally] = defaultdict(Tally)
    by_platform: dict[str, Tally] = defaultdict(Tally)
    undated = {Event.LISTED: 0, Event.SOLD: 0}
    for row in rows:
        totals.add(row)
        by_kind[row.listing_kind].add(row)
        by_platform[row.platform].add(row)
        if row.grain == Grain.UNDATED:
            undated[row.event] += row.listing_count
    if filters.bucket == "week":
        trend_rows = fetch_rows(
            level, attribute_q(filters), days_q(filters.date_from, filters.date_to)
        )
    else:
        trend_rows = rows
    return CohortReport(
        filters=filters,
        level=level,
        stats=totals.stats(),
        trend=trend(trend_rows, filters.bucket),
        histogram=price_histogram(totals),
        by_kind=sorted_breakdown(by_kind),
        by_platform=sorted_breakdown(by_platform),
        undated_listings=undated[Event.LISTED],
        undated_sales=undated[Event.SOLD],
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
    indexes = set(tally.asking) | set(tally.sold_prices)
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
            target[int(bin_bounds(index)[0] // step)] += count
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
        level="market", grain=Grain.DAY, event=Event.SOLD
    ).aggregate(latest=Max("period"))["latest"]


def top_movers(
    filters: CohortFilters,
    window_days: int = 90,
    min_sales: int = 5,
    limit: int = 5,
) -> MoversReport:
    """Find the brand, lot and decade cohorts whose median sold price moved most.

    The recent window is the ``window_days`` days up to the filters' end date, or
    up to the latest sale in the summaries; the previous window is the same
    length just before it. Both windows need ``min_sales`` sales.
    """
    as_of = filters.date_to or latest_sale_date()
    if as_of is None:
        return MoversReport(None, window_days, min_sales, [], [])
    recent_start = as_of - timedelta(days=window_days - 1)
    previous_start = recent_start - timedelta(days=window_days)
    level = finer_level(level_for(filters), "model")
    sold_rows = Q(event=Event.SOLD) & attribute_q(filters) & ~Q(brand="")
    recent = cohort_prices(
        fetch_rows(level, sold_rows, covering_q(recent_start, as_of))
    )
    previous = cohort_prices(
        fetch_rows(
            level,
            sold_rows,
            covering_q(previous_start, recent_start - timedelta(days=1)),
        )
    )
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
        merge_counts(prices[(row.brand, row.lot, row.decade)], row.price_bins)
    return prices
