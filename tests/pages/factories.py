"""factory_boy factories for the whatnot models the seller pages and API use."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, WhatnotConnection
from accounts.roles import grant_role
from tests.factories import UserFactory
from whatnot.models import Listing, Order, Product, ProductVariant, Sale, SyncRun
from whatnot.taxonomy import taxonomy_id


class SellerFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def seller_role(user, create, extracted, **kwargs):
        if create:
            grant_role(user, Role.SELLER)


class WhatnotConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhatnotConnection

    user = factory.SubFactory(SellerFactory)
    whatnot_user_id = factory.Sequence(lambda n: f"wn-user-{n}")
    whatnot_username = factory.Sequence(lambda n: f"denimshop{n}")
    access_token = factory.Sequence(lambda n: f"wn_access_tk_test_secret{n}")
    refresh_token = factory.Sequence(lambda n: f"wn_refresh_tk_test_secret{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdDo{n}")
    title = factory.Sequence(lambda n: f"Levi's 501 product {n}")


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdFZhcmlhbnQ6{n}")


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    seller = factory.SubFactory(SellerFactory)
    whatnot_id = factory.Sequence(lambda n: f"TGlzdGluZzo{n}")
    title = factory.Sequence(lambda n: f"Levi's 501 Big E 32x30 no. {n}")
    description = "Vintage 1960s selvedge, light fading, no repairs."
    brand = "Levi's"
    taxonomy_node_id = taxonomy_id(16)
    price = Decimal("120.00")
    quantity = 1
    published = True
    remote_updated_at = factory.LazyFunction(timezone.now)
    last_synced_at = factory.LazyFunction(timezone.now)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    seller = factory.SubFactory(SellerFactory)
    whatnot_id = factory.Sequence(lambda n: f"T3JkZXI6{n}")
    total = Decimal("130.00")


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sale

    seller = factory.SubFactory(SellerFactory)
    listing = factory.SubFactory(
        ListingFactory, seller=factory.SelfAttribute("..seller")
    )
    order = factory.SubFactory(OrderFactory, seller=factory.SelfAttribute("..seller"))
    order_whatnot_id = factory.SelfAttribute("order.whatnot_id")
    product_whatnot_id = factory.Sequence(lambda n: f"UHJvZHVjdDo{n}")
    listing_whatnot_id = factory.LazyAttribute(lambda sale: sale.listing.whatnot_id)
    quantity = 1
    price = Decimal("120.00")


class SyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncRun

    seller = factory.SubFactory(SellerFactory)
    kind = SyncRun.Kind.FULL
    status = SyncRun.Status.SUCCEEDED
