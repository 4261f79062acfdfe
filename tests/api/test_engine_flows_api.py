"""API writes save the listing pending and queue a push; POST /sync-runs/
queues a sync. Tasks are enqueued on commit, never run in the request."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest

from tests.pages.factories import ListingFactory, WhatnotConnectionFactory
from whatnot.models import Listing, SyncRun
from whatnot.tasks import push as push_tasks
from whatnot.tasks import sync as sync_tasks

VALID = {
    "title": "Levi's 501 Big E 1966 32x30",
    "description": "Single stitch, red line selvedge.",
    "brand": "Levi's",
    "category": "16",
    "price": "245.00",
    "quantity": 1,
    "published": True,
}


@pytest.fixture
def enqueued_pushes():
    with mock.patch.object(push_tasks.push_listing_task, "apply_async") as apply:
        yield apply


@pytest.fixture
def enqueued_syncs():
    with mock.patch.object(sync_tasks.sync_seller_task, "apply_async") as apply:
        yield apply


def enqueued_ids(apply_async) -> list[int]:
    return [call.args[0][0] for call in apply_async.call_args_list]


def test_create_returns_pending_listing_and_queues_push(
    api_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/listings/", VALID, format="json")

    body = response.json()
    listing = Listing.objects.get()
    assert response.status_code == 201
    assert body["id"] == listing.pk
    assert body["sync_state"] == "pending"
    assert body["price"] == "245.00"
    assert body["whatnot_id"] is None
    assert listing.seller == seller
    assert enqueued_ids(enqueued_pushes) == [listing.pk]


def test_patch_price_queues_push(
    api_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    listing = ListingFactory(seller=seller, price=Decimal("80.00"))

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            f"/api/listings/{listing.pk}/", {"price": "99.99"}, format="json"
        )

    assert response.status_code == 200
    assert response.json()["sync_state"] == "pending"
    listing.refresh_from_db()
    assert listing.price == Decimal("99.99")
    assert enqueued_ids(enqueued_pushes) == [listing.pk]
    assert listing.events.get(kind="edited").message == "Changed price."


def test_patch_of_conflicted_listing_is_409(
    api_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    listing = ListingFactory(
        seller=seller, price=Decimal("80.00"), sync_state=Listing.SyncState.CONFLICT
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            f"/api/listings/{listing.pk}/", {"price": "99.99"}, format="json"
        )

    assert response.status_code == 409
    assert "changed on Whatnot" in response.json()["detail"]
    listing.refresh_from_db()
    assert listing.price == Decimal("80.00")
    assert enqueued_pushes.call_count == 0


def test_start_sync_returns_202_with_the_run(
    api_client, seller, enqueued_syncs, django_capture_on_commit_callbacks
):
    WhatnotConnectionFactory(user=seller)

    with django_capture_on_commit_callbacks(execute=True):
        first = api_client.post("/api/sync-runs/", {"kind": "full"}, format="json")
        second = api_client.post("/api/sync-runs/", {"kind": "full"}, format="json")

    run = SyncRun.objects.get()
    assert first.status_code == 202
    assert first.json()["id"] == run.pk
    assert first.json()["status"] == "queued"
    assert second.json()["id"] == run.pk
    assert run.pk in enqueued_ids(enqueued_syncs)
