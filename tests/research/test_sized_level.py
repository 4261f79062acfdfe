"""The "sized" summary level: brand, lot, decade and waist without platform or
listing kind, kept by rebuilds and refreshes and derived by migration 0006."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from research.cohorts import refresh_summaries_for
from research.cohorts.filters import parse_filters
from research.cohorts.queries import (
    build_report,
    cohort_report,
    fetch_rows,
    gather_rows,
    level_for,
)
from research.models import CohortSummary
from tests.research.factories import MarketListingFactory

MIGRATION = importlib.import_module("research.migrations.0006_sized_summary_level")
BEFORE_MIGRATION = ("research", "0005_merge_20261204_1730")
AFTER_MIGRATION = ("research", "0006_sized_summary_level")
COHORT = {
    "brand": "levis",
    "lot": "501",
    "decade": "1980s",
    "waist_min": "30",
    "waist_max": "32",
}
MARCH = datetime(2024, 3, 1, 12, tzinfo=UTC)
APRIL = datetime(2024, 4, 10, 12, tzinfo=UTC)


def level_state(level: str) -> dict:
    return {
        row.key: (row.listing_count, row.price_bins, row.days_bins)
        for row in CohortSummary.objects.filter(level=level)
    }


def listing(waist, platform, kind, price, listed_at, sold_price=None, days=0, **extra):
    sold = sold_price is not None
    return MarketListingFactory(
        waist=waist,
        platform=platform,
        listing_kind=kind,
        price=Decimal(price),
        listed_at=listed_at,
        sold=sold,
        sold_price=Decimal(sold_price) if sold else None,
        sold_at=listed_at + timedelta(days=days, hours=1) if sold else None,
        **extra,
    )


@pytest.fixture
def sized_market(db, rebuilt):
    """Four listings in COHORT across three platforms and both listing kinds,
    and five outside it (other waists, unknown waist, another brand)."""
    listings = [
        listing(30, "ebay", "auction", "121", MARCH, "101", days=3),
        listing(31, "grailed", "buy_it_now", "161", MARCH, "151", days=5),
        listing(32, "whatnot", "auction", "211", APRIL, "201", days=10),
        listing(32, "ebay", "buy_it_now", "301", APRIL + timedelta(days=2)),
        listing(29, "ebay", "auction", "61", MARCH, "51", days=2),
        listing(34, "grailed", "auction", "999", APRIL, "901", days=1),
        listing(None, "ebay", "buy_it_now", "88", MARCH, "77", days=4),
        listing(31, "ebay", "auction", "71", MARCH, "66", days=6, brand="lee"),
        listing(30, "whatnot", "buy_it_now", "55", APRIL, lot="505"),
    ]
    rebuilt()
    return listings


def report_from(filters, level):
    """Build a cohort report whose totals and trend both read ``level``
    (None reads the listing table)."""
    start, end = filters.date_from, filters.date_to
    rows = gather_rows(filters, level, start, end)
    trend_rows = gather_rows(filters, level, start, end, filters.bucket)
    return build_report(filters, level or "listings", rows, trend_rows)


def test_waist_filter_picks_sized_level():
    filters = parse_filters(COHORT)

    assert level_for(filters) == "sized"
    assert level_for(filters, needs=("platform", "listing_kind")) == "fit"


def test_cohort_trend_reads_sized_level(sized_market, monkeypatch):
    from research.cohorts import queries

    levels = []

    def recording_fetch_rows(level, *conditions):
        levels.append(level)
        return fetch_rows(level, *conditions)

    monkeypatch.setattr(queries, "fetch_rows", recording_fetch_rows)
    report = cohort_report(parse_filters(COHORT))

    # The totals need the platform and listing-kind breakdowns, but the trend does not.
    assert report.level == "fit"
    assert levels == ["fit", "sized"]
    assert [(p.bucket, p.stats.listing_count) for p in report.trend] == [
        (date(2024, 3, 1), 2),
        (date(2024, 4, 1), 2),
    ]


def test_sized_level_known_numbers(sized_market):
    report = report_from(parse_filters(COHORT), "sized")
    stats = report.stats

    assert stats.listing_count == 4
    assert stats.listed_sold_count == 3
    assert stats.sale_count == 3
    assert stats.sell_through == Decimal("0.7500")
    assert stats.sold.median == Decimal("151.00")
    assert stats.sold.p25 == Decimal("126.00")
    assert stats.sold.p75 == Decimal("176.00")
    assert stats.days_to_sell.median == Decimal("5.0")
    assert [
        (p.bucket, p.stats.listing_count, p.stats.sale_count) for p in report.trend
    ] == [
        (date(2024, 3, 1), 2, 2),
        (date(2024, 4, 1), 2, 1),
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"date_from": "2024-03-02", "date_to": "2024-04-11"},
        {"date_from": "2024-03-01", "date_to": "2024-04-30"},
        {"bucket": "week"},
        {"status": "sold"},
        {"waist_min": "31", "waist_max": ""},
        {"waist_max": "30", "brand": "", "lot": "", "decade": ""},
    ],
    ids=["all_time", "partial_months", "whole_months", "weeks", "sold", "min", "max"],
)
def test_sized_level_matches_listing_table(sized_market, query):
    filters = parse_filters({**COHORT, **query})
    assert level_for(filters) == "sized"

    from_summaries = report_from(filters, "sized")
    from_listings = report_from(filters, None)

    assert from_summaries.stats == from_listings.stats
    assert from_summaries.trend == from_listings.trend
    assert from_summaries.histogram == from_listings.histogram
    assert from_summaries.undated_listings == from_listings.undated_listings
    assert from_summaries.undated_sales == from_listings.undated_sales


def test_refresh_matches_rebuild_on_sized_level(sized_market, rebuilt):
    resized, repriced, deleted = sized_market[:3]
    resized.waist = 34
    resized.save()
    repriced.price = Decimal("175")
    repriced.sold_price = Decimal("170")
    repriced.save()
    deleted_id = deleted.id
    deleted.delete()
    refresh_summaries_for(listing_ids=[resized.id, repriced.id, deleted_id])
    refreshed = level_state("sized")
    refreshed_report = report_from(parse_filters(COHORT), "sized")

    rebuilt()

    assert refreshed == level_state("sized")
    assert refreshed_report.stats.listing_count == 2
    assert refreshed_report.stats.sale_count == 1
    assert refreshed_report.stats.sold.median == Decimal("171.00")


def test_refresh_fills_in_unknown_waist(sized_market, rebuilt):
    unknown_waist = sized_market[6]
    unknown_waist.waist = 31
    unknown_waist.save()
    refresh_summaries_for(listing_ids=[unknown_waist.id])
    refreshed = level_state("sized")
    sales = report_from(parse_filters({"waist_min": "31"}), "sized").stats.sale_count

    rebuilt()

    assert refreshed == level_state("sized")
    assert sales == 5


def run_migration(function) -> None:
    """Call a RunPython function of migration 0006 with the installed apps."""
    function(apps, SimpleNamespace(connection=connection))


def test_migration_matches_rebuild(sized_market):
    expected = level_state("sized")
    assert expected
    CohortSummary.objects.filter(level="sized").delete()

    run_migration(MIGRATION.add_sized_level)

    assert level_state("sized") == expected


def test_migration_replaces_stale_rows_in_batches(sized_market, monkeypatch):
    expected = level_state("sized")
    CohortSummary.objects.filter(level="sized").update(listing_count=99)
    monkeypatch.setattr(MIGRATION, "BATCH_ROWS", 1)
    monkeypatch.setattr(MIGRATION, "BATCH_GROUPS", 1)
    monkeypatch.setattr(MIGRATION, "INSERT_BATCH_SIZE", 2)

    run_migration(MIGRATION.add_sized_level)

    assert level_state("sized") == expected


def test_migration_reverse_keeps_other_levels(sized_market):
    others = CohortSummary.objects.exclude(level="sized").count()

    run_migration(MIGRATION.remove_sized_level)

    assert not CohortSummary.objects.filter(level="sized").exists()
    assert CohortSummary.objects.count() == others


@pytest.mark.django_db(transaction=True)
def test_migration_executor_round_trip(rebuilt):
    listing(30, "ebay", "auction", "121", MARCH, "101", days=3)
    listing(30, "grailed", "buy_it_now", "131", MARCH, "111", days=4)
    listing(31, "whatnot", "auction", "211", APRIL)
    rebuilt()
    expected = level_state("sized")
    fit_rows = level_state("fit")

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_MIGRATION])
    try:
        assert level_state("sized") == {}
    finally:
        executor.loader.build_graph()
        executor.migrate([AFTER_MIGRATION])

    assert level_state("sized") == expected
    assert level_state("fit") == fit_rows
