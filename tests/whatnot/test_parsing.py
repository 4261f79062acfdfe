from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from whatnot.client.errors import PaginationError, ResponseFormatError
from whatnot.client.parsing import (
    check_next_cursor,
    parse_datetime,
    parse_listing,
    parse_listing_page,
    parse_money,
    parse_order_page,
)
from whatnot.client.types import Money

from .nodes import listing_node, listings_data


def test_buy_it_now_price_from_cents():
    listing = parse_listing(listing_node(price_cents=8599, quantity=3))

    assert listing.kind == "BUY_IT_NOW"
    assert listing.price == Money(Decimal("85.99"), "USD")
    assert listing.quantity == 3
    assert listing.updated_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert listing.variant.sku == "SKU-TGlzdGluZzox"
    assert listing.product.taxonomy_node_id == "UHJvZHVjdFRheG9ub215Tm9kZToxNg=="


def test_auction_listing_parses_starting_price():
    listing = parse_listing(listing_node(typename="AuctionListing", price_cents=100))

    assert listing.kind == "AUCTION"
    assert listing.price == Money(Decimal("1.00"), "USD")


def test_giveaway_listing_has_no_price():
    listing = parse_listing(listing_node(typename="GiveawayListing", price_cents=None))

    assert listing.kind == "GIVEAWAY"
    assert listing.price is None


def test_listing_ids_are_strings():
    node = listing_node()
    node["id"] = 12345
    node["productVariant"]["id"] = 67

    listing = parse_listing(node)

    assert listing.id == "12345"
    assert listing.variant.id == "67"


@pytest.mark.parametrize(
    ("money", "message"),
    [
        pytest.param(
            {"amount": "85.00", "currency": "USD"},
            "integer number of cents",
            id="string",
        ),
        pytest.param(
            {"amount": 85.5, "currency": "USD"}, "integer number of cents", id="float"
        ),
        pytest.param(
            {"amount": True, "currency": "USD"}, "integer number of cents", id="bool"
        ),
        pytest.param(
            {"amount": 100, "currency": "DOLLARS"}, "three-letter", id="currency"
        ),
        pytest.param({"currency": "USD"}, "price.amount: missing", id="missing"),
    ],
)
def test_bad_money_names_the_path(money, message):
    with pytest.raises(ResponseFormatError, match=message) as caught:
        parse_money(money, "listing.price")

    assert "listing.price" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T12:00:00Z", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        ("2026-03-01T13:00:00+01:00", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        (
            "2026-03-01T12:00:00.250000",
            datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC),
        ),
    ],
    ids=["zulu", "offset", "naive-is-utc"],
)
def test_datetimes_are_aware_utc(text, expected):
    parsed = parse_datetime(text, "listing.updatedAt")

    assert parsed == expected
    assert parsed.tzinfo == UTC


def test_unreadable_datetime_is_rejected():
    with pytest.raises(ResponseFormatError, match=r"listing\.updatedAt: 'yesterday'"):
        parse_datetime("yesterday", "listing.updatedAt")


def test_page_reports_bad_listings():
    broken = listing_node("bad-1")
    broken["price"] = {"amount": "12.00", "currency": "USD"}
    unknown = listing_node("bad-2")
    unknown["__typename"] = "RaffleListing"
    data = listings_data(
        [listing_node("good-1"), broken, unknown, listing_node("good-2")],
        has_next=True,
        end_cursor="Y3Vyc29yOjQ=",
    )

    page = parse_listing_page(data)

    assert [listing.id for listing in page.listings] == ["good-1", "good-2"]
    assert [listing_id for listing_id, _ in page.invalid] == ["bad-1", "bad-2"]
    assert "integer number of cents" in page.invalid[0][1]
    assert "RaffleListing" in page.invalid[1][1]
    assert page.has_next_page is True
    assert page.end_cursor == "Y3Vyc29yOjQ="


def test_page_without_page_info_is_rejected():
    with pytest.raises(ResponseFormatError, match=r"listings\.pageInfo: missing"):
        parse_listing_page({"listings": {"edges": []}})


@pytest.mark.parametrize(
    ("end_cursor", "previous"),
    [(None, "abc"), ("", None), ("abc", "abc")],
    ids=["none", "empty", "repeated"],
)
def test_missing_next_cursor_is_an_error(end_cursor, previous):
    with pytest.raises(PaginationError, match="reports a next page"):
        check_next_cursor("listings", True, end_cursor, previous)


def test_last_page_needs_no_cursor():
    check_next_cursor("listings", False, None, "abc")


def test_order_page_parses_money_and_items():
    data = {
        "orders": {
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "edges": [
                {
                    "node": {
                        "id": "T3JkZXI6MQ==",
                        "status": "COMPLETED",
                        "isGiveaway": False,
                        "createdAt": "2026-03-02T10:00:00Z",
                        "updatedAt": "2026-03-02T10:05:00Z",
                        "cancelledAt": None,
                        "subtotal": {"amount": 8500, "currency": "USD"},
                        "shippingPrice": {"amount": 799, "currency": "USD"},
                        "taxation": None,
                        "total": {"amount": 9299, "currency": "USD"},
                        "salesChannel": {"type": "MARKETPLACE"},
                        "items": {
                            "edges": [
                                {
                                    "node": {
                                        "id": "item-1",
                                        "quantity": 1,
                                        "price": {"amount": 8500, "currency": "USD"},
                                        "product": {"id": "product-1"},
                                        "listing": {"id": "listing-1"},
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        }
    }

    page = parse_order_page(data)

    order = page.orders[0]
    assert order.total == Money(Decimal("92.99"), "USD")
    assert order.taxes is None
    assert order.sales_channel == "MARKETPLACE"
    assert order.items[0].listing_id == "listing-1"
    assert order.items[0].price.amount == Decimal("85.00")
