"""The stats bundle: exact figures for a hand-built market and real Grailed rows."""

from __future__ import annotations

import csv
import statistics
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from research.insights import bundle as bundle_module
from research.insights.bundle import build_market_bundle, build_seller_bundle
from research.insights.filters import parse_filters
from research.models import MarketListing
from tests.insights.conftest import AS_OF, FILTERS_505
from tests.insights.factories import SaleFactory, WhatnotListingFactory
from whatnot.models import Listing

GRAILED_CSV = (
    settings.BASE_DIR.parent
    / "shared"
    / "data"
    / "real"
    / "grailed_sold_listings_2026.csv"
)


def values(section: dict) -> dict:
    return {key: figure["value"] for key, figure in section.items()}


def test_market_bundle_figures_for_one_cohort(market):
    bundle = build_market_bundle(FILTERS_505, AS_OF)

    assert values(bundle["figures"]) == {
        "listing_count": 10,
        "sold_count": 8,
        "unsold_count": 2,
        "sell_through_pct": "80.0",
        "min_sold_price": "50.00",
        "p25_sold_price": "87.50",
        "median_sold_price": "100.00",
        "p75_sold_price": "112.50",
        "max_sold_price": "140.00",
        "median_asking_price": "160.00",
        "period.sold_count": 3,
        "period.median_sold_price": "120.00",
        "period.new_listing_count": 2,
        "previous.sold_count": 4,
        "previous.median_sold_price": "95.00",
        "previous.new_listing_count": 0,
        "trend.sold_count.delta": -1,
        "trend.sold_count.delta_pct": "-25.0",
        "trend.median_sold_price.delta": "25.00",
        "trend.median_sold_price.delta_pct": "26.3",
        "trend.new_listing_count.delta": 2,
        "period.days": 7,
    }
    assert bundle["figures"]["trend.median_sold_price.delta_pct"]["label"] == (
        "Median sold price: change from the previous period (%)"
    )
    assert values(bundle["breakdown"]) == {
        "platform.ebay.listing_count": 10,
        "platform.ebay.sold_count": 8,
        "platform.ebay.sell_through_pct": "80.0",
    }
    assert bundle["movers"] == []
    assert bundle["scope"]["description"] == "brand levis, lot 505, decade 1990s"
    assert bundle["period"]["start"] == (AS_OF - timedelta(days=7)).isoformat()
    assert {"505", "1990s", "90s", "levis"} <= set(bundle["terms"])


def test_examples_start_with_extreme_sales(market):
    bundle = build_market_bundle(FILTERS_505, AS_OF)

    examples = bundle["examples"]
    top, bottom = market["505_period"][2], market["505_period"][0]
    assert [example["id"] for example in examples] == [
        f"ebay:{top.external_id}",
        f"ebay:{bottom.external_id}",
        f"ebay:{market['505_period'][1].external_id}",
    ]
    assert examples[0]["sold_price"] == "140.00"
    assert examples[0]["url"] == top.url


def test_market_movers_rank_groups_by_price_change(market):
    bundle = build_market_bundle({"brand": "levis", "days": 7}, AS_OF)

    assert [mover["label"] for mover in bundle["movers"]] == [
        "501 1980s",
        "505 1990s",
    ]
    assert values(bundle["movers"][0]["figures"]) == {
        "mover.501-1980s.period.sold_count": 3,
        "mover.501-1980s.previous.sold_count": 3,
        "mover.501-1980s.period.median_sold_price": "210.00",
        "mover.501-1980s.previous.median_sold_price": "310.00",
        "mover.501-1980s.trend.median_sold_price.delta": "-100.00",
        "mover.501-1980s.trend.median_sold_price.delta_pct": "-32.3",
        "mover.501-1980s.trend.sold_count.delta": 0,
        "mover.501-1980s.trend.sold_count.delta_pct": "0.0",
    }


def test_empty_cohort_omits_unknown_figures(db):
    bundle = build_market_bundle({"brand": "wrangler", "days": 7}, AS_OF)

    assert values(bundle["figures"]) == {
        "listing_count": 0,
        "sold_count": 0,
        "unsold_count": 0,
        "period.sold_count": 0,
        "period.new_listing_count": 0,
        "previous.sold_count": 0,
        "previous.new_listing_count": 0,
        "trend.sold_count.delta": 0,
        "trend.new_listing_count.delta": 0,
        "period.days": 7,
    }
    assert bundle["examples"] == []


def test_market_bundle_ignores_rows_listed_after_as_of(market):
    later = build_market_bundle(FILTERS_505, AS_OF)
    market["505_unsold"][0].listed_at = AS_OF + timedelta(hours=1)
    market["505_unsold"][0].save()

    bundle = build_market_bundle(FILTERS_505, AS_OF)

    assert bundle["figures"]["listing_count"]["value"] == 9
    assert later["figures"]["listing_count"]["value"] == 10


def load_grailed_rows() -> list[dict]:
    with GRAILED_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    MarketListing.objects.bulk_create(
        MarketListing(
            platform="grailed",
            external_id=row["id"],
            title=row["title"][:1000],
            url=row["listing_url"],
            brand=row["designer_names"].lower()[:64],
            price=Decimal(row["price"]),
            sold=True,
            sold_price=Decimal(row["sold_price"]),
            sold_at=datetime.fromisoformat(row["sold_at"].replace("Z", "+00:00")),
            listed_at=datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")),
        )
        for row in rows
    )
    return rows


