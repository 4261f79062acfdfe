"""Cohort filters for market summaries: parsed from a query dict, applied to
MarketListing.

The names match the dashboards' query parameters, so that "Summarize this
view" can post a dashboard's query string as it is. A waist or inseam range,
"status" (sold or unsold) and a date range (date_from, date_to: a listing
counts when it was listed or sold within the range) narrow the rows like the
other filters.

TODO: use the cohort filter parser from research.cohorts once it is on main, so
that a dashboard and its summary always read the same cohort.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from django.db.models import Q, QuerySet

from research.models import Platform

# Query parameters that change how a page shows a cohort, not which rows it holds.
PRESENTATION_PARAMETERS = frozenset(
    {"page", "sort", "order", "view", "chart", "tab", "bucket", "csrfmiddlewaretoken"}
)
TEXT_FILTERS = ("brand", "lot", "made_in", "gender", "fit", "wash", "condition")
INTEGER_FILTERS = {
    "waist": (20, 60),
    "waist_min": (20, 60),
    "waist_max": (20, 60),
    "inseam": (20, 40),
    "inseam_min": (20, 40),
    "inseam_max": (20, 40),
}
DATE_FILTERS = ("date_from", "date_to")
SINGLE_VALUE_FILTERS = frozenset(
    {"days", "currency", "status", *DATE_FILTERS}
    | {name for name in INTEGER_FILTERS if name.endswith(("_min", "_max"))}
)
BOOLEAN_FILTERS = ("selvedge", "big_e")
DEFAULT_DAYS = 7
MAX_DAYS = 365
KNOWN_FILTERS = (
    *TEXT_FILTERS,
    "decade",
    *INTEGER_FILTERS,
    *BOOLEAN_FILTERS,
    "status",
    *DATE_FILTERS,
    "platform",
    "currency",
    "days",
)
TRUE_WORDS = {"true", "yes", "1", "on"}
FALSE_WORDS = {"false", "no", "0", "off"}
DECADE_PATTERN = re.compile(r"^(?:(?P<century>19|20)?(?P<decade>\d)0)s?$")


class FilterError(ValueError):
    """A filter value that cannot be used, with a message that names it."""


def parse_filters(query: Mapping) -> dict:
    """Return normalized cohort filters from a query dict or a plain dict.

    Blank values are dropped, each key keeps a list of strings when it was given
    more than once, and "days" (the trend window) is always present. Raises
    FilterError for an unknown key or an invalid value.
    """
    filters: dict = {}
    for key, values in _items(query):
        if key in PRESENTATION_PARAMETERS:
            continue
        if key not in KNOWN_FILTERS:
            raise FilterError(
                f"Unknown filter {key!r}. Known filters: {', '.join(KNOWN_FILTERS)}."
            )
        cleaned = [_clean_value(key, value) for value in values if value.strip()]
        if not cleaned:
            continue
        if key in SINGLE_VALUE_FILTERS and len(cleaned) > 1:
            raise FilterError(f"Filter {key!r} takes one value, not {len(cleaned)}.")
        filters[key] = cleaned[0] if len(cleaned) == 1 else cleaned
    filters["days"] = int(filters.get("days", DEFAULT_DAYS))
    return filters


def _items(query: Mapping) -> list[tuple[str, list[str]]]:
    if hasattr(query, "lists"):
        return [(key, [str(v) for v in values]) for key, values in query.lists()]
    items = []
    for key, value in query.items():
        values = value if isinstance(value, list | tuple) else [value]
        items.append((key, [str(v) for v in values]))
    return items


def _clean_value(key: str, raw: str) -> str | int:
    value = raw.strip()
    if key in TEXT_FILTERS:
        if len(value) > 64:
            raise FilterError(f"Filter {key!r} is longer than 64 characters.")
        return value
    if key == "decade":
        return _clean_decade(value)
    if key in INTEGER_FILTERS:
        low, high = INTEGER_FILTERS[key]
        return _clean_integer(key, value, low, high)
    if key in BOOLEAN_FILTERS:
        return _clean_boolean(key, value)
    if key == "status":
        if value.lower() not in ("sold", "unsold"):
            raise FilterError(f"Filter 'status' needs sold or unsold, not {value!r}.")
        return value.lower()
    if key in DATE_FILTERS:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise FilterError(
                f"Filter {key!r} needs a date as YYYY-MM-DD, not {value!r}."
            ) from None
    if key == "platform":
        if value not in Platform.values:
            raise FilterError(
                f"Unknown platform {value!r}. Use one of: {', '.join(Platform.values)}."
            )
        return value
    if key == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise FilterError(
                f"Invalid currency {value!r}: use a 3-letter ISO code such as USD."
            )
        return value.upper()
    return _clean_integer("days", value, 1, MAX_DAYS)


def _clean_decade(value: str) -> str:
    match = DECADE_PATTERN.match(value.lower().lstrip("'"))
    if match is None:
        raise FilterError(f"Invalid decade {value!r}: write it as 1990s or 90s.")
    century = match["century"] or ("20" if match["decade"] in "012" else "19")
    return f"{century}{match['decade']}0s"


def _clean_integer(key: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise FilterError(
            f"Filter {key!r} needs a whole number, not {value!r}."
        ) from None
    if not low <= number <= high:
        raise FilterError(
            f"Filter {key!r} is {number}; use a value from {low} to {high}."
        )
    return number


def _clean_boolean(key: str, value: str) -> str:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return "true"
    if lowered in FALSE_WORDS:
        return "false"
    raise FilterError(f"Filter {key!r} needs true or false, not {value!r}.")


def apply_filters(queryset: QuerySet, filters: dict) -> QuerySet:
    """Narrow a MarketListing queryset to the cohort; "days" is not a row filter."""
    queryset = queryset.filter(currency=filters.get("currency", "USD"))
    if any(key in filters for key in DATE_FILTERS):
        queryset = queryset.filter(_date_condition(filters))
    for key, value in filters.items():
        if key in ("days", "currency", *DATE_FILTERS):
            continue
        values = value if isinstance(value, list) else [value]
        condition = Q()
        for item in values:
            condition |= _condition(key, item)
        queryset = queryset.filter(condition)
    return queryset


def _condition(key: str, value) -> Q:
    if key in TEXT_FILTERS or key == "decade":
        return Q(**{f"{key}__iexact": value})
    if key in BOOLEAN_FILTERS:
        return Q(**{key: value == "true"})
    if key.endswith("_min"):
        return Q(**{f"{key.removesuffix('_min')}__gte": value})
    if key.endswith("_max"):
        return Q(**{f"{key.removesuffix('_max')}__lte": value})
    if key == "status":
        return Q(sold=value == "sold")
    return Q(**{key: value})


def _date_condition(filters: dict) -> Q:
    """Return rows listed or sold within the date range."""
    bounds = {}
    if "date_from" in filters:
        bounds["gte"] = filters["date_from"]
    if "date_to" in filters:
        bounds["lte"] = filters["date_to"]
    listed = Q(**{f"listed_at__date__{op}": day for op, day in bounds.items()})
    sold = Q(**{f"sold_at__date__{op}": day for op, day in bounds.items()})
    return listed | sold


def describe_filters(filters: dict) -> str:
    """Return a short human label for a cohort, e.g. "brand levis, lot 505"."""
    parts = []
    for key in KNOWN_FILTERS:
        if key in ("days", "currency") or key not in filters:
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
            if key == "decade":
                terms.append(str(item)[2:])
    return terms
