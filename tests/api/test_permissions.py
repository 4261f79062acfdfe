"""Every API endpoint checks role and ownership."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.pages.factories import ListingFactory, SaleFactory, SyncRunFactory
from whatnot.models import Listing

LIST_URLS = ["/api/listings/", "/api/sync-runs/", "/api/sales/"]


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}"
    )
    return client


@pytest.mark.parametrize("url", LIST_URLS)
def test_anonymous_request_is_rejected(db, url):
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided."
    }


@pytest.mark.parametrize("role_fixture", ["analyst", "staff_user"])
@pytest.mark.parametrize("url", LIST_URLS)
def test_non_seller_is_forbidden(request, role_fixture, url):
    client = client_for(request.getfixturevalue(role_fixture))

    response = client.get(url)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This endpoint is for sellers: your account has no seller role."
    }


@pytest.mark.parametrize("role_fixture", ["analyst", "staff_user"])
def test_non_seller_cannot_create_listing(request, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))

    response = client.post("/api/listings/", {"title": "x"}, format="json")

    assert response.status_code == 403
    assert not Listing.objects.exists()


def test_invalid_token_is_rejected(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/listings/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_session_authentication_works(client, seller):
    ListingFactory(seller=seller, title="Session 501")
    client.force_login(seller)

    response = client.get("/api/listings/")

    assert response.status_code == 200
    assert response.json()["results"][0]["title"] == "Session 501"


@pytest.mark.parametrize(
    ("factory", "url"),
    [
        pytest.param(ListingFactory, "/api/listings/{}/", id="listing"),
        pytest.param(SyncRunFactory, "/api/sync-runs/{}/", id="sync-run"),
        pytest.param(SaleFactory, "/api/sales/{}/", id="sale"),
    ],
)
def test_other_sellers_object_is_not_found(api_client, other_seller, factory, url):
    theirs = factory(seller=other_seller)

    response = api_client.get(url.format(theirs.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "patch"])
def test_other_sellers_listing_cannot_be_changed(api_client, other_seller, method):
    theirs = ListingFactory(seller=other_seller, title="Theirs")

    response = getattr(api_client, method)(
        f"/api/listings/{theirs.pk}/",
        {
            "title": "Mine",
            "description": "d",
            "category": "16",
            "price": "1.00",
            "quantity": 1,
        },
        format="json",
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    assert theirs.sync_state == Listing.SyncState.SYNCED


@pytest.mark.parametrize("url", LIST_URLS)
def test_lists_hold_only_own_rows(api_client, seller, other_seller, url):
    for factory in (ListingFactory, SyncRunFactory, SaleFactory):
        factory(seller=seller)
        factory(seller=other_seller)

    response = api_client.get(url)

    assert response.json()["count"] == (2 if url == "/api/listings/" else 1)


def test_listing_cannot_be_deleted(api_client, seller):
    listing = ListingFactory(seller=seller)

    response = api_client.delete(f"/api/listings/{listing.pk}/")

    assert response.status_code == 405
    assert Listing.objects.filter(pk=listing.pk).exists()
