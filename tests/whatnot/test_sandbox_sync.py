"""Sync runs against the sandbox over real HTTP."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from config.celery import app as celery_app
from research.models import MarketListing
from tests.fixtures.sandbox import running_sandbox
from whatnot.client import WhatnotClient
from whatnot.models import Listing, Order, SyncRun
from whatnot.services.sync import claim_run, run_sync

pytestmark = pytest.mark.django_db

DELETE_LISTING = """
mutation Delete($id: ID!) {
  listingDelete(input: {id: $id}) { deletedListingId userErrors { message } }
}
"""


def sync(connection, kind: str = "full") -> SyncRun:
    run = SyncRun.objects.create(seller=connection.user, kind=kind)
    run = claim_run(run.pk)
    with WhatnotClient(connection.pk) as client:
        finished = run_sync(run, client)
    assert finished
    run.refresh_from_db()
    return run


def remote_listing_ids(server, username: str) -> list[str]:
    return [listing["id"] for listing in server.store(username)["listings"]]


@pytest.mark.slow
def test_full_sync_survives_faults(connect_seller, tmp_path, settings):
    with running_sandbox(
        sellers=1, listings_per_seller=2000, data_dir=tmp_path
    ) as server:
        connection = connect_seller(server)
        server.set_faults(http_429_rate=0.10, http_500_rate=0.05)

        run = sync(connection)

        faults = Counter(entry.get("fault") for entry in server.requests_log())
        expected = remote_listing_ids(server, connection.whatnot_username)
    stored = list(
        Listing.objects.filter(seller=connection.user).values_list(
            "whatnot_id", flat=True
        )
    )
    assert len(expected) == 2000
    assert sorted(stored) == sorted(expected)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created_count == 2000
    assert (run.updated_count, run.failed_count) == (0, 0)
    assert faults[429] > 0
    assert faults[500] > 0
    assert run.requests > run.pages


def test_full_sync_mirrors_listings_and_orders(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    store = shared_sandbox.store(connection.whatnot_username)

    run = sync(connection)

    assert run.created_count == len(store["listings"])
    assert run.orders_count == len(store["orders"])
    assert Order.objects.filter(seller=connection.user).count() == len(store["orders"])
    remote = store["listings"][0]
    local = Listing.objects.get(whatnot_id=remote["id"])
    assert local.price == Decimal(remote["price"]["amount"])
    assert local.quantity == remote["quantity"]
    assert local.title == remote["title"]
    assert local.variant.product.whatnot_id == remote["product_id"]


def test_second_full_sync_counts_unchanged(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    first = sync(connection)

    second = sync(connection)

    assert second.created_count == 0
    assert second.updated_count == 0
    assert second.unchanged_count == first.created_count


def test_incremental_sync_fetches_only_changes(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    sync(connection)
    changed = remote_listing_ids(shared_sandbox, connection.whatnot_username)[:3]
    for listing_id in changed:
        shared_sandbox.edit_listing(listing_id, price="111.00")

    run = sync(connection, kind="incremental")

    assert run.kind == SyncRun.Kind.INCREMENTAL
    assert run.since is not None
    assert run.updated_count == 3
    assert run.created_count == 0
    for listing_id in changed:
        assert Listing.objects.get(whatnot_id=listing_id).price == Decimal("111.00")


def test_reconcile_repairs_missed_changes(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    username = connection.whatnot_username
    sync(connection)
    edited, deleted, lost = remote_listing_ids(shared_sandbox, username)[:3]
    shared_sandbox.edit_listing(edited, title="Lee 101 Rider, sanforized")
    response = shared_sandbox.graphql(DELETE_LISTING, {"id": deleted}, seller=username)
    assert response.json()["data"]["listingDelete"]["userErrors"] == []
    Listing.objects.filter(whatnot_id=lost).delete()

    run = sync(connection, kind="reconcile")

    assert (run.created_count, run.updated_count, run.removed_count) == (1, 1, 1)
    assert run.repaired_count == 3
    assert Listing.objects.get(whatnot_id=edited).title == "Lee 101 Rider, sanforized"
    assert Listing.objects.get(whatnot_id=deleted).remote_deleted_at is not None
    assert Listing.objects.filter(whatnot_id=lost).count() == 1


def test_sync_keeps_unpushed_edit(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    sync(connection)
    listing = Listing.objects.filter(seller=connection.user).first()
    Listing.objects.filter(pk=listing.pk).update(
        price=Decimal("42.00"), sync_state=Listing.SyncState.PENDING
    )
    shared_sandbox.edit_listing(listing.whatnot_id, price="77.00")

    run = sync(connection, kind="incremental")

    listing.refresh_from_db()
    assert run.conflict_count == 1
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert listing.price == Decimal("42.00")
    assert listing.remote_snapshot["price"] == "77.00"


def test_sync_mirrors_listings_into_research(
    shared_sandbox, connect_seller, django_capture_on_commit_callbacks
):
    connection = connect_seller(shared_sandbox)
    store = shared_sandbox.store(connection.whatnot_username)
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sync(connection)
    finally:
        celery_app.conf.task_always_eager = False

    mirrored = set(
        MarketListing.objects.filter(platform="whatnot").values_list(
            "external_id", flat=True
        )
    )
    assert mirrored == {listing["id"] for listing in store["listings"]}
