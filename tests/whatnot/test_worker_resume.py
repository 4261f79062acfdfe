"""A sync run survives its worker being killed: real Celery worker processes,
the sandbox over real HTTP."""

from __future__ import annotations

import math
import time

import pytest
from django.utils import timezone

from tests.fixtures.processes import running_worker, wait_until
from tests.fixtures.sandbox import running_sandbox
from whatnot.models import Listing, SyncRun
from whatnot.services.sync import queue_sync
from whatnot.tasks.sync import sync_all_sellers_task

LISTINGS = 1500
PAGE_SIZE = 100


def run_state(run_id: int) -> SyncRun:
    return SyncRun.objects.get(pk=run_id)


@pytest.mark.slow
def test_killed_worker_resumes_from_cursor(transactional_db, connect_seller, tmp_path):
    with running_sandbox(
        sellers=1, listings_per_seller=LISTINGS, data_dir=tmp_path
    ) as server:
        connection = connect_seller(server)
        worker_env = {
            "WHATNOT_BASE_URL": server.base_url,
            "WHATNOT_PAGE_SIZE": str(PAGE_SIZE),
            "WHATNOT_SYNC_LEASE_SECONDS": "3",
        }
        # Slow responses keep the run busy long enough to kill it mid-way.
        server.set_faults(slow_rate=1.0, slow_seconds=0.4)
        with running_worker(
            queues="sync", concurrency=1, name="doomed", **worker_env
        ) as worker:
            run = queue_sync(connection.user, kind="full")
            wait_until(
                lambda: run_state(run.pk).pages >= 3,
                timeout=120,
                message=f"the first worker stored no pages:\n{worker.log_text()}",
            )
            worker.kill()
        killed = run_state(run.pk)
        server.reset_faults()
        # The sandbox logs the dead worker's request in flight once its slow
        # response is written, so wait for that before clearing the log.
        time.sleep(1.0)
        server.clear_requests_log()

        with running_worker(
            queues="sync", concurrency=1, name="heir", **worker_env
        ) as worker:
            wait_until(
                lambda: run_state(run.pk).lease_until < timezone.now(), timeout=10
            )
            # Beat's periodic task finds the abandoned run and enqueues it again.
            sync_all_sellers_task.delay()
            wait_until(
                lambda: run_state(run.pk).status != SyncRun.Status.RUNNING,
                timeout=180,
                message=f"the run did not finish:\n{worker.log_text()}",
            )
        log = server.requests_log()
        store = server.store(connection.whatnot_username)

    final = run_state(run.pk)
    listing_pages = math.ceil(LISTINGS / PAGE_SIZE)
    order_pages = max(1, math.ceil(len(store["orders"]) / PAGE_SIZE))
    pages_after_kill = [
        entry
        for entry in log
        if entry.get("operation") == "ListingsPage" and entry["status"] == 200
    ]
    stored = list(
        Listing.objects.filter(seller=connection.user).values_list(
            "whatnot_id", flat=True
        )
    )
    assert killed.status == SyncRun.Status.RUNNING
    assert killed.phase == SyncRun.Phase.LISTINGS
    assert killed.cursor
    assert final.status == SyncRun.Status.SUCCEEDED, final.error
    assert sorted(stored) == sorted(listing["id"] for listing in store["listings"])
    assert len(stored) == LISTINGS
    assert final.created_count == LISTINGS
    assert final.pages == listing_pages + order_pages
    assert len(pages_after_kill) == listing_pages - killed.pages
