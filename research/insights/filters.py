"""Cohort filters for market summaries.

The dashboards' parser (research.cohorts.filters) validates the filters, so a
dashboard and its summary read the same cohort. A report stores them as a
JSON dict of query parameters (the form the dashboards' URLs use) plus "days",
the length of the summary's trend window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db.models import QuerySet
from django.http import QueryDict

from research.cohorts.filters import (
    CohortFilterForm,
    CohortFilters,
    InvalidFilters,
)
from research.cohorts.filters import (
    parse_filters as parse_cohort_filters,
)
from research.cohorts.listing_source import attribute_filtered, moment_range_q

# Query parameters that change how a page shows a cohort, not which rows it holds.
PRESENTATION_PARAMETERS = frozenset(
    {"page", "sort", "order", "view", "chart", "tab", "bucket", "csrfmiddlewaretoken"}
)
DEFAULT_DAYS = 7
MAX_DAYS = 365
COHORT_PARAMETERS = tuple(name for name in CohortFilterForm.base_fields)
KNOWN_FILTERS = (*COHORT_PARAMETERS, "days")
# Parameters in the order a description names them.
DESCRIBED = (
    "brand",
    "lot",
    "decade",
    "platform",
    "waist_min",
    "waist_max",
    "inseam_min",
    "inseam_max",
    "made_in",
    "selvedge",
    "status",
    "date_from",
    "date_to",
)


class FilterError(ValueError):
    """A filter value that cannot be used, with a message that names it."""


def parse_filters(query: Mapping) -> dict:
    """Return normalized cohort filters from a query dict or a plain dict.

    Blank values are dropped and "days" (the trend window) is always present.
    Raises FilterError for an unknown parameter or an invalid value.
    """
    query = _to_query_dict(query)
    unknown = sorted(
        key
        for key in query
        if key not in KNOWN_FILTERS + tuple(PRESENTATION_PARAMETERS)
    )
    if unknown:
        raise FilterError(
            f"Unknown filter {unknown[0]!r}. Known filters: {', '.join(KNOWN_FILTERS)}."
        )
    days = _parse_days(query.getlist("days"))
    try:
        cohort = parse_cohort_filters(query)
    except InvalidFilters as exc:
        raise FilterError(str(exc)) from exc
    return {**cohort_filters_to_dict(cohort), "days": days}


def _to_query_dict(query: Mapping) -> QueryDict:
    if isinstance(query, QueryDict):
        return query
    converted = QueryDict(mutable=True)
    for key, value in query.items():
        values = value if isinstance(value, list | tuple) else [value]
        converted.setlist(key, [str(item) for item in values if item is not None])
    return converted


def _parse_days(values: list[str]) -> int:
    values = [value.strip() for value in values if value.strip()]
    if not values:
        return DEFAULT_DAYS
    if len(values) > 1:
        raise FilterError(f"Filter 'days' takes one value, not {len(values)}.")
    try:
        days = int(values[0])
    except ValueError:
        raise FilterError(
            f"Filter 'days' needs a whole number, not {values[0]!r}."
        ) from None
    if not 1 <= days <= MAX_DAYS:
        raise FilterError(f"Filter 'days' is {days}; use a value from 1 to {MAX_DAYS}.")
    return days


def cohort_filters_to_dict(cohort: CohortFilters) -> dict:
    """Return the query parameters that parse back to these filters."""
    filters: dict = {}
    if cohort.platforms:
        filters["platform"] = list(cohort.platforms)
    for name in DESCRIBED:
        if name == "platform":
            continue
        value = getattr(cohort, name)
        if value in ("", None):
            continue
        filters[name] = value.isoformat() if isinstance(value, date) else value
    return filters


def to_cohort_filters(filters: dict) -> CohortFilters:
    """Return the dashboards' filters for a stored filter dict."""
    query = {key: value for key, value in filters.items() if key != "days"}
    return parse_cohort_filters(_to_query_dict(query))


def cohort_listings(filters: dict) -> QuerySet:
    """Return the market listings of a cohort: the rows research may use,
    narrowed by every filter, with a date range keeping the listings listed or
    sold within it."""
    cohort = to_cohort_filters(filters)
    queryset = attribute_filtered(cohort)
    if cohort.is_dated:
        queryset = queryset.filter(
            moment_range_q("listed_at", cohort.date_from, cohort.date_to)
            | moment_range_q("sold_at", cohort.date_from, cohort.date_to)
        )
    return queryset


def describe_filters(filters: dict) -> str:
    """Return a short human label for a cohort, e.g. "brand levis, lot 505"."""
    parts = []
    for key in DESCRIBED:
        if key not in filters:
            continue
        value = filters[key]
        text = " or ".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{key.replace('_', ' ')} {text}")
    return ", ".join(parts) or "all listings"


def filter_terms(filters: dict) -> list[str]:
    """Return the filter values as text, which a claim may repeat as names."""
    terms = []
    for key, value in filters.items():
        if key == "days":
            continue
        for item in value if isinstance(value, list) else [value]:
            terms.append(str(item))
            if key == "decade" and len(str(item)) == 5:
                terms.append(str(item)[2:])
    return terms
