"""Cohort statistics merged from summary rows.

Counts are exact. Price quantiles come from the binned histograms and carry the
precision stated in research.cohorts.bins (within 1% from $10 up, within $0.01
below). Days-to-sell quantiles are exact on whole days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from .bins import merge_counts, quantiles_from_bins, quantiles_from_counts
from .models import Event

QUARTER = Decimal("0.25")
HALF = Decimal("0.5")
THREE_QUARTERS = Decimal("0.75")
FRACTIONS = (QUARTER, HALF, THREE_QUARTERS)


@dataclass(frozen=True)
class Spread:
    """Median and interquartile range of a set of values."""

    count: int
    median: Decimal | None
    p25: Decimal | None
    p75: Decimal | None

    @property
    def iqr(self) -> Decimal | None:
        if self.p25 is None or self.p75 is None:
            return None
        return self.p75 - self.p25


def price_spread(histogram: Counter) -> Spread:
    p25, median, p75 = quantiles_from_bins(histogram, FRACTIONS)
    return Spread(count=sum(histogram.values()), median=median, p25=p25, p75=p75)


def days_spread(histogram: Counter) -> Spread:
    tenth = Decimal("0.1")
    counts = {int(days): count for days, count in histogram.items() if count > 0}
    p25, median, p75 = (
        value.quantize(tenth) if value is not None else None
        for value in quantiles_from_counts(counts, FRACTIONS)
    )
    return Spread(count=sum(counts.values()), median=median, p25=p25, p75=p75)


@dataclass
class Tally:
    """Running totals over summary rows; ``stats()`` turns them into numbers.

    ``listings`` counts listings listed in the range and ``listed_sold`` those of
    them that have sold since; ``sales`` counts sales made in the range.
    """

    listings: int = 0
    listed_sold: int = 0
    sales: int = 0
    asking: Counter = field(default_factory=Counter)
    sold_prices: Counter = field(default_factory=Counter)
    days: Counter = field(default_factory=Counter)

    def add(self, row) -> None:
        if row.event == Event.LISTED:
            self.listings += row.listing_count
            if row.sold:
                self.listed_sold += row.listing_count
            merge_counts(self.asking, row.price_bins)
        else:
            self.sales += row.listing_count
            merge_counts(self.sold_prices, row.price_bins)
            merge_counts(self.days, row.days_bins)

    @property
    def is_empty(self) -> bool:
        return self.listings == 0 and self.sales == 0

    def stats(self) -> CohortStats:
        return CohortStats(
            listing_count=self.listings,
            listed_sold_count=self.listed_sold,
            sale_count=self.sales,
            asking=price_spread(self.asking),
            sold=price_spread(self.sold_prices),
            days_to_sell=days_spread(self.days),
        )


@dataclass(frozen=True)
class CohortStats:
    listing_count: int
    listed_sold_count: int
    sale_count: int
    asking: Spread
    sold: Spread
    days_to_sell: Spread

    @property
    def is_empty(self) -> bool:
        return self.listing_count == 0 and self.sale_count == 0

    @property
    def sell_through(self) -> Decimal | None:
        """Share of the listings listed in the range that have sold, 0 to 1."""
        if not self.listing_count:
            return None
        ratio = Decimal(self.listed_sold_count) / Decimal(self.listing_count)
        return ratio.quantize(Decimal("0.0001"))

    @property
    def sell_through_percent(self) -> Decimal | None:
        if self.sell_through is None:
            return None
        return (self.sell_through * 100).quantize(Decimal("0.1"))
