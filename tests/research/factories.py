"""Factories for research models and the Whatnot mirror models the research
tests need."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import factory

from research.models import Dataset, MarketListing, Platform
from tests.factories import UserFactory


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


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "whatnot.Product"

    seller = factory.SubFactory(UserFactory)
    whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdDo{n:05d}")
    title = "Levi's 501 Big E selvedge 32x30"
    attributes = factory.LazyFunction(lambda: {"Brand": "Levi's", "Condition": "Used"})


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "whatnot.ProductVariant"

    product = factory.SubFactory(ProductFactory)
    whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdFZhcmlhbnQ6{n:05d}")
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    options = factory.LazyFunction(lambda: [{"name": "Size", "value": "32"}])


class WhatnotListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "whatnot.Listing"

    variant = factory.SubFactory(VariantFactory)
    seller = factory.SelfAttribute("variant.product.seller")
    whatnot_id = factory.Sequence(lambda n: f"TGlzdGluZzo{n:05d}")
    title = factory.SelfAttribute("variant.product.title")
    price = Decimal("120.00")
    status = "ACTIVE"
    published = True
    remote_created_at = datetime(2026, 1, 1, tzinfo=UTC)
    remote_updated_at = datetime(2026, 1, 2, tzinfo=UTC)


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "whatnot.Sale"

    listing = factory.SubFactory(WhatnotListingFactory)
    seller = factory.SelfAttribute("listing.seller")
    order_whatnot_id = factory.Sequence(lambda n: f"T3JkZXI6{n:05d}")
    product_whatnot_id = factory.SelfAttribute("listing.variant.product.whatnot_id")
    listing_whatnot_id = factory.SelfAttribute("listing.whatnot_id")
    quantity = 1
    price = Decimal("110.00")
    sold_at = datetime(2026, 1, 5, 18, 30, tzinfo=UTC)
