"""Fixed Decimal price bins and the quantiles read from them.

Summary rows keep prices as histograms over fixed bins so that counts, medians
and quartiles of any set of rows can be merged without the listings:

- below $10 the bins are $0.02 wide (index 0 to 499);
- from $10 to $100,000 each decade [10^k, 10^(k+1)) has 450 bins of width
  10^k / 50, so a bin is never wider than 2% of its lower edge;
- $100,000 and above share one overflow bin.

Precision: quantiles use linear interpolation between order statistics (the
"type 7" definition, as ``statistics.quantiles(method="inclusive")``). The
binned estimate replaces each order statistic with the midpoint of its bin,
which is at most half a bin width away. The estimate is therefore within 1% of
the exact quantile for prices from $10 to $100,000 and within $0.01 below $10,
before rounding to the cent (another $0.005 at most). A quantile that falls in
the overflow bin is reported as $100,000.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
SMALL_BIN_WIDTH = Decimal("0.02")
SMALL_BIN_COUNT = 500
BINS_PER_DECADE = 450
FIRST_DECADE = 1  # 10^1 = $10
LAST_DECADE = 4  # 10^4 = $10,000; its decade ends at $100,000
OVERFLOW_EDGE = Decimal(100_000)
OVERFLOW_BIN = SMALL_BIN_COUNT + BINS_PER_DECADE * (LAST_DECADE - FIRST_DECADE + 1)


def price_bin(price: Decimal | None) -> int | None:
    """Return the bin index of a price, or None for a missing or non-positive one."""
    if price is None or price <= 0:
        return None
    price = Decimal(price)
    if price < 10:
        return int((price / SMALL_BIN_WIDTH).to_integral_value(ROUND_FLOOR))
    if price >= OVERFLOW_EDGE:
        return OVERFLOW_BIN
    exponent = len(str(int(price))) - 1  # 1 for $10-$99.99, 2 for $100-$999.99
    floor = Decimal(10) ** exponent
    width = floor / 50
    offset = int(((price - floor) / width).to_integral_value(ROUND_FLOOR))
    return SMALL_BIN_COUNT + (exponent - FIRST_DECADE) * BINS_PER_DECADE + offset


def bin_bounds(index: int) -> tuple[Decimal, Decimal | None]:
    """Return the [lower, upper) edges of a bin; the overflow bin has no upper."""
    if index < SMALL_BIN_COUNT:
        lower = SMALL_BIN_WIDTH * index
        return lower, lower + SMALL_BIN_WIDTH
    if index >= OVERFLOW_BIN:
        return OVERFLOW_EDGE, None
    decade, offset = divmod(index - SMALL_BIN_COUNT, BINS_PER_DECADE)
    floor = Decimal(10) ** (decade + FIRST_DECADE)
    width = floor / 50
    lower = floor + width * offset
    return lower, lower + width


@lru_cache(maxsize=OVERFLOW_BIN + 1)
def bin_midpoint(index: int) -> Decimal:
    lower, upper = bin_bounds(index)
    if upper is None:
        return lower
    return (lower + upper) / 2


def merge_counts(target: Counter, histogram: Mapping) -> None:
    """Add a stored histogram ({"bin": count}) into a Counter; keys stay as stored."""
    for key, count in histogram.items():
        target[key] += count


def quantiles_from_bins(
    histogram: Mapping, fractions: Sequence[Decimal]
) -> list[Decimal | None]:
    """Return type-7 quantiles of a binned histogram, rounded to the cent.

    Keys may be bin indexes or their strings. See the module docstring for the
    precision. All fractions are found in one pass over the sorted bins.
    """
    counts = {int(index): count for index, count in histogram.items() if count > 0}
    ranked = quantiles_from_counts(counts, fractions, midpoints=True)
    return [value.quantize(CENT) if value is not None else None for value in ranked]


def quantile_from_bins(histogram: Mapping, fraction: Decimal) -> Decimal | None:
    return quantiles_from_bins(histogram, [fraction])[0]


def quantiles_from_counts(
    counts: Mapping, fractions: Sequence[Decimal], midpoints: bool = False
) -> list[Decimal | None]:
    """Return type-7 quantiles of values given as {value: count}.

    With ``midpoints`` the keys are bin indexes and each is read as its bin's
    midpoint. Results are unrounded Decimals, or None when there are no values.
    """
    total = sum(count for count in counts.values() if count > 0)
    if total == 0:
        return [None for _ in fractions]
    targets = []
    for fraction in fractions:
        position = Decimal(total - 1) * Decimal(fraction)
        lower_rank = int(position.to_integral_value(ROUND_FLOOR))
        weight = position - lower_rank
        targets.append((lower_rank, lower_rank + (1 if weight else 0), weight))
    ranks = sorted({rank for low, high, _ in targets for rank in (low, high)})
    found: dict[int, Decimal] = {}
    seen = 0
    position_index = 0
    for value in sorted(counts):
        count = counts[value]
        if count <= 0:
            continue
        seen += count
        while position_index < len(ranks) and ranks[position_index] < seen:
            found[ranks[position_index]] = (
                bin_midpoint(value) if midpoints else Decimal(value)
            )
            position_index += 1
        if position_index == len(ranks):
            break
    return [
        found[low] + (found[high] - found[low]) * weight
        for low, high, weight in targets
    ]


def quantile_from_counts(
    counts: Mapping, fraction: Decimal, exact: Decimal | None = None
) -> Decimal | None:
    """Return one type-7 quantile of {value: count}, rounded to ``exact`` if set."""
    result = quantiles_from_counts(counts, [fraction])[0]
    if result is None or exact is None:
        return result
    return result.quantize(exact)


def exact_quantile(values: Iterable, fraction: Decimal, exact: Decimal | None = CENT):
    """Return the type-7 quantile of raw values (for comps and checks)."""
    return quantile_from_counts(Counter(values), fraction, exact=exact)
