"""The inventory list: search, filters, sorting and pagination."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.pages.factories import ListingFactory
from whatnot.filters import seller_brands
from whatnot.models import Listing

URL = reverse("whatnot:listing_list")


def titles(response) -> list[str]:
    rows = response.context["page"].object_list
    return [listing.title for listing in rows]


@pytest.fixture
def inventory(seller):
    return [
        ListingFactory(
            seller=seller,
            title="Levi's 501 1970s",
            brand="Levi's",
            price=Decimal("150.00"),
            quantity=1,
            status=Listing.Status.ACTIVE,
            published=True,
        ),
        ListingFactory(
            seller=seller,
            title="Lee Storm Rider",
            brand="Lee",
            price=Decimal("95.50"),
            quantity=3,
            status=Listing.Status.INACTIVE,
            published=False,
            sync_state=Listing.SyncState.FAILED,
        ),
        ListingFactory(
            seller=seller,
            title="Wrangler 13MWZ",
            brand="Wrangler",
            price=Decimal("60.00"),
            quantity=0,
            status=Listing.Status.SOLD_OUT,
            published=True,
            sync_state=Listing.SyncState.CONFLICT,
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"q": "storm"}, ["Lee Storm Rider"], id="search-title"),
        pytest.param({"status": "SOLD_OUT"}, ["Wrangler 13MWZ"], id="status"),
        pytest.param({"brand": "Lee"}, ["Lee Storm Rider"], id="brand"),
        pytest.param({"published": "false"}, ["Lee Storm Rider"], id="unpublished"),
        pytest.param({"sync_state": "conflict"}, ["Wrangler 13MWZ"], id="conflict"),
        pytest.param({"sync_state": "failed"}, ["Lee Storm Rider"], id="failed"),
        pytest.param(
            {"published": "true", "brand": "Levi's"},
            ["Levi's 501 1970s"],
            id="combined",
        ),
    ],
)
def test_filter_narrows_rows(seller_client, inventory, query, expected):
    response = seller_client.get(URL, query)

    assert titles(response) == expected


def test_search_finds_whatnot_id(seller_client, inventory):
    response = seller_client.get(URL, {"q": inventory[2].whatnot_id})

    assert titles(response) == ["Wrangler 13MWZ"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        pytest.param(
            "price",
            ["Wrangler 13MWZ", "Lee Storm Rider", "Levi's 501 1970s"],
            id="price",
        ),
        pytest.param(
            "-price",
            ["Levi's 501 1970s", "Lee Storm Rider", "Wrangler 13MWZ"],
            id="price-desc",
        ),
        pytest.param(
            "title",
            ["Lee Storm Rider", "Levi's 501 1970s", "Wrangler 13MWZ"],
            id="title",
        ),
        pytest.param(
            "-quantity",
            ["Lee Storm Rider", "Levi's 501 1970s", "Wrangler 13MWZ"],
            id="quantity-desc",
        ),
        pytest.param(
            "",
            ["Wrangler 13MWZ", "Lee Storm Rider", "Levi's 501 1970s"],
            id="default-newest-change-first",
        ),
    ],
)
def test_sort_orders_rows(seller_client, inventory, sort, expected):
    response = seller_client.get(URL, {"sort": sort} if sort else {})

    assert titles(response) == expected


def test_invalid_filter_shows_error_and_no_rows(seller_client, inventory):
    response = seller_client.get(URL, {"status": "LOST", "sort": "secret"})

    page = response.content.decode()
    assert response.status_code == 200
    assert titles(response) == []
    assert "Some filters are invalid" in page
    assert "Select a valid choice. LOST is not one of the available choices." in page


def test_unreadable_published_filter_shows_error(seller_client, inventory):
    response = seller_client.get(URL, {"published": "maybe"})

    page = response.content.decode()
    assert titles(response) == []
    assert "Published must be true or false (you entered &#x27;maybe&#x27;)." in page


def test_published_filter_stays_selected(seller_client, inventory):
    response = seller_client.get(URL, {"published": "false"})

    page = response.content.decode()
    assert '<option value="false" selected>' in page


def test_pagination_keeps_filters_and_has_no_duplicates(seller_client, seller):
    for number in range(120):
        ListingFactory(seller=seller, title=f"Jean {number:03}", price=Decimal("10"))

    pages = [
        seller_client.get(URL, {"sort": "price", "page": page}) for page in (1, 2, 3)
    ]

    seen = [title for response in pages for title in titles(response)]
    assert len(seen) == 120
    assert len(set(seen)) == 120
    first = pages[0].content.decode()
    assert "Page 1 of 3" in first
    assert re.search(r'href="\?sort=price&amp;page=2"', first)


def test_out_of_range_page_shows_last_page(seller_client, inventory):
    response = seller_client.get(URL, {"page": "999"})

    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_htmx_request_gets_only_the_table(seller_client, inventory):
    response = seller_client.get(URL, {"q": "lee"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "<table" in page
    assert "<html" not in page
    assert "Lee Storm Rider" in page


def test_query_count_does_not_grow_with_rows(
    seller_client, seller, django_assert_max_num_queries
):
    for _ in range(60):
        ListingFactory(seller=seller)

    # Session, user, role check, brand list, count and one page of rows.
    with django_assert_max_num_queries(8):
        response = seller_client.get(URL)

    assert len(response.context["page"].object_list) == 50


def test_brand_filter_offers_own_brands_only(seller_client, seller, other_seller):
    ListingFactory(seller=seller, brand="Lee")
    ListingFactory(seller=other_seller, brand="Evisu")

    response = seller_client.get(URL)

    assert response.context["brands"] == ["Lee"]


def test_seller_brands_are_distinct_sorted_and_limited(seller, other_seller):
    for brand in ["Wrangler", "Lee", "", "Lee", "Evisu", "Big E"]:
        ListingFactory(seller=seller, brand=brand)
    ListingFactory(seller=other_seller, brand="Diesel")

    assert seller_brands(seller.pk) == ["Big E", "Evisu", "Lee", "Wrangler"]
    assert seller_brands(seller.pk, limit=2) == ["Big E", "Evisu"]
    assert seller_brands(other_seller.pk) == ["Diesel"]
