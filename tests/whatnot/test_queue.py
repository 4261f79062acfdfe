from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from whatnot.models import Listing, SyncRun
from whatnot.services.push import NotInConflict, queue_push, resolve_conflict
from whatnot.services.sync import claim_run, queue_sync

from .factories import ListingFactory
from .nodes import remote_listing

pytestmark = pytest.mark.django_db


def test_queue_sync_enqueues_on_commit(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        run = queue_sync(seller, kind="incremental")

    assert run.status == SyncRun.Status.QUEUED
    assert run.kind == SyncRun.Kind.INCREMENTAL
    assert len(callbacks) == 1


def test_queue_sync_returns_the_active_run(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue_sync(seller, kind="full")
        second = queue_sync(seller, kind="incremental")

    assert second.pk == first.pk
    assert second.kind == SyncRun.Kind.FULL
    assert SyncRun.objects.filter(seller=seller).count() == 1
    assert len(callbacks) == 1


def test_queue_sync_requeues_abandoned_run(seller, django_capture_on_commit_callbacks):
    run = SyncRun.objects.create(
        seller=seller,
        kind="full",
        status=SyncRun.Status.RUNNING,
        lease_until=timezone.now() - timedelta(seconds=1),
        cursor="Y3Vyc29yOjEwMA==",
    )

    with django_capture_on_commit_callbacks() as callbacks:
        again = queue_sync(seller)

    assert again.pk == run.pk
    assert len(callbacks) == 1


def test_queue_sync_rejects_unknown_kind(seller):
    with pytest.raises(ValueError, match="unknown sync kind 'nightly'"):
        queue_sync(seller, kind="nightly")

    assert not SyncRun.objects.exists()


def test_one_active_run_per_seller(seller):
    SyncRun.objects.create(seller=seller, kind="full")

    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(seller=seller, kind="incremental")

    SyncRun.objects.create(seller=seller, kind="full", status=SyncRun.Status.FAILED)


def test_claim_takes_the_lease_once(seller):
    run = SyncRun.objects.create(seller=seller, kind="full")

    claimed = claim_run(run.pk)
    again = claim_run(run.pk)

    assert claimed.status == SyncRun.Status.RUNNING
    assert claimed.lease_until > timezone.now()
    assert claimed.started_at is not None
    assert again is None


def test_claim_resumes_lapsed_run(seller):
    started = timezone.now() - timedelta(minutes=10)
    run = SyncRun.objects.create(
        seller=seller,
        kind="full",
        status=SyncRun.Status.RUNNING,
        started_at=started,
        lease_until=timezone.now() - timedelta(seconds=1),
        cursor="Y3Vyc29yOjEwMA==",
    )

    claimed = claim_run(run.pk)

    assert claimed.started_at == started
    assert claimed.cursor == "Y3Vyc29yOjEwMA=="


def test_incremental_without_earlier_success_runs_full(seller):
    run = SyncRun.objects.create(seller=seller, kind="incremental")

    claimed = claim_run(run.pk)

    assert claimed.kind == SyncRun.Kind.FULL
    assert claimed.since is None


def test_incremental_since_last_success(seller, settings):
    settings.WHATNOT_SYNC_OVERLAP_SECONDS = 60
    started = timezone.now() - timedelta(hours=2)
    SyncRun.objects.create(
        seller=seller, kind="full", status=SyncRun.Status.SUCCEEDED, started_at=started
    )
    run = SyncRun.objects.create(seller=seller, kind="incremental")

    claimed = claim_run(run.pk)

    assert claimed.kind == SyncRun.Kind.INCREMENTAL
    assert claimed.since == started - timedelta(seconds=60)


def test_queue_push_marks_pending_and_enqueues(
    seller, django_capture_on_commit_callbacks
):
    listing = ListingFactory(seller=seller)

    with django_capture_on_commit_callbacks() as callbacks:
        queue_push(listing)

    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.PENDING
    assert listing.local_revision == 1
    assert len(callbacks) == 1


def test_queue_push_waits_while_in_conflict(seller, django_capture_on_commit_callbacks):
    listing = ListingFactory(
        seller=seller, sync_state=Listing.SyncState.CONFLICT, remote_snapshot={}
    )

    with django_capture_on_commit_callbacks() as callbacks:
        queue_push(listing)

    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert listing.local_revision == 1
    assert callbacks == []


def conflicted_listing(seller) -> Listing:
    remote = remote_listing("L1", price_cents=9500, updated_at="2026-03-09T00:00:00Z")
    return ListingFactory(
        seller=seller,
        whatnot_id="L1",
        price=Decimal("70.00"),
        remote_updated_at=timezone.now() - timedelta(days=30),
        sync_state=Listing.SyncState.CONFLICT,
        remote_snapshot=remote.snapshot(),
    )


def test_keep_remote_takes_whatnots_values(seller, django_capture_on_commit_callbacks):
    listing = conflicted_listing(seller)

    with django_capture_on_commit_callbacks() as callbacks:
        resolve_conflict(listing, keep="remote")

    assert listing.sync_state == Listing.SyncState.SYNCED
    assert listing.price == Decimal("95.00")
    assert listing.remote_snapshot is None
    assert listing.remote_updated_at.isoformat() == "2026-03-09T00:00:00+00:00"
    assert callbacks == []


def test_keep_local_queues_push(seller, django_capture_on_commit_callbacks):
    listing = conflicted_listing(seller)

    with django_capture_on_commit_callbacks() as callbacks:
        resolve_conflict(listing, keep="local")

    assert listing.sync_state == Listing.SyncState.PENDING
    assert listing.price == Decimal("70.00")
    assert listing.remote_updated_at.isoformat() == "2026-03-09T00:00:00+00:00"
    assert listing.remote_snapshot is None
    assert len(callbacks) == 1


def test_resolve_needs_a_conflict(seller):
    listing = ListingFactory(seller=seller)

    with pytest.raises(NotInConflict, match=f"listing {listing.pk} has no conflict"):
        resolve_conflict(listing, keep="local")


def test_resolve_rejects_unknown_choice(seller):
    listing = conflicted_listing(seller)

    with pytest.raises(ValueError, match="keep must be 'local' or 'remote'"):
        resolve_conflict(listing, keep="both")

    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.CONFLICT
