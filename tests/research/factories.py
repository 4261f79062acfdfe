"""Factories for research models used by the cohort, dashboard and comps tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import factory

from research.models import Dataset, MarketListing, Platform


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    name = factory.Sequence(lambda n: f"dataset {n}")
    platform = Platform.EBAY


class MarketListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketListing

    platform = Platform.EBAY
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    title = factory.LazyAttribute(
        lambda listing: (
            f"{listing.brand} {listing.lot} {listing.decade} W{listing.waist}".strip()
        )
    )
    url = factory.LazyAttribute(
        lambda listing: f"https://example.test/listing/{listing.external_id}"
    )
    listing_kind = "buy_it_now"
    price = Decimal("101.00")
    sold = False
    listed_at = datetime(2024, 3, 5, 12, tzinfo=UTC)
    brand = "levis"
    lot = "501"
    decade = "1980s"
    waist = 32
    inseam = 32
    made_in = "usa"
    selvedge = False
