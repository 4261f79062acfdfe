"""Whatnot bulk exports against the sandbox over real HTTP: start, follow,
ingest, and the failure paths the sandbox can inject."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from research.ingest.importers.whatnot_export import LISTING_EXPORT_QUERY
from research.models import ImportRun, MarketListing
from tests.fixtures.processes import running_worker, wait_until
from tests.fixtures.sandbox import running_sandbox
from whatnot.client import WhatnotClient
from whatnot.models import BulkOperationRun
from whatnot.services.bulk import follow_export, start_listing_export
from whatnot.tasks.bulk import (
    follow_bulk_operation_task,
    start_bulk_export_task,
    start_nightly_bulk_exports_task,
)

pytestmark = pytest.mark.django_db

RUN_QUERY = """
mutation ($input: BulkOperationRunQueryInput!) {
  bulkOperationRunQuery(input: $input) { bulkOperation { id status } }
}
"""
STATUS_QUERY = "query ($id: ID!) { bulkOperation(id: $id) { status } }"


def start(connection) -> BulkOperationRun:
    with WhatnotClient(connection.pk) as client:
        return start_listing_export(connection.user, client)


def follow_until_done(connection, run, timeout=60.0):
    """Check the export every 0.2 s until it is no longer waiting."""
    deadline = time.monotonic() + timeout
    with WhatnotClient(connection.pk) as client:
        while time.monotonic() < deadline:
            outcome = follow_export(run, client)
            if not outcome.waiting:
                run.refresh_from_db()
                return outcome
            time.sleep(0.2)
    raise AssertionError(f"bulk operation {run.whatnot_id} still running")


def store_listings(server, connection) -> list[dict]:
    return server.store(connection.whatnot_username)["listings"]


def test_completed_export_ingests_store(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)

    run = start(connection)
    follow_until_done(connection, run)

    listings = store_listings(shared_sandbox, connection)
    rows = MarketListing.objects.filter(seller=connection.user, platform="whatnot")
    assert run.status == BulkOperationRun.Status.SUCCEEDED
    assert run.remote_status == "COMPLETED"
    assert run.adopted is False
    assert run.bytes_downloaded == run.expected_bytes > 0
    assert run.import_run.created_count == len(listings)
    assert run.import_run.seller == connection.user
    assert rows.count() == len(listings)
    first = listings[0]
    row = rows.get(external_id=first["id"])
    assert row.price == Decimal(first["price"]["amount"])
    assert row.dataset is None


def test_running_operation_followed_instead(connect_seller, tmp_path):
    with running_sandbox(
        sellers=1, data_dir=tmp_path, extra_args=["--bulk-min-seconds", "2"]
    ) as server:
        connection = connect_seller(server)
        started = server.graphql(
            RUN_QUERY,
            {"input": {"query": LISTING_EXPORT_QUERY}},
            seller=connection.whatnot_username,
        ).json()["data"]["bulkOperationRunQuery"]["bulkOperation"]

        run = start(connection)
        follow_until_done(connection, run)
        listings = store_listings(server, connection)

    assert run.whatnot_id == started["id"]
    assert run.adopted is True
    assert run.status == BulkOperationRun.Status.SUCCEEDED
    assert run.import_run.created_count == len(listings)


def test_completed_with_failures_marks_partial(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(bulk_status="COMPLETED_WITH_FAILURES")

    run = start(connection)
    follow_until_done(connection, run)

    listings = store_listings(shared_sandbox, connection)
    stored = MarketListing.objects.filter(seller=connection.user).count()
    assert run.status == BulkOperationRun.Status.PARTIAL
    assert run.partial_reason.startswith("Whatnot completed the export with failures")
    assert 0 < stored < len(listings)
    assert run.import_run.created_count == stored


@pytest.mark.parametrize("status", ["FAILED", "CANCELLED"])
def test_failed_export_ingests_nothing(shared_sandbox, connect_seller, status):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(bulk_status=status)

    run = start(connection)
    follow_until_done(connection, run)

    assert run.status == BulkOperationRun.Status.FAILED
    assert run.error == f"Whatnot reported the export {status}; nothing was ingested."
    assert run.import_run is None
    assert MarketListing.objects.filter(seller=connection.user).count() == 0
    assert ImportRun.objects.count() == 0


def test_truncated_result_marks_partial(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(bulk_truncated_rate=1.0)

    run = start(connection)
    follow_until_done(connection, run)

    listings = store_listings(shared_sandbox, connection)
    import_run = run.import_run
    assert run.status == BulkOperationRun.Status.PARTIAL
    assert run.partial_reason == (
        f"1 lines of the file were rejected; see import run #{import_run.pk}."
    )
    assert import_run.rejected_count == 1
    assert import_run.rejected_lines[0]["reason"].startswith("truncated line")
    assert import_run.created_count == len(listings) - 1


def test_malformed_lines_rejected_not_fatal(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(bulk_malformed_rate=0.2)

    run = start(connection)
    follow_until_done(connection, run)

    import_run = run.import_run
    listings = store_listings(shared_sandbox, connection)
    # A broken product or variant line also rejects the listings below it, so
    # every listing is stored or rejected, and some lines twice over.
    accounted = import_run.created_count + import_run.rejected_count
    assert run.status == BulkOperationRun.Status.PARTIAL
    assert import_run.rejected_count > 0
    assert import_run.created_count < len(listings)
    assert accounted >= len(listings)
    assert all(item["reason"] for item in import_run.rejected_lines)


def test_expired_link_starts_new_export(connect_seller, tmp_path):
    with running_sandbox(
        sellers=1, data_dir=tmp_path, extra_args=["--bulk-result-ttl", "3"]
    ) as server:
        connection = connect_seller(server)
        run = start(connection)

        wait_until(
            lambda: (
                server.graphql(
                    STATUS_QUERY,
                    {"id": run.whatnot_id},
                    seller=connection.whatnot_username,
                ).json()["data"]["bulkOperation"]["status"]
                == "COMPLETED"
            ),
            timeout=30,
        )
        time.sleep(4)
        outcome = follow_until_done(connection, run)
        replacement = outcome.restarted_as
        follow_until_done(connection, replacement)
        listings = store_listings(server, connection)

    assert run.status == BulkOperationRun.Status.RESTARTED
    assert run.error == (
        "the result link answered HTTP 404; the export was started again as "
        f"{replacement.whatnot_id}."
    )
    assert replacement.restarted_from == run
    assert replacement.status == BulkOperationRun.Status.SUCCEEDED
    assert replacement.import_run.created_count == len(listings)


def test_opted_out_seller_ingests_nothing(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    run = start(connection)
    connection.user.include_in_market_research = False
    connection.user.save()

    follow_until_done(connection, run)

    assert run.status == BulkOperationRun.Status.SKIPPED
    assert run.partial_reason == (
        "The seller turned off market research; nothing was ingested."
    )
    assert MarketListing.objects.filter(seller=connection.user).count() == 0


def test_finished_run_left_alone(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    run = start(connection)
    follow_until_done(connection, run)
    shared_sandbox.clear_requests_log()

    outcome = follow_until_done(connection, run)

    assert (outcome.waiting, outcome.busy, outcome.restarted_as) == (False, False, None)
    assert shared_sandbox.requests_log() == []
    assert ImportRun.objects.filter(seller=connection.user).count() == 1


@pytest.mark.slow
def test_tasks_poll_and_late_webhook(transactional_db, connect_seller, tmp_path):
    with running_sandbox(sellers=2, data_dir=tmp_path) as server:
        connection = connect_seller(server, server.sellers[0])
        opted_out = connect_seller(server, server.sellers[1])
        opted_out.user.include_in_market_research = False
        opted_out.user.save()
        worker_env = {
            "WHATNOT_BASE_URL": server.base_url,
            "WHATNOT_BULK_POLL_SECONDS": "0.5",
        }
        with running_worker(queues="exports", concurrency=2, **worker_env) as worker:
            start_nightly_bulk_exports_task.delay()
            run = wait_until(
                lambda: BulkOperationRun.objects.filter(
                    seller=connection.user, status="succeeded"
                ).first(),
                timeout=120,
                message=f"the export did not finish:\n{worker.log_text()}",
            )
            # The webhook arrives after the poll already ingested the result.
            follow_bulk_operation_task.delay(connection.user.pk, run.whatnot_id)
            start_bulk_export_task.delay(opted_out.user.pk)
            time.sleep(3)
        listings = store_listings(server, connection)

    assert ImportRun.objects.filter(seller=connection.user).count() == 1
    assert MarketListing.objects.filter(seller=connection.user).count() == len(listings)
    assert not BulkOperationRun.objects.filter(seller=opted_out.user).exists()


def test_export_query_validates_against_schema():
    from graphql import parse, validate

    from whatnot.client.documents import load_schema

    errors = validate(load_schema(), parse(LISTING_EXPORT_QUERY))

    assert [error.message for error in errors] == []
