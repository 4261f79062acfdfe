"""Seller pages hand edits, syncs and conflict choices to the sync engine:
rows are saved first and tasks are enqueued on commit, never run in the
request."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.pages.factories import ListingFactory, SyncRunFactory
from whatnot.models import Listing, ListingEvent, SyncRun
from whatnot.tasks import push as push_tasks
from whatnot.tasks import sync as sync_tasks

VALID = {
    "title": "Levi's 501 Big E 1966 32x30",
    "description": "Single stitch, red line selvedge.",
    "brand": "Levi's",
    "taxonomy_node_id": "16",
    "price": "245.00",
    "quantity": "1",
    "published": "on",
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


def test_create_saves_pending_and_queues_push(
    seller_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(reverse("whatnot:listing_create"), VALID)

    listing = Listing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("whatnot:listing_detail", args=[listing.pk])
    assert listing.seller == seller
    assert listing.price == Decimal("245.00")
    assert listing.sync_state == Listing.SyncState.PENDING
    assert listing.whatnot_id is None
    assert enqueued_ids(enqueued_pushes) == [listing.pk]
    assert list(listing.events.order_by("id").values_list("kind", "message")) == [
        ("state_changed", ""),
        ("edited", "Created in selvedge."),
    ]


def test_edit_saves_pending_and_queues_push(
    seller_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    listing = ListingFactory(seller=seller, price=Decimal("80.00"))

    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(
            reverse("whatnot:listing_update", args=[listing.pk]),
            {
                **VALID,
                "title": listing.title,
                "description": listing.description,
                "price": "95.00",
            },
        )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.price == Decimal("95.00")
    assert listing.sync_state == Listing.SyncState.PENDING
    assert enqueued_ids(enqueued_pushes) == [listing.pk]
    edit = listing.events.get(kind=ListingEvent.Kind.EDITED)
    assert edit.message == "Changed price."


def test_failed_form_queues_nothing(
    seller_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    listing = ListingFactory(seller=seller)

    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(
            reverse("whatnot:listing_update", args=[listing.pk]),
            {**VALID, "price": "-1"},
        )

    assert enqueued_pushes.call_count == 0


def test_sync_now_queues_full_sync_first(
    seller_client, connected_seller, enqueued_syncs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(
            reverse("whatnot:sync_now"), {"kind": "incremental"}, follow=True
        )

    run = SyncRun.objects.get()
    assert run.kind == SyncRun.Kind.FULL
    assert run.status == SyncRun.Status.QUEUED
    assert enqueued_ids(enqueued_syncs) == [run.pk]
    assert "Full sync queued." in response.content.decode()


def test_sync_now_after_a_sync_is_incremental(
    seller_client, connected_seller, enqueued_syncs, django_capture_on_commit_callbacks
):
    SyncRunFactory(
        seller=connected_seller,
        status=SyncRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(reverse("whatnot:sync_now"), {"kind": "incremental"})

    run = SyncRun.objects.get(status=SyncRun.Status.QUEUED)
    assert run.kind == SyncRun.Kind.INCREMENTAL
    assert enqueued_ids(enqueued_syncs) == [run.pk]


def test_sync_now_twice_keeps_one_run(
    seller_client, connected_seller, enqueued_syncs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(reverse("whatnot:sync_now"), {"kind": "full"})
        seller_client.post(reverse("whatnot:sync_now"), {"kind": "full"})

    assert SyncRun.objects.count() == 1


def test_htmx_sync_now_returns_polling_progress(
    seller_client, connected_seller, enqueued_syncs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(
            reverse("whatnot:sync_now"), {"kind": "full"}, HTTP_HX_REQUEST="true"
        )

    page = response.content.decode()
    run = SyncRun.objects.get()
    assert response.status_code == 200
    assert 'data-run-status="queued"' in page
    assert reverse("whatnot:sync_progress", args=[run.pk]) in page
    assert 'hx-trigger="every 1s"' in page


def conflicted_listing(seller) -> Listing:
    return ListingFactory(
        seller=seller,
        title="Mine",
        price=Decimal("100.00"),
        sync_state=Listing.SyncState.CONFLICT,
        remote_snapshot={
            "title": "Theirs",
            "description": "Changed on Whatnot.",
            "price": "85.00",
            "currency": "USD",
            "quantity": 1,
            "published": True,
            "offerable": False,
            "status": "ACTIVE",
            "url": "",
            "updated_at": timezone.now().isoformat(),
        },
    )


def test_take_whatnots_version(
    seller_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    listing = conflicted_listing(seller)

    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(
            reverse("whatnot:listing_conflict", args=[listing.pk]),
            {"keep": "remote"},
            follow=True,
        )

    listing.refresh_from_db()
    assert listing.title == "Theirs"
    assert listing.price == Decimal("85.00")
    assert listing.sync_state == Listing.SyncState.SYNCED
    assert enqueued_pushes.call_count == 0
    assert "Took the version on Whatnot." in response.content.decode()
    assert listing.events.filter(kind=ListingEvent.Kind.CONFLICT_RESOLVED).exists()


def test_keep_mine_queues_push(
    seller_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    listing = conflicted_listing(seller)

    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(
            reverse("whatnot:listing_conflict", args=[listing.pk]), {"keep": "local"}
        )

    listing.refresh_from_db()
    assert listing.title == "Mine"
    assert listing.price == Decimal("100.00")
    assert listing.sync_state == Listing.SyncState.PENDING
    assert enqueued_ids(enqueued_pushes) == [listing.pk]


def test_conflict_without_snapshot_shows_error(seller_client, seller, enqueued_pushes):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.CONFLICT)

    response = seller_client.post(
        reverse("whatnot:listing_conflict", args=[listing.pk]),
        {"keep": "local"},
        follow=True,
    )

    assert response.status_code == 200
    assert "The conflict cannot be resolved" in response.content.decode()
    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert enqueued_pushes.call_count == 0
