"""Cohort filters for summaries, parsed by the dashboards' cohort parser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.http import QueryDict

from research.insights.filters import (
    FilterError,
    cohort_listings,
    describe_filters,
    parse_filters,
    to_cohort_filters,
)
from tests.factories import UserFactory
from tests.insights.factories import MarketListingFactory


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", {"days": 7}, id="empty"),
        pytest.param(
            "brand=levis&lot=505&decade=1990s&page=2&bucket=week&days=14",
            {"brand": "levis", "lot": "505", "decade": "1990s", "days": 14},
            id="presentation-parameters-dropped",
        ),
        pytest.param(
            "platform=ebay&platform=grailed&waist_min=30&waist_max=34&selvedge=yes"
            "&status=sold&date_from=2026-11-01&date_to=2026-11-30&made_in=",
            {
                "platform": ["ebay", "grailed"],
                "waist_min": 30,
                "waist_max": 34,
                "selvedge": "yes",
                "status": "sold",
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
                "days": 7,
            },
            id="dashboard-parameters",
        ),
    ],
)
def test_parse_filters_normalizes(query, expected):
    assert parse_filters(QueryDict(query)) == expected


def test_parsed_filters_parse_back_to_the_same_cohort():
    filters = parse_filters(
        QueryDict("platform=ebay&brand=levis&waist_min=30&date_to=2026-11-30")
    )

    assert parse_filters(filters) == filters
    cohort = to_cohort_filters(filters)
    assert cohort.platforms == ("ebay",)
    assert cohort.waist_min == 30


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "colour=blue", "Unknown filter 'colour'. Known filters: platform", id="key"
        ),
        pytest.param(
            "waist_min=abc",
            "waist_min: Enter a whole number. Got 'abc'; expected a whole number of "
            "inches from 20 to 60, e.g. 30.",
            id="int",
        ),
        pytest.param(
            "status=listed",
            "status: Select a valid choice. listed is not one of the available "
            "choices. Got 'listed'; expected sold, unsold or empty.",
            id="status",
        ),
        pytest.param(
            "days=0", "Filter 'days' is 0; use a value from 1 to 365.", id="days"
        ),
        pytest.param(
            "days=x", "Filter 'days' needs a whole number, not 'x'.", id="days-text"
        ),
        pytest.param(
            "days=7&days=14", "Filter 'days' takes one value, not 2.", id="two-days"
        ),
    ],
)
def test_parse_filters_rejects_with_message(query, message):
    with pytest.raises(FilterError) as error:
        parse_filters(QueryDict(query))

    assert str(error.value).startswith(message)


def test_describe_filters_names_each_filter():
    filters = parse_filters({"lot": "505", "brand": "levis", "platform": ["ebay"]})

    assert describe_filters(filters) == "brand levis, lot 505, platform ebay"
    assert describe_filters({"days": 7}) == "all listings"


@pytest.mark.django_db
def test_cohort_listings_apply_ranges_status_and_dates():
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

    assert list(cohort_listings(filters)) == [inside]


@pytest.mark.django_db
def test_cohort_listings_leave_out_opted_out_sellers():
    opted_out = UserFactory(include_in_market_research=False)
    kept = MarketListingFactory()
    MarketListingFactory(seller=opted_out)

    assert list(cohort_listings({"days": 7})) == [kept]
