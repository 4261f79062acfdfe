"""Factories for the whatnot app's models."""

from __future__ import annotations

from decimal import Decimal

import factory

from tests.factories import UserFactory
from whatnot.models import Listing


class ListingFactory(factory.django.DjangoModelFactory):
    """A listing drafted in selvedge, not yet on Whatnot."""

    class Meta:
        model = Listing

    seller = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Levi's 501 selvedge, lot {n}")
    description = "Raw indigo, chain-stitched hem."
    taxonomy_node_id = "UHJvZHVjdFRheG9ub215Tm9kZToxNg=="
    price = Decimal("120.00")
    currency = "USD"
    quantity = 1
    published = True
