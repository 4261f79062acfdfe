"""A small market with figures worked out by hand, and the fake OpenAI server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.fixtures.openai_server import openai_server, openai_settings  # noqa: F401
from tests.insights.factories import MarketListingFactory

AS_OF = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
OLD_LISTING = datetime(2026, 10, 1, tzinfo=UTC)


def build_market(as_of: datetime) -> dict:
    """Levi's 505 1990s: 3 sales in the week before as_of (100, 120, 140), 4 the
    week before that (80, 90, 100, 110), 1 older (50) and 2 unsold (asking 150
    and 170, listed this week). Levi's 501 1980s: 3 sales this week (200, 210,
    220) and 3 the week before (300, 310, 320). One Lee sale and one sale in
    EUR that no Levi's cohort includes."""

    def sold_row(price: str, days_ago: float, **fields):
        return MarketListingFactory(
            sold=True,
            sold_price=Decimal(price),
            price=Decimal(price),
            sold_at=as_of - timedelta(days=days_ago),
            listed_at=OLD_LISTING,
            **fields,
        )

    rows = {}
    rows["505_period"] = [
        sold_row(price, days_ago)
        for price, days_ago in (("100", 1), ("120", 2), ("140", 3.5))
    ]
    rows["505_previous"] = [
        sold_row(price, days_ago)
        for price, days_ago in (("80", 8), ("90", 9), ("100", 10), ("110", 13))
    ]
    rows["505_old"] = sold_row("50", 60)
    rows["505_unsold"] = [
        MarketListingFactory(price=Decimal(price), listed_at=as_of - timedelta(days=3))
        for price in ("150", "170")
    ]
    for price, days_ago in (("200", 1), ("210", 2), ("220", 3)):
        sold_row(price, days_ago, lot="501", decade="1980s")
    for price, days_ago in (("300", 8), ("310", 9), ("320", 10)):
        sold_row(price, days_ago, lot="501", decade="1980s")
    sold_row("999", 1, brand="lee", lot="101", decade="1970s")
    sold_row("400", 1, currency="EUR")
    return rows


@pytest.fixture
def market(db):
    """The market of build_market, ending at AS_OF."""
    return build_market(AS_OF)


def claims_505(payload: dict) -> list[dict]:
    """Claims that cite the 505 cohort's bundle correctly."""
    figures = payload["figures"]
    example = payload["examples"][0]
    return [
        {
            "text": f"{figures['period.sold_count']} pairs sold this week, down "
            f"{abs(float(figures['trend.sold_count.delta_pct'])):g}% on the week "
            "before.",
            "figure_keys": ["period.sold_count", "trend.sold_count.delta_pct"],
            "listing_ids": [],
        },
        {
            "text": "The median sold price rose to "
            f"${figures['period.median_sold_price']}, up "
            f"{figures['trend.median_sold_price.delta_pct']}% for 1990s 505s.",
            "figure_keys": [
                "period.median_sold_price",
                "trend.median_sold_price.delta_pct",
            ],
            "listing_ids": [],
        },
        {
            "text": f"The top sale of the week went for ${example['sold_price']}.",
            "figure_keys": [],
            "listing_ids": [example["id"]],
        },
    ]


FILTERS_505 = {"brand": "levis", "lot": "505", "decade": "1990s", "days": 7}