@pytest.mark.django_db
def test_market_bundle_matches_independent_figures_on_grailed_rows():
    rows = load_grailed_rows()
    # The rows come from two scrapes, sold on 2026-03-04 and 2026-03-25, so a
    # 21-day window ending on 2026-03-26 puts one scrape in each period.
    as_of = datetime(2026, 3, 26, tzinfo=UTC)
    start, previous_start = as_of - timedelta(days=21), as_of - timedelta(days=42)

    bundle = build_market_bundle(
        parse_filters({"platform": "grailed", "days": "21"}), as_of
    )

    sold_at = [
        datetime.fromisoformat(r["sold_at"].replace("Z", "+00:00")) for r in rows
    ]
    prices = [Decimal(r["sold_price"]) for r in rows]
    in_period = [p for p, t in zip(prices, sold_at, strict=True) if start <= t < as_of]
    in_previous = [
        p for p, t in zip(prices, sold_at, strict=True) if previous_start <= t < start
    ]
    figures = values(bundle["figures"])
    assert figures["sold_count"] == len(rows) == 399
    assert len(in_period) > 0
    assert len(in_previous) > 0
    assert Decimal(figures["median_sold_price"]) == statistics.median(prices)
    assert Decimal(figures["min_sold_price"]) == min(prices)
    assert Decimal(figures["max_sold_price"]) == max(prices)
    assert figures["period.sold_count"] == len(in_period)
    assert figures["previous.sold_count"] == len(in_previous)
    assert Decimal(figures["period.median_sold_price"]) == statistics.median(in_period)
    assert Decimal(figures["previous.median_sold_price"]) == statistics.median(
        in_previous
    )
    assert len(bundle["examples"]) == 6
    assert bundle["examples"][0]["sold_price"] == str(
        max(in_period).quantize(Decimal("0.01"))
    )


def test_seller_bundle_counts_units_revenue_and_trend(seller):
    day = timedelta(days=1)
    as_of = timezone.now() + timedelta(minutes=1)
    jacket = WhatnotListingFactory(seller=seller, title="Lee Storm Rider jacket")
    jeans = WhatnotListingFactory(
        seller=seller,
        title="Levi's 501 big E",
        kind=Listing.Kind.AUCTION,
        status=Listing.Status.SOLD,
    )
    WhatnotListingFactory(seller=seller, price=Decimal("90.00"))
    SaleFactory(listing=jacket, price=Decimal("40.00"), quantity=2, sold_at=as_of - day)
    SaleFactory(listing=jeans, price=Decimal("150.00"), sold_at=as_of - 2 * day)
    SaleFactory(listing=jacket, price=Decimal("30.00"), sold_at=as_of - 9 * day)
    SaleFactory(price=Decimal("500.00"), sold_at=as_of - day)  # another seller

    bundle = build_seller_bundle(seller, 7, as_of)

    figures = values(bundle["figures"])
    assert figures["listing_count"] == 3
    assert figures["active_listing_count"] == 2
    assert figures["sold_listing_count"] == 1
    assert figures["sell_through_pct"] == "33.3"
    assert figures["sale_count"] == 3
    assert figures["sold_count"] == 4
    assert figures["revenue"] == "260.00"
    assert figures["period.sold_count"] == 3
    assert figures["period.revenue"] == "230.00"
    assert figures["previous.revenue"] == "30.00"
    assert figures["trend.revenue.delta"] == "200.00"
    assert figures["trend.revenue.delta_pct"] == "666.7"
    assert figures["median_asking_price"] == "75.00"
    assert values(bundle["breakdown"])["kind.auction.sold_count"] == 1
    assert [mover["label"] for mover in bundle["movers"]] == [
        "Levi's 501 big E",
        "Lee Storm Rider jacket",
    ]
    assert [example["id"] for example in bundle["examples"]] == [
        jacket.whatnot_id,
        jeans.whatnot_id,
    ]
    assert bundle["scope"] == {
        "kind": "seller",
        "description": "Whatnot sales of seller",
        "seller": "seller",
        "currency": "USD",
    }


@pytest.mark.django_db
def test_database_quantiles_agree_on_both_paths(monkeypatch):
    load_grailed_rows()
    sold = MarketListing.objects.filter(sold=True)
    fractions = (0.0, 0.25, 0.5, 0.75, 1.0)
    in_memory = bundle_module.database_quantiles(sold, "sold_price", fractions)

    monkeypatch.setattr(bundle_module, "IN_MEMORY_QUANTILE_LIMIT", 0)
    ranked = bundle_module.database_quantiles(sold, "sold_price", fractions)

    assert ranked == in_memory
    assert in_memory[2] == statistics.median(sold.values_list("sold_price", flat=True))


def test_market_bundle_leaves_out_opted_out_sellers(market, seller):
    seller.include_in_market_research = False
    seller.save()
    opted_out = market["505_period"][2]
    opted_out.seller = seller
    opted_out.save()

    bundle = build_market_bundle(FILTERS_505, AS_OF)

    assert bundle["figures"]["sold_count"]["value"] == 7
    assert bundle["figures"]["period.sold_count"]["value"] == 2
    assert f"ebay:{opted_out.external_id}" not in [
        example["id"] for example in bundle["examples"]
    ]
