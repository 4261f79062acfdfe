"""Which summary rows cover a date range.

A range is covered by the month rows of every whole month inside it and by the
day rows of the days left at either end, so a one-year range reads about twelve
months of rows plus at most two partial months of day rows.
"""

from __future__ import annotations

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


def covering_q(start: date | None, end: date | None) -> Q:
    """Select the month, day and undated rows that count the range exactly once.

    With neither end set the range is all time: every month row plus the undated
    rows. With one end set, the other is open and undated rows are left out.
    """
    if start is None and end is None:
        return Q(grain=Grain.MONTH) | Q(grain=Grain.UNDATED)
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
        return days_q(start, end)
    months = Q(grain=Grain.MONTH)
    if first_month:
        months &= Q(period__gte=first_month)
    if last_month:
        months &= Q(period__lte=last_month)
    covered = months
    if start is not None and start < first_month:
        covered |= days_q(start, first_month - timedelta(days=1))
    if end is not None and end > month_end(last_month):
        covered |= days_q(month_end(last_month) + timedelta(days=1), end)
    return covered


def days_q(start: date | None, end: date | None) -> Q:
    """Select day rows in the range (open ends allowed)."""
    query = Q(grain=Grain.DAY)
    if start is not None:
        query &= Q(period__gte=start)
    if end is not None:
        query &= Q(period__lte=end)
    return query
