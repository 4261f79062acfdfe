"""The listings endpoint: filters, money as strings, field-keyed errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.pages.factories import (
    ListingFactory,
    ProductFactory,
    ProductVariantFactory,
)
from whatnot.api.serializers import ListingSerializer
from whatnot.models import Listing, ListingEvent
from whatnot.taxonomy import taxonomy_id

VALID = {
    "title": "Levi's 501 Big E 1966 32x30",
    "description": "Single stitch, red line selvedge.",
    "brand": "Levi's",
    "category": "16",
    "price": "245.00",
    "quantity": 1,
    "published": True,
}


def test_listing_fields_and_money_as_string(api_client, seller):
    listing = ListingFactory(
        seller=seller, price=Decimal("99.90"), whatnot_id="TGlzdGluZzo0Mg=="
    )

    data = api_client.get(f"/api/listings/{listing.pk}/").json()

    assert data["price"] == "99.90"
    assert data["currency"] == "USD"
    assert data["whatnot_id"] == "TGlzdGluZzo0Mg=="
    assert data["category"] == "UHJvZHVjdFRheG9ub215Tm9kZToxNg=="
    assert data["sync_state"] == "synced"
    assert data["updated_at"].endswith("Z")
    assert "raw" not in data
    assert "seller" not in data


def test_auction_without_price_reads_as_null(api_client, seller):
    listing = ListingFactory(seller=seller, price=None, kind=Listing.Kind.AUCTION)

    data = api_client.get(f"/api/listings/{listing.pk}/").json()

    assert data["price"] is None
    assert data["kind"] == "AUCTION"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("q=storm", ["Lee Storm Rider"], id="search"),
        pytest.param("status=SOLD_OUT", ["Wrangler"], id="status"),
        pytest.param("brand=Lee", ["Lee Storm Rider"], id="brand"),
        pytest.param("published=false", ["Lee Storm Rider"], id="published"),
        pytest.param("sync_state=conflict", ["Wrangler"], id="sync-state"),
        pytest.param(
            "sort=-price", ["Levi's 501", "Lee Storm Rider", "Wrangler"], id="sort"
        ),
    ],
)
def test_filters_match_the_inventory_page(api_client, seller, query, expected):
    ListingFactory(seller=seller, title="Levi's 501", price=Decimal("150"))
    ListingFactory(
        seller=seller,
        title="Lee Storm Rider",
        brand="Lee",
        price=Decimal("90"),
        published=False,
    )
    ListingFactory(
        seller=seller,
        title="Wrangler",
        price=Decimal("60"),
        status=Listing.Status.SOLD_OUT,
        sync_state=Listing.SyncState.CONFLICT,
    )

    response = api_client.get(f"/api/listings/?{query}")

    assert [row["title"] for row in response.json()["results"]] == expected


def test_invalid_filter_is_a_field_keyed_400(api_client, seller):
    response = api_client.get("/api/listings/?status=LOST&sort=secret")

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == [
        "Select a valid choice. LOST is not one of the available choices."
    ]
    assert "sort" in body


@pytest.mark.parametrize("value", ["maybe", "2", "tru"])
def test_unreadable_published_filter_is_400(api_client, seller, value):
    response = api_client.get(f"/api/listings/?published={value}")

    assert response.status_code == 400
    message = response.json()["published"][0]
    assert message == f"Published must be true or false (you entered '{value}')."


@pytest.mark.parametrize("value", ["true", "1", "yes", "True"])
def test_published_filter_reads_yes_values(api_client, seller, value):
    ListingFactory(seller=seller, title="Shown", published=True)
    ListingFactory(seller=seller, title="Hidden", published=False)

    response = api_client.get(f"/api/listings/?published={value}")

    assert [row["title"] for row in response.json()["results"]] == ["Shown"]


def test_pagination_reports_count_and_next(api_client, seller):
    ListingFactory.create_batch(55, seller=seller)

    body = api_client.get("/api/listings/").json()

    assert body["count"] == 55
    assert len(body["results"]) == 50
    assert body["next"].endswith("/api/listings/?page=2")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"title": "   "},
            "title",
            "Title is required: Whatnot rejects a listing without one.",
            id="title-blank",
        ),
        pytest.param(
            {"description": "d" * 1000},
            "description",
            "Description has 1,000 characters; Whatnot accepts at most 999. "
            "Shorten it by 1.",
            id="description-long",
        ),
        pytest.param(
            {"price": "0.00"},
            "price",
            "Price must be more than 0 (you entered 0.00). Enter the asking price "
            "in dollars, for example 45.00.",
            id="price-zero",
        ),
        pytest.param(
            {"price": None},
            "price",
            "Price is required: enter the asking price, for example 45.00.",
            id="price-null",
        ),
        pytest.param(
            {"price": "1.999"},
            "price",
            "Price can have at most 2 decimal places (cents), for example 45.99.",
            id="price-fraction-of-cent",
        ),
        pytest.param(
            {"price": "NaN"},
            "price",
            "Price must be a number in dollars and cents, for example 45.00.",
            id="price-nan",
        ),
        pytest.param(
            {"price": "21474836.48"},
            "price",
            "Price 21474836.48 is too large: Whatnot accepts at most 21474836.47.",
            id="price-over-32-bit-cents",
        ),
        pytest.param(
            {"quantity": -2},
            "quantity",
            "Quantity cannot be negative (you entered -2). Enter the number of "
            "items in stock, or 0 for sold out.",
            id="quantity-negative",
        ),
        pytest.param(
            {"quantity": 2**40},
            "quantity",
            "Quantity 1099511627776 is too large: enter at most 2147483647.",
            id="quantity-huge",
        ),
        pytest.param(
            {"category": ""},
            "category",
            "Category is required: choose where the listing appears on Whatnot.",
            id="category-empty",
        ),
        pytest.param(
            {"category": "654"},
            "category",
            "Category 654 is not a Whatnot category that accepts listings. Use one "
            "of the ids in this field's description.",
            id="category-not-a-leaf",
        ),
    ],
)
def test_create_rejects_invalid_field(api_client, changes, field, message):
    response = api_client.post("/api/listings/", {**VALID, **changes}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Listing.objects.exists()
    assert not ListingEvent.objects.exists()


def test_create_reports_every_missing_field(api_client):
    response = api_client.post("/api/listings/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {
        "title",
        "description",
        "category",
        "price",
        "quantity",
    }


def test_read_only_fields_are_ignored_on_update(api_client, seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.CONFLICT)

    response = api_client.patch(
        f"/api/listings/{listing.pk}/",
        {"sync_state": "synced", "whatnot_id": "forged"},
        format="json",
    )

    assert response.status_code == 409
    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert listing.whatnot_id != "forged"


def test_category_reads_from_product_when_listing_has_none(api_client, seller):
    variant = ProductVariantFactory(
        product=ProductFactory(seller=seller, taxonomy_node_id=taxonomy_id(659))
    )
    listing = ListingFactory(seller=seller, variant=variant, taxonomy_node_id="")

    data = api_client.get(f"/api/listings/{listing.pk}/").json()

    assert data["category"] == taxonomy_id(659)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("16", id="number-string"),
        pytest.param(16, id="number"),
        pytest.param("UHJvZHVjdFRheG9ub215Tm9kZToxNg==", id="taxonomy-id"),
    ],
)
def test_category_accepts_number_or_taxonomy_id(api_client, value):
    serializer = ListingSerializer(data={**VALID, "category": value})

    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["taxonomy_node_id"] == taxonomy_id(16)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("UHJvZHVjdDoxNg==", id="other-node-type"),
        pytest.param("not base64!", id="garbage"),
        pytest.param("ÿ16", id="non-ascii"),
        pytest.param("/w==", id="base64-of-invalid-utf8"),
        pytest.param(["16"], id="list"),
        pytest.param(None, id="null"),
    ],
)
def test_category_rejects_other_values(api_client, value):
    serializer = ListingSerializer(data={**VALID, "category": value})

    assert not serializer.is_valid()
    assert list(serializer.errors) == ["category"]
