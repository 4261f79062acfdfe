"""Incremental summary refreshes end where a full rebuild ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from research.cohorts import enqueue_summary_refresh, refresh_summaries_for
from research.cohorts.filters import parse_filters
from research.cohorts.queries import cohort_report, top_movers
from research.models import CohortSummary, MarketListing, SummarizedListing
from tests.factories import UserFactory
from tests.fixtures.processes import wait_until
from tests.research.factories import DatasetFactory, MarketListingFactory

START = datetime(2024, 1, 30, 10, tzinfo=UTC)


def summary_state() -> dict:
    return {
        row.key: (row.listing_count, row.price_bins, row.days_bins)
        for row in CohortSummary.objects.all()
    }


def varied_listings(count: int, **extra) -> list[MarketListing]:
    listings = []
    for index in range(count):
        values = {"platform": ("ebay", "grailed", "whatnot")[index % 3], **extra}
        listings.append(
            MarketListingFactory(
                listing_kind=("auction", "buy_it_now")[index % 2],
                brand=("levis", "lee")[index % 2],
                lot=("501", "505", "")[index % 3],
                decade=("1980s", "1990s")[index % 2],
                waist=28 + index % 8,
                inseam=30 + index % 4,
                selvedge=(True, False, None)[index % 3],
                price=Decimal(40 + index * 7),
                listed_at=START + timedelta(days=index * 3),
                sold=index % 2 == 0,
                sold_price=Decimal(35 + index * 6) if index % 2 == 0 else None,
                sold_at=START + timedelta(days=index * 3 + index % 9)
                if index % 2 == 0
                else None,
                **values,
            )
        )
    return listings


def test_incremental_refresh_matches_rebuild(db):
    seller = UserFactory(username="opted")
    dataset = DatasetFactory()
    listings = varied_listings(24)
    seller_rows = varied_listings(4, seller=seller, platform="whatnot")
    dataset_rows = varied_listings(5, dataset=dataset)
    refresh_summaries_for(
        listing_ids=[row.id for row in listings + seller_rows + dataset_rows]
    )

    listings[0].price = Decimal("999.99")
    listings[0].save()
    listings[1].sold = True
    listings[1].sold_price = Decimal("77")
    listings[1].sold_at = listings[1].listed_at + timedelta(days=40)
    listings[1].save()
    listings[2].brand = "wrangler"
    listings[2].waist = None
    listings[2].save()
    listings[3].listed_at = START + timedelta(days=400)
    listings[3].save()
    deleted_id = listings[4].id
    listings[4].delete()
    seller.include_in_market_research = False
    seller.save()
    dataset.delete()
    refresh_summaries_for(listing_ids=[row.id for row in listings[:4]] + [deleted_id])
    refresh_summaries_for(seller_id=seller.id)
    refresh_summaries_for(dataset_id=dataset.id if dataset.id else -1)
    refresh_summaries_for(listing_ids=[row.id for row in dataset_rows])
    incremental = summary_state()

    call_command("rebuild_summaries", verbosity=0)

    assert incremental == summary_state()
    assert SummarizedListing.objects.filter(included=True).count() == 23


def test_refresh_twice_changes_nothing(db):
    listings = varied_listings(6)
    ids = [row.id for row in listings]

    first = refresh_summaries_for(listing_ids=ids)
    state = summary_state()
    second = refresh_summaries_for(listing_ids=ids)

    assert first == 6
    assert second == 0
    assert summary_state() == state


def test_deleted_dataset_is_subtracted(db):
    dataset = DatasetFactory()
    varied_listings(3, dataset=dataset)
    refresh_summaries_for(dataset_id=dataset.id)
    dataset_id = dataset.id

    dataset.delete()
    refresh_summaries_for(dataset_id=dataset_id)

    assert CohortSummary.objects.count() == 0
    assert SummarizedListing.objects.count() == 0


def test_opted_out_seller_leaves_market_figures(db):
    seller = UserFactory(username="private")
    MarketListingFactory(seller=seller, platform="whatnot")
    MarketListingFactory()
    call_command("rebuild_summaries", verbosity=0)
    assert cohort_report(parse_filters({})).stats.listing_count == 2

    seller.include_in_market_research = False
    seller.save()
    refresh_summaries_for(seller_id=seller.id)

    assert cohort_report(parse_filters({})).stats.listing_count == 1


def test_refresh_without_target_is_rejected(db):
    with pytest.raises(ValueError, match="listing_ids, dataset_id or seller_id"):
        refresh_summaries_for()


def test_rebuild_dry_run_writes_nothing(db, capsys):
    MarketListingFactory()

    call_command("rebuild_summaries", "--dry-run")

    assert "Would summarize 1 listings" in capsys.readouterr().out
    assert CohortSummary.objects.count() == 0


@pytest.mark.slow
def test_worker_refreshes_after_commit(celery_worker_process):
    listing = MarketListingFactory(sold=True, sold_price=Decimal("151"))

    with transaction.atomic():
        enqueue_summary_refresh(listing_ids=[listing.id])

    wait_until(
        lambda: cohort_report(parse_filters({})).stats.sale_count == 1,
        timeout=60,
        message="the worker did not refresh the summaries: "
        + celery_worker_process.log_text()[-2000:],
    )
    assert cohort_report(parse_filters({})).stats.sold.median == Decimal("151.00")


def test_refresh_invalidates_cached_movers(db, django_capture_on_commit_callbacks):
    end = datetime(2024, 6, 30, tzinfo=UTC)
    listings = [
        MarketListingFactory(
            sold=True,
            sold_price=Decimal(price),
            listed_at=end - timedelta(days=offset + 2),
            sold_at=end - timedelta(days=offset),
        )
        for offset, price in [(5, "101")] * 5 + [(100, "51.5")] * 5
    ]
    with django_capture_on_commit_callbacks(execute=True):
        refresh_summaries_for(listing_ids=[row.id for row in listings])
    assert top_movers(parse_filters({})).risers[0].recent_median == Decimal("101.00")

    for listing in listings[:5]:
        listing.sold_price = Decimal("201")
        listing.save()
    with django_capture_on_commit_callbacks(execute=True):
        refresh_summaries_for(listing_ids=[row.id for row in listings[:5]])

    assert top_movers(parse_filters({})).risers[0].recent_median == Decimal("201.00")


def test_research_choice_change_queues_refresh(db, django_capture_on_commit_callbacks):
    seller = UserFactory(username="switcher")

    with django_capture_on_commit_callbacks() as unchanged:
        seller.first_name = "Sam"
        seller.save()
    with django_capture_on_commit_callbacks() as changed:
        seller.include_in_market_research = False
        seller.save()

    assert len(unchanged) == 0
    assert len(changed) == 1
