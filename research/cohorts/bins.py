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
from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal

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


def bin_midpoint(index: int) -> Decimal:
    lower, upper = bin_bounds(index)
    if upper is None:
        return lower
    return (lower + upper) / 2


def merge_counts(target: Counter, histogram: Mapping) -> None:
    """Add a stored histogram ({"bin": count}) into a Counter keyed by int."""
    for key, count in histogram.items():
        target[int(key)] += count


def quantile_from_bins(histogram: Mapping[int, int], fraction: Decimal):
    """Return the type-7 quantile of a binned histogram, or None when empty.

    The result is a Decimal rounded to the cent; see the module docstring for
    its precision.
    """
    return quantile_from_counts(
        {bin_midpoint(index): count for index, count in histogram.items()},
        fraction,
        exact=CENT,
    )


def quantile_from_counts(
    counts: Mapping, fraction: Decimal, exact: Decimal | None = None
):
    """Return the type-7 quantile of values given as {value: count}.

    Values may be Decimals or integers. ``exact`` rounds a Decimal result (for
    example to the cent); None leaves it as computed.
    """
    total = sum(count for count in counts.values() if count > 0)
    if total == 0:
        return None
    position = Decimal(total - 1) * Decimal(fraction)
    lower_rank = int(position.to_integral_value(ROUND_FLOOR))
    weight = position - lower_rank
    upper_rank = lower_rank + (1 if weight else 0)
    lower_value = upper_value = None
    seen = 0
    for value in sorted(counts):
        count = counts[value]
        if count <= 0:
            continue
        seen += count
        if lower_value is None and lower_rank < seen:
            lower_value = value
        if upper_rank < seen:
            upper_value = value
            break
    result = (
        Decimal(lower_value) + (Decimal(upper_value) - Decimal(lower_value)) * weight
    )
    return result.quantize(exact) if exact is not None else result


def exact_quantile(values: Iterable, fraction: Decimal, exact: Decimal | None = CENT):
    """Return the type-7 quantile of raw values (for comps and checks)."""
    return quantile_from_counts(Counter(values), fraction, exact=exact)
