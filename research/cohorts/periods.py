"""Splitting date ranges into summary periods.

A bounded range is covered by every whole month inside it plus the days left
at either end, so a one-year range reads about twelve months of month rows
and at most two partial months of days. An unbounded range (no start and no
end) is all time, which the all-time rows cover, undated events included.
With one end set, the other end is open and undated events are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from .models import Grain


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class DayRange:
    """Days from ``start`` to ``end`` inclusive; None leaves that end open."""

    start: date | None
    end: date | None

    def q(self) -> Q:
        query = Q(grain=Grain.DAY)
        if self.start is not None:
            query &= Q(period__gte=self.start)
        if self.end is not None:
            query &= Q(period__lte=self.end)
        return query


@dataclass(frozen=True)
class Cover:
    """The summary periods that count a date range exactly once."""

    all_time: bool = False
    # Month rows from first_month to last_month (month starts; None is open).
    has_months: bool = False
    first_month: date | None = None
    last_month: date | None = None
    day_ranges: tuple[DayRange, ...] = ()

    def months_q(self) -> Q:
        query = Q(grain=Grain.MONTH)
        if self.first_month is not None:
            query &= Q(period__gte=self.first_month)
        if self.last_month is not None:
            query &= Q(period__lte=self.last_month)
        return query


def cover(start: date | None, end: date | None) -> Cover:
    """Split [start, end] into whole months and the days at either end."""
    if start is None and end is None:
        return Cover(all_time=True)
    first_month = None
    if start is not None:
        first_month = start if start.day == 1 else add_months(month_start(start), 1)
    last_month = None
    if end is not None:
        last_month = (
            month_start(end)
            if end == month_end(end)
            else add_months(month_start(end), -1)
        )
    if first_month and last_month and first_month > last_month:
        return Cover(day_ranges=(DayRange(start, end),))
    days = []
    if start is not None and start < first_month:
        days.append(DayRange(start, first_month - timedelta(days=1)))
    if end is not None and end > month_end(last_month):
        days.append(DayRange(month_end(last_month) + timedelta(days=1), end))
    return Cover(
        has_months=True,
        first_month=first_month,
        last_month=last_month,
        day_ranges=tuple(days),
    )
