"""Factories for market listings and a seller's Whatnot listings and sales."""

from __future__ import annotations

from decimal import Decimal

import factory

from research.models import MarketListing, Platform
from tests.factories import UserFactory
from whatnot.models import Listing, Sale


class MarketListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketListing

    platform = Platform.EBAY
    external_id = factory.Sequence(lambda n: f"ml-{n}")
    title = factory.LazyAttribute(
        lambda row: f"Vintage {row.brand} {row.lot} {row.decade} jeans".strip()
    )
    url = factory.LazyAttribute(lambda row: f"https://example.test/{row.external_id}")
    brand = "levis"
    lot = "505"
    decade = "1990s"
    price = Decimal("80.00")
    currency = "USD"
    sold = False
    sold_price = None
    sold_at = None
    listed_at = None


class WhatnotListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    seller = factory.SubFactory(UserFactory)
    whatnot_id = factory.Sequence(lambda n: f"TGlzdGluZzo{n}")
    title = factory.Sequence(lambda n: f"Levi's 501 jeans #{n}")
    price = Decimal("60.00")
    url = factory.LazyAttribute(
        lambda listing: f"https://www.whatnot.test/listing/{listing.whatnot_id}"
    )


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sale

    listing = factory.SubFactory(WhatnotListingFactory)
    seller = factory.LazyAttribute(lambda sale: sale.listing.seller)
    order_whatnot_id = factory.Sequence(lambda n: f"T3JkZXI6{n}")
    product_whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdDo{n}")
    listing_whatnot_id = factory.LazyAttribute(lambda sale: sale.listing.whatnot_id)
    quantity = 1
    price = Decimal("60.00")
