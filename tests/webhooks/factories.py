"""Factories for webhook tests: connected sellers and listings."""

from __future__ import annotations

from decimal import Decimal

import factory

from accounts.models import WhatnotConnection
from tests.factories import UserFactory
from whatnot.models import Listing, Product, ProductVariant


class WhatnotConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhatnotConnection

    user = factory.SubFactory(UserFactory)
    whatnot_user_id = factory.Sequence(lambda n: f"VXNlcjo{n:05d}")
    whatnot_username = factory.Sequence(lambda n: f"denim_seller_{n}")
    access_token = "wn_access_tk_test_factory"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(UserFactory)
    whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdDo{n:06d}")
    title = factory.Sequence(lambda n: f"Levi's 505 Orange Tab #{n}")


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdFZhcmlhbnQ6{n:06d}")


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    seller = factory.LazyAttribute(lambda listing: listing.variant.product.seller)
    variant = factory.SubFactory(ProductVariantFactory)
    whatnot_id = factory.Sequence(lambda n: f"TGlzdGluZzo{n:06d}")
    title = factory.LazyAttribute(lambda listing: listing.variant.product.title)
    price = Decimal("120.00")
    quantity = 1
    published = True
