"""Cohort maths on small known data: counts, medians, IQR, sell-through, days."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from research.cohorts.bins import (
    OVERFLOW_BIN,
    bin_bounds,
    bin_midpoint,
    exact_quantile,
    price_bin,
    quantile_from_bins,
)
from research.cohorts.filters import InvalidFilters, parse_filters
from research.cohorts.listing_source import listing_rows, moment_range_q
from research.cohorts.periods import DayRange
from research.cohorts.queries import build_report, cohort_report, level_for, top_movers
from tests.research.factories import MarketListingFactory

LISTED = datetime(2024, 3, 1, 9, tzinfo=UTC)


def sold_listing(price, sold_price, days, **extra):
    return MarketListingFactory(
        price=Decimal(price),
        sold=True,
        sold_price=Decimal(sold_price),
        listed_at=LISTED,
        sold_at=LISTED + timedelta(days=days, hours=1),
        **extra,
    )


@pytest.fixture
def known_cohort(db, rebuilt):
    for price, sold_price, days in (
        ("121", "101", 3),
        ("161", "151", 5),
        ("211", "201", 10),
        ("261", "251", 20),
    ):
        sold_listing(price, sold_price, days)
    MarketListingFactory(price=Decimal("301"), listed_at=LISTED)
    MarketListingFactory(price=Decimal("401"), listed_at=LISTED)
    rebuilt()


def test_cohort_counts_and_sell_through(known_cohort):
    stats = cohort_report(parse_filters({"brand": "levis"})).stats

    assert stats.listing_count == 6
    assert stats.listed_sold_count == 4
    assert stats.sale_count == 4
    assert stats.sell_through == Decimal("0.6667")


def test_cohort_sold_price_median_and_iqr(known_cohort):
    sold = cohort_report(parse_filters({"brand": "levis"})).stats.sold

    assert sold.count == 4
    assert sold.median == Decimal("176.00")
    assert sold.p25 == Decimal("138.50")
    assert sold.p75 == Decimal("213.50")
    assert sold.iqr == Decimal("75.00")


def test_cohort_asking_price_median(known_cohort):
    asking = cohort_report(parse_filters({})).stats.asking

    assert asking.count == 6
    assert asking.median == Decimal("236.00")


def test_cohort_days_to_sell(known_cohort):
    days = cohort_report(parse_filters({"waist_min": 30})).stats.days_to_sell

    assert days.count == 4
    assert days.median == Decimal("7.5")
    assert days.p25 == Decimal("4.5")
    assert days.p75 == Decimal("12.5")


@pytest.mark.parametrize(
    ("query", "needs", "level"),
    [
        ({}, (), "total"),
        ({}, ("platform", "listing_kind"), "market"),
        ({"platform": "ebay"}, (), "market"),
        ({"brand": "levis"}, (), "brand"),
        ({"brand": "levis", "decade": "1980s"}, (), "cohort"),
        ({"brand": "levis", "decade": "1980s"}, ("platform",), "model"),
        ({"waist_min": "30", "waist_max": "32"}, (), "sized"),
        ({"brand": "levis", "waist_max": "32"}, ("lot", "decade"), "sized"),
        ({"waist_min": "30"}, ("platform", "listing_kind"), "fit"),
        ({"waist_min": "30", "platform": "ebay"}, (), "fit"),
        ({"waist_min": "30"}, ("listing_kind",), "fit"),
        ({"selvedge": "yes"}, (), None),
        ({"inseam_max": "30"}, (), None),
    ],
)
def test_level_follows_filters(query, needs, level):
    assert level_for(parse_filters(query), needs=needs) == level


def test_filters_narrow_every_level(db, rebuilt):
    MarketListingFactory(waist=30, inseam=30, selvedge=True, platform="grailed")
    MarketListingFactory(waist=34, inseam=34, selvedge=False, platform="ebay")
    MarketListingFactory(waist=0, inseam=None, selvedge=None, brand="lee", lot="")
    rebuilt()

    def count(query):
        return cohort_report(parse_filters(query)).stats.listing_count

    assert count({}) == 3
    assert count({"brand": "levis"}) == 2
    assert count({"lot": "501"}) == 2
    assert count({"waist_min": "29", "waist_max": "31"}) == 1
    assert count({"waist_max": "40"}) == 2
    assert count({"inseam_min": "33"}) == 1
    assert count({"selvedge": "yes"}) == 1
    assert count({"selvedge": "no"}) == 1
    assert count({"platform": ["grailed"]}) == 1
    assert count({"platform": ["grailed", "ebay"]}) == 3
    assert count({"status": "unsold"}) == 3
    assert count({"status": "sold"}) == 0


def test_date_range_counts_partial_months_by_day(db, rebuilt):
    for day in (
        date(2024, 1, 31),
        date(2024, 2, 1),
        date(2024, 3, 15),
        date(2024, 4, 2),
    ):
        MarketListingFactory(
            listed_at=datetime(day.year, day.month, day.day, tzinfo=UTC)
        )
    MarketListingFactory(listed_at=None)
    rebuilt()

    def count(query):
        return cohort_report(parse_filters(query)).stats.listing_count

    assert count({}) == 5
    assert count({"date_from": "2024-01-31", "date_to": "2024-03-15"}) == 3
    assert count({"date_from": "2024-02-01", "date_to": "2024-02-29"}) == 1
    assert count({"date_from": "2024-03-16"}) == 1
    assert count({"date_to": "2024-01-31"}) == 1
    assert count({"date_from": "2024-02-02", "date_to": "2024-03-14"}) == 0


def test_undated_listings_count_only_without_date_range(db, rebuilt):
    MarketListingFactory(listed_at=None, sold=True, sold_price=Decimal("51"))
    rebuilt()

    report = cohort_report(parse_filters({}))

    assert report.stats.listing_count == 1
    assert report.stats.sale_count == 1
    assert report.undated_sales == 1
    assert report.trend == []


def test_trend_buckets_by_month_and_week(db, rebuilt):
    MarketListingFactory(listed_at=datetime(2024, 3, 4, tzinfo=UTC))
    MarketListingFactory(listed_at=datetime(2024, 3, 17, tzinfo=UTC))
    MarketListingFactory(listed_at=datetime(2024, 4, 1, tzinfo=UTC))
    rebuilt()

    months = cohort_report(parse_filters({})).trend
    weeks = cohort_report(parse_filters({"bucket": "week"})).trend

    assert [(p.bucket, p.stats.listing_count) for p in months] == [
        (date(2024, 3, 1), 2),
        (date(2024, 4, 1), 1),
    ]
    assert [(p.bucket, p.stats.listing_count) for p in weeks] == [
        (date(2024, 3, 4), 1),
        (date(2024, 3, 11), 1),
        (date(2024, 4, 1), 1),
    ]


def test_auction_and_buy_it_now_breakdown(db, rebuilt):
    MarketListingFactory(listing_kind="AUCTION", sold=True, sold_price=Decimal("101"))
    MarketListingFactory(listing_kind="BUY_IT_NOW")
    rebuilt()

    report = cohort_report(parse_filters({}))

    assert report.has_both_kinds
    kinds = dict(report.by_kind)
    assert kinds["auction"].sale_count == 1
    assert kinds["buy_it_now"].sale_count == 0


def test_histogram_counts_add_up(known_cohort):
    histogram = cohort_report(parse_filters({})).histogram

    assert sum(b.sold_count for b in histogram) == 4
    assert sum(b.asking_count for b in histogram) == 6
    assert all(
        b.upper - b.lower == histogram[0].upper - histogram[0].lower for b in histogram
    )
    assert histogram[0].lower <= Decimal("101") < histogram[0].upper


def test_empty_cohort_reports_empty(db, rebuilt):
    MarketListingFactory(brand="lee")
    rebuilt()

    report = cohort_report(parse_filters({"brand": "wrangler"}))

    assert report.is_empty
    assert report.stats.sold.median is None
    assert report.histogram == []


def test_top_movers_finds_riser_and_faller(db, rebuilt):
    end = datetime(2024, 6, 30, 12, tzinfo=UTC)
    for offset, lot, price in (
        (10, "501", "101"),
        (120, "501", "51.5"),
        (10, "505", "51.5"),
        (120, "505", "101"),
    ):
        for _ in range(5):
            MarketListingFactory(
                lot=lot,
                sold=True,
                sold_price=Decimal(price),
                listed_at=end - timedelta(days=offset + 3),
                sold_at=end - timedelta(days=offset),
            )
    rebuilt()

    movers = top_movers(parse_filters({}), min_sales=5)

    assert movers.as_of == date(2024, 6, 20)
    assert [(m.lot, m.change_percent) for m in movers.risers] == [
        ("501", Decimal("96.1"))
    ]
    assert [(m.lot, m.change_percent) for m in movers.fallers] == [
        ("505", Decimal("-49.0"))
    ]
    assert top_movers(parse_filters({}), min_sales=6).risers == []


def test_binned_quantiles_within_stated_precision():
    rng = random.Random(7)
    values = [Decimal(rng.randint(100, 500_000)) / 100 for _ in range(2001)]
    histogram = {}
    for value in values:
        histogram[price_bin(value)] = histogram.get(price_bin(value), 0) + 1

    for fraction in (Decimal("0.25"), Decimal("0.5"), Decimal("0.75")):
        exact = exact_quantile(values, fraction, exact=None)
        estimate = quantile_from_bins(histogram, fraction)
        allowed = max(exact / 100, Decimal("0.01")) + Decimal("0.005")
        assert abs(estimate - exact) <= allowed, (fraction, exact, estimate)


@pytest.mark.parametrize(
    ("price", "lower", "upper"),
    [
        ("0.01", "0", "0.02"),
        ("9.99", "9.98", "10.00"),
        ("10", "10", "10.2"),
        ("99.99", "99.8", "100.0"),
        ("100", "100", "102"),
        ("1234.56", "1220", "1240"),
        ("99999.99", "99800", "100000"),
    ],
)
def test_price_bin_edges(price, lower, upper):
    index = price_bin(Decimal(price))

    assert bin_bounds(index) == (Decimal(lower), Decimal(upper))


def test_price_bin_overflow_and_missing():
    assert price_bin(Decimal("250000")) == OVERFLOW_BIN
    assert bin_midpoint(OVERFLOW_BIN) == Decimal(100_000)
    assert price_bin(None) is None
    assert price_bin(Decimal("0")) is None


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ({"waist_min": "abc"}, "waist_min", "'abc'"),
        ({"waist_min": "34", "waist_max": "30"}, "waist_max", "swap"),
        ({"date_from": "2024-13-01"}, "date_from", "YYYY-MM-DD"),
        ({"date_to": "9999-12-31"}, "date_to", "'9999-12-31'"),
        ({"date_from": "0001-01-01"}, "date_from", "1900 to 9998"),
        ({"platform": "myspace"}, "platform", "myspace"),
        ({"status": "maybe"}, "status", "sold, unsold"),
        ({"bucket": "year"}, "bucket", "month or week"),
    ],
)
def test_invalid_filters_name_value_and_fix(query, field, fragment):
    with pytest.raises(InvalidFilters) as caught:
        parse_filters(query)

    assert field in caught.value.errors
    assert fragment in " ".join(caught.value.errors[field])


def test_moment_range_last_day_unbounded():
    query = moment_range_q("listed_at", date(2024, 1, 1), date.max)

    assert "listed_at__lt" not in str(query)


def listing_table_report(filters):
    """The same report computed from the listing table alone."""
    start, end = filters.date_from, filters.date_to
    span = None if start is None and end is None else DayRange(start, end)
    rows = list(listing_rows(filters, span))
    trend_rows = list(listing_rows(filters, DayRange(start, end)))
    return build_report(filters, "listings", rows, trend_rows)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"platform": "grailed", "status": "sold"},
        {"brand": "levis", "date_from": "2024-01-15", "date_to": "2024-03-10"},
        {"lot": "501", "decade": "1980s", "date_from": "2024-02-03"},
        {"waist_min": "30", "waist_max": "33", "date_to": "2024-02-20"},
        {"waist_min": "30", "date_from": "2024-01-10", "bucket": "week"},
        {"brand": "levis", "lot": "505", "bucket": "week"},
        {"selvedge": "yes", "date_from": "2024-01-20", "date_to": "2024-04-02"},
        {"inseam_min": "31", "made_in": "usa"},
    ],
    ids=lambda query: "&".join(f"{k}={v}" for k, v in query.items()) or "all",
)
def test_summaries_equal_listing_table(db, rebuilt, query):
    rng = random.Random(11)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for _ in range(120):
        listed = start + timedelta(days=rng.randint(0, 100), hours=rng.randint(0, 23))
        is_sold = rng.random() < 0.5
        MarketListingFactory(
            platform=rng.choice(["ebay", "grailed", "whatnot"]),
            listing_kind=rng.choice(["auction", "buy_it_now"]),
            lot=rng.choice(["501", "505"]),
            decade=rng.choice(["1980s", "1990s"]),
            waist=rng.choice([None, 29, 30, 31, 32, 33, 34]),
            inseam=rng.choice([None, 30, 32, 34]),
            made_in=rng.choice(["usa", "mexico", ""]),
            selvedge=rng.choice([None, True, False]),
            price=Decimal(rng.randint(2000, 40000)) / 100,
            listed_at=None if rng.random() < 0.05 else listed,
            sold=is_sold,
            sold_price=Decimal(rng.randint(2000, 30000)) / 100 if is_sold else None,
            sold_at=listed + timedelta(days=rng.randint(0, 40)) if is_sold else None,
        )
    rebuilt()
    filters = parse_filters(query)

    summary = cohort_report(filters)
    expected = listing_table_report(filters)

    assert summary.stats == expected.stats
    assert summary.trend == expected.trend
    assert summary.by_platform == expected.by_platform
    assert summary.by_kind == expected.by_kind
    assert summary.histogram == expected.histogram
