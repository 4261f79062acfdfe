"""The staff admin for inventory models: pages render, payloads are read-only
and redacted, and tokens never show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pages.factories import (
    ListingFactory,
    OrderFactory,
    ProductFactory,
    ProductVariantFactory,
    SaleFactory,
    SyncRunFactory,
    WhatnotConnectionFactory,
)
from whatnot.admin.display import redact
from whatnot.models import Listing

MODELS = ["product", "productvariant", "listing", "order", "sale", "syncrun"]


@pytest.fixture
def admin_client_staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def inventory_rows(seller):
    connection = WhatnotConnectionFactory(user=seller)
    variant = ProductVariantFactory(product=ProductFactory(seller=seller))
    listing = ListingFactory(
        seller=seller,
        variant=variant,
        raw={"id": "TGlzdGluZzox", "accessToken": "wn_access_tk_test_leak"},
    )
    SaleFactory(seller=seller, listing=listing)
    OrderFactory(seller=seller)
    SyncRunFactory(seller=seller)
    return {"connection": connection, "listing": listing}


@pytest.mark.parametrize("model", MODELS)
def test_changelist_renders_for_staff(admin_client_staff, inventory_rows, model):
    response = admin_client_staff.get(reverse(f"admin:whatnot_{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_page_renders_without_tokens(admin_client_staff, inventory_rows, model):
    from django.apps import apps

    row = apps.get_model("whatnot", model).objects.first()

    response = admin_client_staff.get(
        reverse(f"admin:whatnot_{model}_change", args=[row.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert inventory_rows["connection"].access_token not in page
    assert inventory_rows["connection"].refresh_token not in page
    assert "wn_access_tk_test_leak" not in page


def test_listing_raw_payload_is_read_only_and_redacted(
    admin_client_staff, inventory_rows
):
    listing = inventory_rows["listing"]

    page = admin_client_staff.get(
        reverse("admin:whatnot_listing_change", args=[listing.pk])
    ).content.decode()

    assert "&quot;accessToken&quot;: &quot;[redacted]&quot;" in page
    assert 'name="raw"' not in page
    assert 'name="sync_state"' not in page


def test_changelist_search_finds_listing_by_seller(admin_client_staff, seller):
    ListingFactory(seller=seller, title="Findable 501")

    response = admin_client_staff.get(
        reverse("admin:whatnot_listing_changelist"), {"q": "seller"}
    )

    assert "Findable 501" in response.content.decode()


def test_changelist_filters_by_sync_state(admin_client_staff, seller):
    ListingFactory(seller=seller, title="Failed one", sync_state="failed")
    ListingFactory(seller=seller, title="Synced one")

    response = admin_client_staff.get(
        reverse("admin:whatnot_listing_changelist"), {"sync_state__exact": "failed"}
    )

    page = response.content.decode()
    assert "Failed one" in page
    assert "Synced one" not in page


@pytest.mark.parametrize("role_fixture", ["seller", "analyst"])
def test_admin_is_closed_to_non_staff(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get(reverse("admin:whatnot_listing_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_sync_runs_cannot_be_added_by_hand(admin_client_staff):
    response = admin_client_staff.get(reverse("admin:whatnot_syncrun_add"))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(
            {"refresh_token": "x", "title": "Lee"},
            {"refresh_token": "[redacted]", "title": "Lee"},
            id="flat",
        ),
        pytest.param(
            {"edges": [{"node": {"clientSecret": "s", "id": "1"}}]},
            {"edges": [{"node": {"clientSecret": "[redacted]", "id": "1"}}]},
            id="nested",
        ),
        pytest.param(["a", 1, None], ["a", 1, None], id="list"),
    ],
)
def test_redact_replaces_secret_values(payload, expected):
    assert redact(payload) == expected


def test_listing_admin_offers_queueing_actions(admin_client_staff, inventory_rows):
    page = admin_client_staff.get(
        reverse("admin:whatnot_listing_changelist")
    ).content.decode()

    assert 'value="retry_pushes"' in page
    assert 'value="resync_sellers"' in page
    assert Listing.objects.count() == 1
