"""Seller pages check role and ownership on every view."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.pages.factories import ListingFactory, SyncRunFactory
from whatnot.models import Listing

SELLER_PAGES = [
    "whatnot:dashboard",
    "whatnot:listing_list",
    "whatnot:listing_create",
    "whatnot:sale_list",
    "whatnot:sync_status",
]

OWNED_LISTING_PAGES = [
    "whatnot:listing_detail",
    "whatnot:listing_update",
    "whatnot:listing_conflict",
    "whatnot:listing_sync_state",
]


@pytest.mark.parametrize("name", SELLER_PAGES)
def test_seller_page_renders_for_seller(seller_client, name):
    response = seller_client.get(reverse(name))

    assert response.status_code == 200


@pytest.mark.parametrize("name", SELLER_PAGES)
def test_seller_page_redirects_anonymous_to_login(client, db, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role_fixture", ["analyst", "staff_user"])
@pytest.mark.parametrize("name", SELLER_PAGES)
def test_seller_page_forbids_users_without_seller_role(
    client, request, role_fixture, name
):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get(reverse(name))

    assert response.status_code == 403


@pytest.mark.parametrize("role_fixture", ["analyst", "staff_user"])
def test_non_seller_cannot_post_a_listing(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.post(reverse("whatnot:listing_create"), {"title": "x"})

    assert response.status_code == 403
    assert not Listing.objects.exists()


@pytest.mark.parametrize("name", OWNED_LISTING_PAGES)
def test_other_sellers_listing_is_not_found(seller_client, other_seller, name):
    theirs = ListingFactory(seller=other_seller, sync_state=Listing.SyncState.CONFLICT)

    response = seller_client.get(reverse(name, args=[theirs.pk]))

    assert response.status_code == 404
    assert b"belongs to another account" in response.content


def test_other_sellers_listing_cannot_be_edited(seller_client, other_seller):
    theirs = ListingFactory(seller=other_seller, title="Theirs")

    response = seller_client.post(
        reverse("whatnot:listing_update", args=[theirs.pk]),
        {
            "title": "Mine now",
            "description": "x",
            "taxonomy_node_id": "16",
            "price": "10.00",
            "quantity": "1",
        },
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    assert theirs.sync_state == Listing.SyncState.SYNCED


def test_other_sellers_conflict_cannot_be_resolved(seller_client, other_seller):
    theirs = ListingFactory(seller=other_seller, sync_state=Listing.SyncState.CONFLICT)

    response = seller_client.post(
        reverse("whatnot:listing_conflict", args=[theirs.pk]), {"keep": "local"}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.sync_state == Listing.SyncState.CONFLICT


def test_other_sellers_sync_run_progress_is_not_found(seller_client, other_seller):
    run = SyncRunFactory(seller=other_seller)

    response = seller_client.get(reverse("whatnot:sync_progress", args=[run.pk]))

    assert response.status_code == 404


def test_inventory_lists_only_own_listings(seller_client, seller, other_seller):
    ListingFactory(seller=seller, title="Mine 501")
    ListingFactory(seller=other_seller, title="Theirs 505")

    response = seller_client.get(reverse("whatnot:listing_list"))

    assert b"Mine 501" in response.content
    assert b"Theirs 505" not in response.content


def test_seller_nav_links_show_for_sellers_only(rf, seller, analyst):
    pages = {}
    for user in (seller, analyst):
        request = rf.get("/")
        request.user = user
        pages[user.username] = render_to_string("base.html", request=request)

    assert 'href="/inventory/"' in pages["seller"]
    assert 'href="/sales/"' in pages["seller"]
    assert 'href="/inventory/"' not in pages["analyst"]
