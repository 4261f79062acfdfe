from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from whatnot.client.parsing import parse_order
from whatnot.models import (
    Listing,
    ListingEvent,
    Order,
    Product,
    ProductVariant,
    Sale,
)
from whatnot.services.orders import upsert_orders
from whatnot.services.upsert import mark_missing_listings, upsert_listings

from .factories import ListingFactory
from .nodes import remote_listing

pytestmark = pytest.mark.django_db


def test_first_page_creates_everything(seller):
    remotes = [remote_listing(f"L{n}") for n in range(3)]

    outcome = upsert_listings(seller, remotes, seen_at=timezone.now())

    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 0, 0)
    assert Listing.objects.filter(seller=seller).count() == 3
    assert Product.objects.filter(seller=seller).count() == 3
    assert ProductVariant.objects.count() == 3
    listing = Listing.objects.get(whatnot_id="L1")
    assert listing.price == Decimal("85.00")
    assert listing.variant.product.whatnot_id == "product-L1"
    assert listing.sync_state == Listing.SyncState.SYNCED
    assert listing.last_synced_at is not None
    assert sorted(outcome.changed_ids) == sorted(
        Listing.objects.values_list("pk", flat=True)
    )


def test_same_page_twice_is_unchanged(seller):
    remotes = [remote_listing(f"L{n}") for n in range(3)]
    upsert_listings(seller, remotes, seen_at=timezone.now())

    outcome = upsert_listings(seller, remotes, seen_at=timezone.now())

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 3)
    assert outcome.changed_ids == []
    assert Listing.objects.count() == 3


def test_changed_listing_is_updated(seller):
    upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())

    outcome = upsert_listings(
        seller,
        [remote_listing("L1", price_cents=9900, updated_at="2026-03-05T00:00:00Z")],
        seen_at=timezone.now(),
    )

    assert (outcome.created, outcome.updated) == (0, 1)
    assert Listing.objects.get(whatnot_id="L1").price == Decimal("99.00")


def test_repeated_listing_stored_once(seller):
    older = remote_listing("L1", price_cents=1000, updated_at="2026-03-01T00:00:00Z")
    newer = remote_listing("L1", price_cents=2000, updated_at="2026-03-02T00:00:00Z")

    outcome = upsert_listings(seller, [newer, older], seen_at=timezone.now())

    assert outcome.created == 1
    assert Listing.objects.get(whatnot_id="L1").price == Decimal("20.00")


def test_pending_edit_meets_remote_change(seller):
    upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())
    Listing.objects.filter(whatnot_id="L1").update(
        price=Decimal("70.00"), sync_state=Listing.SyncState.PENDING
    )
    remote = remote_listing("L1", price_cents=9000, updated_at="2026-03-09T00:00:00Z")

    outcome = upsert_listings(seller, [remote], seen_at=timezone.now())

    listing = Listing.objects.get(whatnot_id="L1")
    assert outcome.conflicts == 1
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert listing.price == Decimal("70.00")
    assert listing.remote_snapshot["price"] == "90.00"
    assert listing.remote_snapshot["updated_at"] == "2026-03-09T00:00:00+00:00"
    assert "2026-03-09 00:00 UTC" in listing.sync_error
    event = ListingEvent.objects.get(listing=listing)
    assert (event.from_state, event.to_state) == ("pending", "conflict")
    assert event.message == listing.sync_error


def test_pending_edit_kept_when_remote_unchanged(seller):
    upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())
    Listing.objects.filter(whatnot_id="L1").update(
        price=Decimal("70.00"), sync_state=Listing.SyncState.PENDING
    )

    outcome = upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())

    listing = Listing.objects.get(whatnot_id="L1")
    assert outcome.unchanged == 1
    assert listing.sync_state == Listing.SyncState.PENDING
    assert listing.price == Decimal("70.00")
    assert listing.remote_snapshot is None


def test_other_sellers_listing_is_skipped(seller, analyst):
    upsert_listings(analyst, [remote_listing("L1")], seen_at=timezone.now())

    outcome = upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())

    assert outcome.failed == 1
    assert Listing.objects.get(whatnot_id="L1").seller == analyst


def test_sweep_marks_unseen_listings_removed(seller):
    before = timezone.now() - timedelta(hours=1)
    upsert_listings(
        seller, [remote_listing("L1"), remote_listing("L2")], seen_at=before
    )
    Listing.objects.update(created_at=before)
    draft = ListingFactory(seller=seller)
    sweep_start = timezone.now()
    upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())

    removed = mark_missing_listings(seller, swept_since=sweep_start)

    assert removed == 1
    missing = Listing.objects.get(whatnot_id="L2")
    assert missing.remote_deleted_at is not None
    assert missing.published is False
    assert Listing.objects.get(whatnot_id="L1").remote_deleted_at is None
    draft.refresh_from_db()
    assert draft.remote_deleted_at is None


def order_node(order_id: str, *, updated_at: str, status: str = "COMPLETED") -> dict:
    return {
        "id": order_id,
        "status": status,
        "isGiveaway": False,
        "createdAt": "2026-03-02T10:00:00Z",
        "updatedAt": updated_at,
        "cancelledAt": None,
        "subtotal": {"amount": 8500, "currency": "USD"},
        "shippingPrice": None,
        "taxation": None,
        "total": {"amount": 8500, "currency": "USD"},
        "salesChannel": {"type": "LIVESTREAM"},
        "items": {
            "edges": [
                {
                    "node": {
                        "id": f"{order_id}-item",
                        "quantity": 1,
                        "price": {"amount": 8500, "currency": "USD"},
                        "product": {"id": "product-L1"},
                        "listing": {"id": "L1"},
                    }
                }
            ]
        },
    }


def test_order_upsert_stores_sales(seller):
    upsert_listings(seller, [remote_listing("L1")], seen_at=timezone.now())
    first = [parse_order(order_node("O1", updated_at="2026-03-02T10:00:00Z"))]
    again = [parse_order(order_node("O1", updated_at="2026-03-02T10:00:00Z"))]
    cancelled = [
        parse_order(
            order_node("O1", updated_at="2026-03-03T08:00:00Z", status="CANCELLED")
        )
    ]

    stored = [
        upsert_orders(seller, first),
        upsert_orders(seller, again),
        upsert_orders(seller, cancelled),
    ]

    assert [outcome.stored for outcome in stored] == [1, 0, 1]
    assert stored[1].sale_ids == []
    order = Order.objects.get(whatnot_id="O1")
    assert order.status == "CANCELLED"
    assert order.total == Decimal("85.00")
    sale = Sale.objects.get(order_whatnot_id="O1")
    assert sale.listing == Listing.objects.get(whatnot_id="L1")
    assert sale.order == order
    assert sale.price == Decimal("85.00")
    assert sale.seller == seller
    assert stored[0].sale_ids == [sale.pk]
    assert stored[2].sale_ids == [sale.pk]
