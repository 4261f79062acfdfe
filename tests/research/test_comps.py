"""Comparable sales: matching, widening steps and the price range."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from research.comps import find_comps
from tests.factories import UserFactory
from tests.research.factories import MarketListingFactory


@pytest.fixture(autouse=True)
def fresh_brand_cache():
    cache.clear()


def sold(price, **values):
    return MarketListingFactory(
        sold=True,
        sold_price=Decimal(price),
        sold_at=datetime(2024, 5, 1, tzinfo=UTC),
        **values,
    )


def test_exact_cohort_needs_no_widening(db):
    for price in ("100", "120", "140", "160", "180"):
        sold(price, waist=31)
    sold("999", waist=36)

    result = find_comps(brand="levis", lot="501", decade="1980s", waist=32)

    assert result.count == 5
    assert result.steps == ()
    assert result.price_low == Decimal("120.00")
    assert result.price_median == Decimal("140.00")
    assert result.price_high == Decimal("160.00")
    assert result.enough


def test_widening_steps_in_order(db):
    sold("100", waist=32)
    sold("110", waist=34)
    sold("120", waist=32, decade="1990s")
    sold("130", waist=32, lot="505", decade="1970s")
    sold("140", waist=40, lot="550")
    sold("150", waist=32, brand="lee")

    steps = [
        find_comps(
            brand="levis", lot="501", decade="1980s", waist=32, min_comps=n
        ).steps
        for n in (1, 2, 3, 4, 5)
    ]

    assert steps == [
        (),
        ("waist within 2 inches",),
        ("waist within 2 inches", "any decade"),
        ("waist within 2 inches", "any decade", "any lot"),
        ("waist within 2 inches", "any decade", "any lot", "any waist"),
    ]


def test_too_few_comps_after_every_step(db):
    sold("100", waist=32)

    result = find_comps(brand="levis", lot="501", decade="1980s", waist=32)

    assert result.count == 1
    assert not result.enough
    assert result.steps[-1] == "any waist"
    assert result.price_low == result.price_high == Decimal("100.00")


def test_no_comps_has_no_range(db):
    result = find_comps(brand="nobody")

    assert result.count == 0
    assert result.price_low is None
    assert result.comps == ()


def test_comps_skip_unsold_opted_out_and_own(db):
    private = UserFactory(username="private", include_in_market_research=False)
    me = UserFactory(username="me")
    sold("100")
    sold("200", seller=private, platform="whatnot")
    sold("300", seller=me, platform="whatnot")
    MarketListingFactory(price=Decimal("400"))

    result = find_comps(brand="levis", exclude_seller=me, min_comps=1)

    assert [comp.sold_price for comp in result.comps] == [Decimal("100.00")]


def test_brand_spelling_is_matched(db, rebuilt):
    sold("100", brand="levis")
    rebuilt()

    assert find_comps(brand="Levi's", min_comps=1).count == 1
