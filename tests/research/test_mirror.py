"""Connected sellers' Whatnot listings and sales mirrored into market rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from research.mirror import mirror_whatnot_listings, mirror_whatnot_sales
from research.models import MarketListing
from tests.factories import UserFactory
from tests.fixtures.processes import wait_until
from tests.research.factories import SaleFactory, WhatnotListingFactory

pytestmark = pytest.mark.django_db


def test_listing_mirrored_with_attributes():
    listing = WhatnotListingFactory()

    report = mirror_whatnot_listings([listing.pk])

    row = MarketListing.objects.get()
    assert report.created == 1
    assert (row.platform, row.external_id) == ("whatnot", listing.whatnot_id)
    assert row.seller == listing.seller
    assert row.dataset is None
    assert row.price == Decimal("120.00")
    assert (row.brand, row.lot, row.big_e, row.selvedge) == (
        "Levi's",
        "501",
        True,
        True,
    )
    assert (row.waist, row.inseam) == (32, 30)
    assert row.sold is False
    assert row.source_updated_at == listing.remote_updated_at


def test_mirror_twice_changes_nothing():
    listing = WhatnotListingFactory()
    mirror_whatnot_listings([listing.pk])
    before = list(MarketListing.objects.values())

    report = mirror_whatnot_listings([listing.pk])

    assert report.unchanged == 1
    assert list(MarketListing.objects.values()) == before


def test_mirror_skips_drafts():
    draft = WhatnotListingFactory(whatnot_id=None)

    report = mirror_whatnot_listings([draft.pk])

    assert report.lines_read == 0
    assert MarketListing.objects.count() == 0


def test_newer_remote_version_replaces_row():
    listing = WhatnotListingFactory()
    mirror_whatnot_listings([listing.pk])
    listing.title = "Levi's 505 orange tab 34x32"
    listing.remote_updated_at = datetime(2026, 2, 1, tzinfo=UTC)
    listing.save()

    report = mirror_whatnot_listings([listing.pk])

    row = MarketListing.objects.get()
    assert report.updated == 1
    assert (row.title, row.lot, row.waist) == ("Levi's 505 orange tab 34x32", "505", 34)


def test_opted_out_seller_rows_removed():
    listing = WhatnotListingFactory()
    mirror_whatnot_listings([listing.pk])
    type(listing.seller).objects.filter(pk=listing.seller_id).update(
        include_in_market_research=False
    )

    report = mirror_whatnot_listings([listing.pk])

    assert report.lines_read == 0
    assert MarketListing.objects.count() == 0


def test_sale_marks_row_sold():
    listing = WhatnotListingFactory()
    mirror_whatnot_listings([listing.pk])
    sale = SaleFactory(listing=listing)

    changed = mirror_whatnot_sales([sale.pk])

    row = MarketListing.objects.get()
    assert changed == 1
    assert row.sold is True
    assert row.sold_price == Decimal("110.00")
    assert row.sold_at == sale.sold_at


def test_sale_of_unmirrored_listing_mirrors_it():
    sale = SaleFactory()

    changed = mirror_whatnot_sales([sale.pk])

    row = MarketListing.objects.get()
    assert changed == 1
    assert (row.sold, row.sold_price, row.sold_at) == (True, sale.price, sale.sold_at)


def test_sale_of_opted_out_seller_ignored():
    seller = UserFactory(include_in_market_research=False)
    sale = SaleFactory(listing__variant__product__seller=seller)

    changed = mirror_whatnot_sales([sale.pk])

    assert changed == 0
    assert MarketListing.objects.count() == 0


@pytest.mark.slow
def test_switch_off_and_on_through_worker(celery_worker_process):
    listing = WhatnotListingFactory()
    mirror_whatnot_listings([listing.pk])
    seller = listing.seller

    seller.include_in_market_research = False
    seller.save()

    wait_until(
        lambda: not MarketListing.objects.exists(),
        timeout=60,
        message="the worker did not remove the opted-out seller's rows",
    )
    seller.include_in_market_research = True
    seller.save()
    wait_until(
        lambda: MarketListing.objects.filter(seller=seller).exists(),
        timeout=60,
        message="the worker did not mirror the seller's listings again",
    )
