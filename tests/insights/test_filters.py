"""Cohort filters parsed from query dicts."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from research.insights.filters import FilterError, describe_filters, parse_filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", {"days": 7}, id="empty"),
        pytest.param(
            "brand=levis&lot=505&decade=90s&page=2&sort=price",
            {"brand": "levis", "lot": "505", "decade": "1990s", "days": 7},
            id="presentation-parameters-dropped",
        ),
        pytest.param(
            "brand=levis&brand=lee&waist=&days=14",
            {"brand": ["levis", "lee"], "days": 14},
            id="repeated-and-blank",
        ),
        pytest.param(
            "decade=1980s&selvedge=yes&big_e=0&waist=32&platform=grailed&currency=eur",
            {
                "decade": "1980s",
                "selvedge": "true",
                "big_e": "false",
                "waist": 32,
                "platform": "grailed",
                "currency": "EUR",
                "days": 7,
            },
            id="typed-values",
        ),
        pytest.param("decade=00s", {"decade": "2000s", "days": 7}, id="decade-2000s"),
    ],
)
def test_parse_filters_normalizes(query, expected):
    assert parse_filters(QueryDict(query)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "colour=blue", "Unknown filter 'colour'. Known filters: brand", id="key"
        ),
        pytest.param(
            "decade=nineties",
            "Invalid decade 'nineties': write it as 1990s or 90s.",
            id="decade",
        ),
        pytest.param(
            "waist=abc", "Filter 'waist' needs a whole number, not 'abc'.", id="int"
        ),
        pytest.param(
            "waist=90", "Filter 'waist' is 90; use a value from 20 to 60.", id="range"
        ),
        pytest.param(
            "days=0", "Filter 'days' is 0; use a value from 1 to 365.", id="days"
        ),
        pytest.param(
            "days=7&days=14", "Filter 'days' takes one value, not 2.", id="two-days"
        ),
        pytest.param(
            "selvedge=maybe",
            "Filter 'selvedge' needs true or false, not 'maybe'.",
            id="boolean",
        ),
        pytest.param("platform=etsy", "Unknown platform 'etsy'. Use one of", id="pf"),
        pytest.param(
            "currency=dollars", "Invalid currency 'dollars': use a 3-letter", id="cur"
        ),
    ],
)
def test_parse_filters_rejects_with_message(query, message):
    with pytest.raises(FilterError) as error:
        parse_filters(QueryDict(query))

    assert str(error.value).startswith(message)


def test_describe_filters_names_each_filter():
    filters = parse_filters({"lot": ["505", "501"], "brand": "levis", "days": "7"})

    assert describe_filters(filters) == "brand levis, lot 505 or 501"
    assert describe_filters({"days": 7}) == "all listings"


def test_parse_filters_accepts_dashboard_parameters():
    query = QueryDict(
        "platform=ebay&platform=grailed&waist_min=30&waist_max=34&selvedge=yes"
        "&status=sold&date_from=2026-11-01&date_to=2026-11-30&bucket=week"
    )

    assert parse_filters(query) == {
        "platform": ["ebay", "grailed"],
        "waist_min": 30,
        "waist_max": 34,
        "selvedge": "true",
        "status": "sold",
        "date_from": "2026-11-01",
        "date_to": "2026-11-30",
        "days": 7,
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "status=listed",
            "Filter 'status' needs sold or unsold, not 'listed'.",
            id="s",
        ),
        pytest.param(
            "date_from=01/11/2026",
            "Filter 'date_from' needs a date as YYYY-MM-DD, not '01/11/2026'.",
            id="date",
        ),
        pytest.param(
            "waist_min=30&waist_min=31",
            "Filter 'waist_min' takes one value, not 2.",
            id="2",
        ),
    ],
)
def test_dashboard_parameters_rejected_with_message(query, message):
    with pytest.raises(FilterError) as error:
        parse_filters(QueryDict(query))

    assert str(error.value) == message


@pytest.mark.django_db
def test_ranges_status_and_dates_narrow_the_cohort():
    from datetime import UTC, datetime

    from research.insights.filters import apply_filters
    from research.models import MarketListing
    from tests.insights.factories import MarketListingFactory

    november = datetime(2026, 11, 10, tzinfo=UTC)
    october = datetime(2026, 10, 10, tzinfo=UTC)
    inside = MarketListingFactory(waist=32, sold=True, sold_at=november)
    MarketListingFactory(waist=36, sold=True, sold_at=november)
    MarketListingFactory(waist=32, sold=False, listed_at=november)
    MarketListingFactory(waist=32, sold=True, sold_at=october, listed_at=october)
    filters = parse_filters(
        {
            "waist_min": "30",
            "waist_max": "34",
            "status": "sold",
            "date_from": "2026-11-01",
            "date_to": "2026-11-30",
        }
    )

    cohort = apply_filters(MarketListing.objects.all(), filters)

    assert list(cohort) == [inside]
