"""Admin actions queue tasks on commit and report what they queued. The
request itself never calls Whatnot."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.pages.factories import ListingFactory, SyncRunFactory
from whatnot.models import Listing, ListingEvent, SyncRun
from whatnot.tasks import push as push_tasks
from whatnot.tasks import sync as sync_tasks


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def enqueued_pushes():
    with mock.patch.object(push_tasks.push_listing_task, "apply_async") as apply:
        yield apply


@pytest.fixture
def enqueued_syncs():
    with mock.patch.object(sync_tasks.sync_seller_task, "apply_async") as apply:
        yield apply


def run_action(client, model: str, action: str, pks, capture) -> list[str]:
    with capture(execute=True):
        response = client.post(
            reverse(f"admin:whatnot_{model}_changelist"),
            {"action": action, "_selected_action": [str(pk) for pk in pks]},
        )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def queued_ids(apply_async) -> list[int]:
    return sorted(call.args[0][0] for call in apply_async.call_args_list)


def test_retry_failed_pushes_queues_only_failed(
    staff_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    failed = ListingFactory.create_batch(
        2, seller=seller, sync_state=Listing.SyncState.FAILED, sync_error="timeout"
    )
    synced = ListingFactory(seller=seller)

    messages = run_action(
        staff_client,
        "listing",
        "retry_pushes",
        [listing.pk for listing in [*failed, synced]],
        django_capture_on_commit_callbacks,
    )

    assert queued_ids(enqueued_pushes) == sorted(listing.pk for listing in failed)
    assert messages == [
        "Queued 2 pushes. Skipped 1 selected listing whose last push had not failed."
    ]
    for listing in failed:
        listing.refresh_from_db()
        assert listing.sync_state == Listing.SyncState.PENDING
        assert listing.sync_error == ""
    synced.refresh_from_db()
    assert synced.sync_state == Listing.SyncState.SYNCED
    assert (
        ListingEvent.objects.filter(
            kind=ListingEvent.Kind.EDITED, message="Push retried from the admin."
        ).count()
        == 2
    )


def test_retry_with_nothing_failed_queues_nothing(
    staff_client, seller, enqueued_pushes, django_capture_on_commit_callbacks
):
    synced = ListingFactory(seller=seller)

    messages = run_action(
        staff_client,
        "listing",
        "retry_pushes",
        [synced.pk],
        django_capture_on_commit_callbacks,
    )

    assert enqueued_pushes.call_count == 0
    assert messages == [
        "Queued 0 pushes. Skipped 1 selected listing whose last push had not failed."
    ]


def test_resync_queues_one_full_sync_per_seller(
    staff_client,
    seller,
    other_seller,
    enqueued_syncs,
    django_capture_on_commit_callbacks,
):
    listings = [
        ListingFactory(seller=seller),
        ListingFactory(seller=seller),
        ListingFactory(seller=other_seller),
    ]

    messages = run_action(
        staff_client,
        "listing",
        "resync_sellers",
        [listing.pk for listing in listings],
        django_capture_on_commit_callbacks,
    )

    runs = SyncRun.objects.filter(kind=SyncRun.Kind.FULL).order_by("seller__username")
    assert [run.seller for run in runs] == [other_seller, seller]
    assert queued_ids(enqueued_syncs) == sorted(run.pk for run in runs)
    assert messages == [
        "Queued a full sync for 2 sellers: other-seller, seller. A seller with a "
        "sync already queued or running keeps that one."
    ]


def test_resync_reuses_a_queued_run(
    staff_client, seller, enqueued_syncs, django_capture_on_commit_callbacks
):
    queued = SyncRunFactory(
        seller=seller, kind=SyncRun.Kind.FULL, status=SyncRun.Status.QUEUED
    )

    run_action(
        staff_client,
        "syncrun",
        "resync_sellers",
        [queued.pk],
        django_capture_on_commit_callbacks,
    )

    assert list(SyncRun.objects.all()) == [queued]
