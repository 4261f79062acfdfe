"""Chart.js data built from cohort reports.

Every chart is a dict with ``labels`` and ``datasets`` (each with ``label`` and
``data``) for Chart.js, plus ``columns`` and ``rows`` with the same numbers for
the page's data table, so the drawn chart and the table come from one list.
"""

from __future__ import annotations

from decimal import Decimal

from research.cohorts.queries import CohortReport


def number(value) -> float | None:
    return float(value) if value is not None else None


def text(value, suffix: str = "") -> str:
    return f"{value}{suffix}" if value is not None else "—"


def trend_price_chart(report: CohortReport) -> dict:
    points = report.trend
    labels = [point.bucket.isoformat() for point in points]
    return {
        "type": "line",
        "labels": labels,
        "datasets": [
            {
                "label": "Median sold price",
                "data": [number(p.stats.sold.median) for p in points],
            },
            {
                "label": "Sold price, 25th percentile",
                "data": [number(p.stats.sold.p25) for p in points],
            },
            {
                "label": "Sold price, 75th percentile",
                "data": [number(p.stats.sold.p75) for p in points],
            },
            {
                "label": "Median asking price",
                "data": [number(p.stats.asking.median) for p in points],
            },
        ],
        "columns": [
            "Period",
            "Median sold",
            "25th pct sold",
            "75th pct sold",
            "Median asking",
        ],
        "rows": [
            [
                label,
                text(p.stats.sold.median),
                text(p.stats.sold.p25),
                text(p.stats.sold.p75),
                text(p.stats.asking.median),
            ]
            for label, p in zip(labels, points, strict=True)
        ],
    }


def trend_count_chart(report: CohortReport) -> dict:
    points = report.trend
    labels = [point.bucket.isoformat() for point in points]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            {"label": "Listed", "data": [p.stats.listing_count for p in points]},
            {"label": "Sold", "data": [p.stats.sale_count for p in points]},
        ],
        "columns": ["Period", "Listed", "Sold", "Sell-through"],
        "rows": [
            [
                label,
                str(p.stats.listing_count),
                str(p.stats.sale_count),
                text(p.stats.sell_through_percent, "%"),
            ]
            for label, p in zip(labels, points, strict=True)
        ],
    }


def histogram_chart(report: CohortReport) -> dict:
    bins = report.histogram
    labels = [f"{money(b.lower)} to {money(b.upper)}" for b in bins]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            {"label": "Sold", "data": [b.sold_count for b in bins]},
            {"label": "Asking", "data": [b.asking_count for b in bins]},
        ],
        "columns": ["Price", "Sold", "Asking"],
        "rows": [
            [label, str(b.sold_count), str(b.asking_count)]
            for label, b in zip(labels, bins, strict=True)
        ],
    }


def platform_chart(report: CohortReport) -> dict:
    platforms = report.by_platform
    labels = [name for name, _ in platforms]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            {
                "label": "Median sold price",
                "data": [number(stats.sold.median) for _, stats in platforms],
            },
            {
                "label": "Median asking price",
                "data": [number(stats.asking.median) for _, stats in platforms],
            },
        ],
        "columns": ["Platform", "Median sold", "Median asking"],
        "rows": [
            [name, text(stats.sold.median), text(stats.asking.median)]
            for name, stats in platforms
        ],
    }


def money(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"${value:.0f}"
    return f"${value:.2f}"
