"""Arithmetic and formatting shared by the stats bundle builders.

Bundle values are JSON-safe: counts are int, money is a string with two decimal
places and percentages are a string with one, so that the stored bundle, the
prompt and the claim check all read the same digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def money(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def percent(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def ratio_percent(part: int, whole: int) -> str | None:
    """Return part/whole as a percentage, or None when whole is zero."""
    if not whole:
        return None
    return percent(Decimal(part) * 100 / Decimal(whole))


def change_percent(current, previous) -> str | None:
    """Return the change from previous to current in percent of previous."""
    if current is None or previous is None:
        return None
    previous = Decimal(previous)
    if previous == 0:
        return None
    return percent((Decimal(current) - previous) * 100 / previous)


def quantile(sorted_values: list[Decimal], fraction: float) -> Decimal | None:
    """Return the quantile of sorted values, interpolating between the two
    nearest ranks (the method of PostgreSQL's percentile_cont)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * Decimal(str(fraction))
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    weight = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * weight


def median(values: list[Decimal]) -> Decimal | None:
    return quantile(sorted(values), 0.5)
