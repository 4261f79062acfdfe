"""Pushes against the sandbox over real HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from whatnot.client import WhatnotClient
from whatnot.models import Listing, SyncRun
from whatnot.services.push import (
    external_id_for,
    push_listing,
    queue_push,
    resolve_conflict,
)
from whatnot.services.sync import claim_run, run_sync

from .factories import ListingFactory

pytestmark = pytest.mark.django_db


def full_sync(connection) -> None:
    run = claim_run(SyncRun.objects.create(seller=connection.user, kind="full").pk)
    with WhatnotClient(connection.pk) as client:
        run_sync(run, client)


def push(listing: Listing, connection) -> str | None:
    queue_push(listing)
    with WhatnotClient(connection.pk) as client:
        state = push_listing(listing.pk, client)
    listing.refresh_from_db()
    return state


def history(listing: Listing) -> list[tuple[str, str]]:
    return [
        (event.from_state, event.to_state)
        for event in listing.events.filter(kind="state_changed").order_by("pk")
    ]


def synced_listing(server, connect_seller):
    connection = connect_seller(server)
    full_sync(connection)
    listing = (
        Listing.objects.filter(
            seller=connection.user, kind=Listing.Kind.BUY_IT_NOW, quantity__gt=0
        )
        .order_by("pk")
        .first()
    )
    return connection, listing


def test_new_listing_is_created_and_published(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    listing = ListingFactory(seller=connection.user, price=Decimal("64.50"), quantity=2)

    state = push(listing, connection)

    assert state == Listing.SyncState.SYNCED
    assert listing.sync_state == Listing.SyncState.SYNCED
    assert listing.whatnot_id
    assert history(listing)[-1] == ("pending", "synced")
    assert listing.variant.product.external_id == external_id_for(listing)
    remote = shared_sandbox.listing(listing.whatnot_id)
    assert remote["published"] is True
    assert remote["price"]["amount"] == "64.50"
    assert remote["quantity"] == 2
    assert remote["title"] == listing.title


def test_interrupted_create_is_not_repeated(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    listing = ListingFactory(seller=connection.user)
    first = push(listing, connection)
    created_id = listing.whatnot_id
    # A crash after productCreate, before the id was stored.
    Listing.objects.filter(pk=listing.pk).update(whatnot_id=None)
    listing.refresh_from_db()

    second = push(listing, connection)

    products = shared_sandbox.store(connection.whatnot_username)["products"]
    external_ids = [product.get("external_id") for product in products]
    assert (first, second) == (Listing.SyncState.SYNCED, Listing.SyncState.SYNCED)
    assert listing.whatnot_id == created_id
    assert external_ids.count(external_id_for(listing)) == 1


def test_price_quantity_and_title_reach_whatnot(shared_sandbox, connect_seller):
    connection, listing = synced_listing(shared_sandbox, connect_seller)
    listing.price = Decimal("123.45")
    listing.quantity = 4
    listing.title = "Levi's 505 orange tab, 1970s"
    listing.description = "Talon 42 zip, single stitch."
    listing.save()

    state = push(listing, connection)

    remote = shared_sandbox.listing(listing.whatnot_id)
    assert state == Listing.SyncState.SYNCED
    assert remote["price"]["amount"] == "123.45"
    assert remote["quantity"] == 4
    assert remote["title"] == "Levi's 505 orange tab, 1970s"
    assert remote["description"] == "Talon 42 zip, single stitch."
    assert listing.remote_updated_at.isoformat().startswith(remote["updated_at"][:19])


def test_unpublish_reaches_whatnot(shared_sandbox, connect_seller):
    connection, listing = synced_listing(shared_sandbox, connect_seller)
    listing.published = False
    listing.save()

    state = push(listing, connection)

    assert state == Listing.SyncState.SYNCED
    assert shared_sandbox.listing(listing.whatnot_id)["published"] is False


def test_push_stops_at_conflict(shared_sandbox, connect_seller):
    connection, listing = synced_listing(shared_sandbox, connect_seller)
    shared_sandbox.edit_listing(listing.whatnot_id, price="99.00")
    listing.price = Decimal("55.00")
    listing.save()

    state = push(listing, connection)

    assert state == Listing.SyncState.CONFLICT
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert listing.price == Decimal("55.00")
    assert listing.remote_snapshot["price"] == "99.00"
    assert history(listing) == [("synced", "pending"), ("pending", "conflict")]
    assert shared_sandbox.listing(listing.whatnot_id)["price"]["amount"] == "99.00"


def test_keep_local_reaches_whatnot(shared_sandbox, connect_seller):
    connection, listing = synced_listing(shared_sandbox, connect_seller)
    shared_sandbox.edit_listing(listing.whatnot_id, price="99.00")
    listing.price = Decimal("55.00")
    listing.save()
    push(listing, connection)

    resolve_conflict(listing, keep="local")
    with WhatnotClient(connection.pk) as client:
        state = push_listing(listing.pk, client)

    listing.refresh_from_db()
    assert state == Listing.SyncState.SYNCED
    assert listing.remote_snapshot is None
    assert shared_sandbox.listing(listing.whatnot_id)["price"]["amount"] == "55.00"


def test_rejected_push_stores_whatnots_message(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    listing = ListingFactory(
        seller=connection.user, taxonomy_node_id="bm90LWEtbm9kZQ=="
    )

    state = push(listing, connection)

    assert state == Listing.SyncState.FAILED
    assert listing.sync_state == Listing.SyncState.FAILED
    assert "Whatnot rejected productCreate" in listing.sync_error
    assert history(listing)[-1] == ("pending", "failed")
    assert listing.whatnot_id is None


def test_incomplete_draft_fails_without_a_request(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    listing = ListingFactory(seller=connection.user, description="", price=None)

    state = push(listing, connection)

    assert state == Listing.SyncState.FAILED
    assert listing.sync_error == (
        "add a description and a price before publishing to Whatnot"
    )
    graphql = [
        entry
        for entry in shared_sandbox.requests_log()
        if entry["path"] == "/seller-api/graphql"
    ]
    assert graphql == []
