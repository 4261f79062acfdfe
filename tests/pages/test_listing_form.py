"""The listing form rejects what Whatnot would reject, naming field and fix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.pages.factories import (
    ListingFactory,
    ProductFactory,
    ProductVariantFactory,
)
from whatnot.forms import ListingForm
from whatnot.models import Listing, ListingEvent
from whatnot.taxonomy import taxonomy_id

VALID = {
    "title": "Levi's 501 Big E 1966 32x30",
    "description": "Single stitch, red line selvedge, light fading.",
    "brand": "Levi's",
    "taxonomy_node_id": "16",
    "price": "245.00",
    "quantity": "1",
    "published": "on",
}


def errors_for(**changes) -> dict[str, list[str]]:
    data = {**VALID, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    form = ListingForm(data)
    assert not form.is_valid()
    return form.errors


def test_valid_data_passes():
    form = ListingForm(VALID)

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param(
            "title",
            None,
            "Title is required: Whatnot rejects a listing without one.",
            id="title-missing",
        ),
        pytest.param(
            "title",
            "   ",
            "Title is required: Whatnot rejects a listing without one.",
            id="title-blank",
        ),
        pytest.param(
            "title",
            "x" * 1000,
            "Title has 1,000 characters; Whatnot accepts at most 999. Shorten it by 1.",
            id="title-1000",
        ),
        pytest.param(
            "description",
            "",
            "Description is required: Whatnot rejects a listing without one.",
            id="description-blank",
        ),
        pytest.param(
            "description",
            "y" * 1200,
            "Description has 1,200 characters; Whatnot accepts at most 999. "
            "Shorten it by 201.",
            id="description-long",
        ),
        pytest.param(
            "price",
            "0",
            "Price must be more than 0 (you entered 0). Enter the asking price in "
            "dollars, for example 45.00.",
            id="price-zero",
        ),
        pytest.param(
            "price",
            "-5.00",
            "Price must be more than 0 (you entered -5.00). Enter the asking price "
            "in dollars, for example 45.00.",
            id="price-negative",
        ),
        pytest.param(
            "price",
            "12.345",
            "Price can have at most 2 decimal places (cents), for example 45.99.",
            id="price-fraction-of-cent",
        ),
        pytest.param(
            "price",
            "twelve",
            "Price must be a number in dollars and cents, for example 45.00.",
            id="price-not-a-number",
        ),
        pytest.param(
            "price",
            "",
            "Price is required: enter the asking price, for example 45.00.",
            id="price-missing",
        ),
        pytest.param(
            "quantity",
            "-1",
            "Quantity cannot be negative (you entered -1). Enter the number of "
            "items in stock, or 0 for sold out.",
            id="quantity-negative",
        ),
        pytest.param(
            "quantity",
            "1.5",
            "Quantity must be a whole number, for example 1.",
            id="quantity-fraction",
        ),
        pytest.param(
            "taxonomy_node_id",
            "999999",
            "Category 999999 is not a Whatnot category that accepts listings. "
            "Choose one from the list.",
            id="category-unknown",
        ),
        pytest.param(
            "taxonomy_node_id",
            "654",
            "Category 654 is not a Whatnot category that accepts listings. "
            "Choose one from the list.",
            id="category-not-a-leaf",
        ),
        pytest.param(
            "taxonomy_node_id",
            "",
            "Category is required: choose where the listing appears on Whatnot.",
            id="category-missing",
        ),
    ],
)
def test_invalid_value_gets_field_error(field, value, message):
    errors = errors_for(**{field: value})

    assert errors == {field: [message]}


def test_quantity_zero_is_allowed():
    form = ListingForm({**VALID, "quantity": "0"})

    assert form.is_valid(), form.errors


def test_price_is_decimal():
    form = ListingForm({**VALID, "price": "19.99"})
    form.is_valid()

    assert str(form.cleaned_data["price"]) == "19.99"


def test_create_page_shows_errors_and_saves_nothing(seller_client):
    response = seller_client.post(
        reverse("whatnot:listing_create"), {**VALID, "title": "", "price": "0"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "The listing was not saved. Fix 2 fields" in page
    assert "Title is required: Whatnot rejects a listing without one." in page
    assert "Price must be more than 0 (you entered 0)." in page
    assert 'aria-invalid="true"' in page
    assert not Listing.objects.exists()
    assert not ListingEvent.objects.exists()


def test_edit_page_shows_errors_and_keeps_the_listing(seller_client, seller):
    listing = ListingFactory(seller=seller, price="80.00")

    response = seller_client.post(
        reverse("whatnot:listing_update", args=[listing.pk]),
        {**VALID, "price": "abc"},
    )

    assert response.status_code == 400
    assert "Price must be a number in dollars and cents" in response.content.decode()
    listing.refresh_from_db()
    assert str(listing.price) == "80.00"
    assert listing.sync_state == Listing.SyncState.SYNCED


def test_edit_page_is_prefilled(seller_client, seller):
    listing = ListingFactory(seller=seller, title="Lee 101 Rider", price="90.00")

    response = seller_client.get(reverse("whatnot:listing_update", args=[listing.pk]))

    page = response.content.decode()
    assert 'value="Lee 101 Rider"' in page
    assert 'value="90.00"' in page
    assert "Men&#x27;s Fashion &gt; Men&#x27;s Vintage Clothing" in page


def test_conflicted_listing_edit_goes_to_conflict_page(seller_client, seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.CONFLICT)

    response = seller_client.get(reverse("whatnot:listing_update", args=[listing.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "whatnot:listing_conflict", args=[listing.pk]
    )


def test_quantity_above_database_range_is_rejected():
    errors = errors_for(quantity=str(2**31))

    assert errors == {
        "quantity": ["Quantity 2147483648 is too large: enter at most 2147483647."]
    }


def test_edit_page_shows_price_range_of_comparable_sales(seller_client, seller):
    from research.models import MarketListing

    for number, price in enumerate(["100.00", "120.00", "140.00", "160.00", "180.00"]):
        MarketListing.objects.create(
            platform="poshmark",
            external_id=f"comp-{number}",
            title=f"Levi's 501 comp {number}",
            brand="Levi's",
            sold=True,
            sold_price=Decimal(price),
        )
    listing = ListingFactory(seller=seller, brand="Levi's", title="Levi's 501")

    page = seller_client.get(
        reverse("whatnot:listing_update", args=[listing.pk])
    ).content.decode()

    assert 'data-comps="price_low">$120.00<' in page
    assert 'data-comps="price_high">$160.00<' in page
    assert "middle half of 5 sales" in page


def test_comps_partial_without_brand_shows_hint(seller_client):
    response = seller_client.get(
        reverse("whatnot:listing_comps"), {"title": "plain jeans"}
    )

    assert "once market data for this brand exists" in response.content.decode()


def test_category_number_is_stored_as_taxonomy_id():
    form = ListingForm({**VALID, "taxonomy_node_id": "659"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["taxonomy_node_id"] == "UHJvZHVjdFRheG9ub215Tm9kZTo2NTk="


def test_edit_form_takes_category_from_product(seller):
    variant = ProductVariantFactory(
        product=ProductFactory(seller=seller, taxonomy_node_id=taxonomy_id(146))
    )
    listing = ListingFactory(seller=seller, variant=variant, taxonomy_node_id="")

    form = ListingForm(instance=listing)

    assert form["taxonomy_node_id"].value() == taxonomy_id(146)
