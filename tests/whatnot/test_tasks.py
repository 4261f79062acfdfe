"""Task entry points run in this process (the worker tests start real
workers)."""

from __future__ import annotations

import pytest

from accounts.models import WhatnotConnection
from tests.factories import WhatnotConnectionFactory
from whatnot.models import Listing, SyncRun
from whatnot.tasks.push import push_listing_task
from whatnot.tasks.sync import (
    reconcile_all_sellers_task,
    sync_all_sellers_task,
    sync_seller_task,
)

from .factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_sync_task_skips_stale_connection(caplog):
    connection = WhatnotConnectionFactory(status="needs_reconnect")
    run = SyncRun.objects.create(seller=connection.user, kind="full")

    sync_seller_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert "needs_reconnect" in run.error
    assert run.lease_until is None
    assert f"Skipping sync run {run.pk}" in caplog.text


def test_sync_task_leaves_finished_run_alone():
    connection = WhatnotConnectionFactory()
    run = SyncRun.objects.create(
        seller=connection.user, kind="full", status=SyncRun.Status.SUCCEEDED
    )

    sync_seller_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.started_at is None


def test_beat_queues_connected_sellers_only(caplog, django_capture_on_commit_callbacks):
    connected = WhatnotConnectionFactory()
    stale = WhatnotConnectionFactory(status=WhatnotConnection.Status.NEEDS_RECONNECT)

    with django_capture_on_commit_callbacks() as callbacks:
        sync_all_sellers_task.apply()

    runs = SyncRun.objects.all()
    assert [(run.seller_id, run.kind) for run in runs] == [
        (connected.user_id, SyncRun.Kind.INCREMENTAL)
    ]
    assert len(callbacks) == 1
    assert f"Skipping incremental sync of seller {stale.user_id}" in caplog.text


def test_nightly_reconcile_queues_reconcile_runs(django_capture_on_commit_callbacks):
    connection = WhatnotConnectionFactory()

    with django_capture_on_commit_callbacks():
        reconcile_all_sellers_task.apply()

    run = SyncRun.objects.get(seller=connection.user)
    assert run.kind == SyncRun.Kind.RECONCILE


def test_push_task_fails_without_connection():
    connection = WhatnotConnectionFactory(status="needs_reconnect")
    listing = ListingFactory(seller=connection.user, sync_state="pending")

    push_listing_task.apply(args=[listing.pk])

    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.FAILED
    assert "connect Whatnot again" in listing.sync_error


def test_push_task_ignores_missing_listing():
    result = push_listing_task.apply(args=[987654])

    assert result.successful()
