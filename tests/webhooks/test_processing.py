"""Effects of processed events on listings, sales and orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest

from tests.webhooks.conftest import SELLER_WHATNOT_ID, encode, example, post_webhook
from tests.webhooks.factories import ListingFactory, WhatnotConnectionFactory
from whatnot.models import Listing, Order, Product, Sale, WebhookEvent
from whatnot.services.webhooks import (
    TransientWebhookError,
    process_webhook_event,
    replay_webhook_event,
)
from whatnot.tasks.bulk import follow_bulk_operation_task

pytestmark = pytest.mark.django_db


def deliver(client, envelope: dict) -> WebhookEvent:
    response = post_webhook(client, encode(envelope))
    assert response.status_code == 200, response.content
    return WebhookEvent.objects.get(event_id=envelope["id"])


def deliver_and_process(client, envelope: dict) -> WebhookEvent:
    event = deliver(client, envelope)
    process_webhook_event(event.pk)
    event.refresh_from_db()
    return event


def listing_update(updated_at: str, title: str, event_id: str) -> dict:
    envelope = example("listing_updated")
    envelope["id"] = event_id
    envelope["object"]["updated_at"] = updated_at
    envelope["object"]["title"] = title
    return envelope


def test_listing_created_creates_listing_product_and_variant(client, connection):
    event = deliver_and_process(client, example("listing_created"))

    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempts == 1
    assert event.processed_at is not None
    listing = Listing.objects.get(whatnot_id="TGlzdGluZzo1NTE4ODAx")
    assert listing.seller == connection.user
    assert listing.title == "Levi's 501 Big E Selvedge Jeans 32x30 (1970s)"
    assert listing.kind == Listing.Kind.BUY_IT_NOW
    assert listing.price == Decimal("185.00")
    assert listing.currency == "USD"
    assert listing.quantity == 1
    assert listing.status == Listing.Status.ACTIVE
    assert listing.published is True
    assert listing.offerable is True
    assert listing.remote_updated_at == datetime(2026, 3, 12, 9, 15, tzinfo=UTC)
    assert listing.sync_state == Listing.SyncState.SYNCED
    assert listing.variant.whatnot_id == "UHJvZHVjdFZhcmlhbnQ6OTEyMDA0NA=="
    product = listing.variant.product
    assert product.whatnot_id == "UHJvZHVjdDo3NzMwMDE1"
    assert product.external_id == "DENIM-501-BIGE-032"
    assert product.seller == connection.user


def test_listing_updated_turns_listing_into_auction(client, connection):
    deliver_and_process(client, example("listing_created"))

    deliver_and_process(client, example("listing_updated"))

    listing = Listing.objects.get()
    assert listing.kind == Listing.Kind.AUCTION
    assert listing.price == Decimal("40.00")
    assert listing.offerable is False
    assert listing.remote_updated_at == datetime(2026, 3, 13, 11, 30, tzinfo=UTC)
    assert Product.objects.count() == 1


def test_listing_updates_out_of_order_keep_the_newest(client, connection):
    newest = listing_update("2026-03-13T12:00:00Z", "newest title", "evt_new")
    middle = listing_update("2026-03-13T11:00:00Z", "middle title", "evt_mid")
    oldest = example("listing_created")

    for envelope in (newest, oldest, middle):
        event = deliver_and_process(client, envelope)
        assert event.status == WebhookEvent.Status.PROCESSED

    listing = Listing.objects.get()
    assert listing.title == "newest title"
    assert listing.kind == Listing.Kind.AUCTION
    assert listing.remote_updated_at == datetime(2026, 3, 13, 12, tzinfo=UTC)


def test_listing_update_with_equal_timestamp_changes_nothing(client, connection):
    deliver_and_process(client, listing_update("2026-03-13T12:00:00Z", "first", "e1"))

    deliver_and_process(client, listing_update("2026-03-13T12:00:00Z", "second", "e2"))

    assert Listing.objects.get().title == "first"


def test_pending_listing_keeps_local_edits(client, connection):
    deliver_and_process(client, example("listing_created"))
    Listing.objects.update(
        title="seller's new title", sync_state=Listing.SyncState.PENDING
    )

    deliver_and_process(client, example("listing_updated"))

    listing = Listing.objects.get()
    assert listing.title == "seller's new title"
    assert listing.sync_state == Listing.SyncState.PENDING
    assert listing.remote_snapshot["updated_at"] == "2026-03-13T11:30:00Z"
    assert listing.remote_updated_at == datetime(2026, 3, 12, 9, 15, tzinfo=UTC)


def test_listing_of_another_seller_is_not_touched(client, connection):
    other = ListingFactory(whatnot_id="TGlzdGluZzo1NTE4ODAx", title="other's")

    event = deliver_and_process(client, example("listing_updated"))

    assert event.status == WebhookEvent.Status.FAILED
    assert "belongs to another seller" in event.last_error
    other.refresh_from_db()
    assert other.title == "other's"


def test_bad_listing_price_names_field(client, connection):
    envelope = example("listing_created")
    envelope["object"]["price"] = {"amount": "one hundred", "currency": "USD"}

    event = deliver_and_process(client, envelope)

    assert event.status == WebhookEvent.Status.FAILED
    assert "price.amount 'one hundred' is not a decimal number" in event.last_error
    assert Listing.objects.count() == 0
    assert Product.objects.count() == 0


def sold_listing(connection, quantity: int) -> Listing:
    return ListingFactory(
        seller=connection.user,
        variant__product__seller=connection.user,
        variant__product__whatnot_id="UHJvZHVjdDo3NzMwMDE1",
        quantity=quantity,
        price=Decimal("185.00"),
    )


def test_product_sold_records_sale_and_decrements_stock(client, connection):
    listing = sold_listing(connection, quantity=3)

    event = deliver_and_process(client, example("product_sold"))

    assert event.status == WebhookEvent.Status.PROCESSED
    listing.refresh_from_db()
    assert listing.quantity == 2
    assert listing.status == Listing.Status.ACTIVE
    sale = Sale.objects.get()
    assert sale.seller == connection.user
    assert sale.listing == listing
    assert sale.order_whatnot_id == "T3JkZXI6ODg0MTAyNjY="
    assert sale.product_whatnot_id == "UHJvZHVjdDo3NzMwMDE1"
    assert sale.listing_whatnot_id == listing.whatnot_id
    assert sale.quantity == 1
    assert sale.price == Decimal("185.00")
    assert sale.currency == "USD"
    assert sale.sold_at == datetime(2026, 3, 14, 19, 42, 11, tzinfo=UTC)


def test_last_unit_sold_marks_sold_out(client, connection):
    listing = sold_listing(connection, quantity=1)

    deliver_and_process(client, example("product_sold"))

    listing.refresh_from_db()
    assert listing.quantity == 0
    assert listing.status == Listing.Status.SOLD_OUT


def test_product_sold_takes_price_from_payload_when_present(client, connection):
    sold_listing(connection, quantity=2)
    envelope = example("product_sold")
    envelope["object"]["price"] = {"amount": "171.50", "currency": "USD"}

    deliver_and_process(client, envelope)

    assert Sale.objects.get().price == Decimal("171.50")


def test_resent_sale_applied_once(client, connection):
    listing = sold_listing(connection, quantity=5)
    first = example("product_sold")
    second = example("product_sold")
    second["id"] = "evt_resent_with_new_id"

    deliver_and_process(client, first)
    event = deliver_and_process(client, second)

    assert event.status == WebhookEvent.Status.PROCESSED
    listing.refresh_from_db()
    assert listing.quantity == 4
    assert Sale.objects.count() == 1


def test_processing_an_event_twice_applies_it_once(client, connection):
    listing = sold_listing(connection, quantity=5)
    event = deliver(client, example("product_sold"))

    assert process_webhook_event(event.pk) == WebhookEvent.Status.PROCESSED
    assert process_webhook_event(event.pk) == WebhookEvent.Status.PROCESSED

    listing.refresh_from_db()
    assert listing.quantity == 4
    event.refresh_from_db()
    assert event.attempts == 1


def test_product_sold_before_its_listing_is_transient(client, connection):
    event = deliver(client, example("product_sold"))

    with pytest.raises(TransientWebhookError, match="no listing of product"):
        process_webhook_event(event.pk)

    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.RECEIVED
    assert Sale.objects.count() == 0


def test_order_is_recorded_without_buyer_details(client, connection):
    event = deliver_and_process(client, example("order_created"))

    assert event.status == WebhookEvent.Status.PROCESSED
    order = Order.objects.get()
    assert order.seller == connection.user
    assert order.whatnot_id == "T3JkZXI6ODg0MTAyNjY="
    assert order.status == "PROCESSING"
    assert order.subtotal == Decimal("185.00")
    assert order.shipping_price == Decimal("9.50")
    assert order.taxes == Decimal("15.73")
    assert order.total == Decimal("210.23")
    assert order.currency == "USD"
    assert order.sales_channel == "LIVESTREAM"
    assert order.is_giveaway is False
    assert order.cancelled_at is None
    stored_text = repr(
        list(Order.objects.values()) + list(WebhookEvent.objects.values("body"))
    )
    for detail in ("Sam Example", "100 Sample Street", "denim_hunter_88", "VXNlcjoy"):
        assert detail not in stored_text


def test_order_updated_records_cancellation_and_ignores_older(client, connection):
    deliver_and_process(client, example("order_updated"))

    deliver_and_process(client, example("order_created"))

    order = Order.objects.get()
    assert order.status == "CANCELLED"
    assert order.cancelled_at == datetime(2026, 3, 15, 8, 3, 27, tzinfo=UTC)


def test_order_sets_sale_line_price(client, connection):
    sold_listing(connection, quantity=2)
    envelope = example("order_created")
    envelope["object"]["items"][0]["price"]["amount"] = "160.00"

    deliver_and_process(client, example("product_sold"))
    deliver_and_process(client, envelope)

    sale = Sale.objects.get()
    assert sale.order == Order.objects.get()
    assert sale.price == Decimal("160.00")


def test_event_for_unknown_seller_fails_with_reason(client, db):
    event = deliver_and_process(client, example("listing_created"))

    assert event.status == WebhookEvent.Status.FAILED
    assert SELLER_WHATNOT_ID in event.last_error
    assert "replay the event after the seller connects" in event.last_error
    assert Listing.objects.count() == 0


def test_event_without_any_seller_id_fails_with_reason(client, db):
    response = post_webhook(client, encode(example("listing_created")), seller=None)
    event = WebhookEvent.objects.get()

    process_webhook_event(event.pk)

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.FAILED
    assert "names no seller" in event.last_error


def test_replay_processes_failed_event_after_seller_connects(
    client, db, django_capture_on_commit_callbacks
):
    event = deliver_and_process(client, example("listing_created"))
    WhatnotConnectionFactory(whatnot_user_id=SELLER_WHATNOT_ID)

    with django_capture_on_commit_callbacks() as callbacks:
        replayed = replay_webhook_event(event.pk)
    process_webhook_event(event.pk)

    assert replayed is True
    assert len(callbacks) == 1
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.replay_count == 1
    assert event.attempts == 2
    assert event.last_error == ""
    assert Listing.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [WebhookEvent.Status.PROCESSED, WebhookEvent.Status.RECEIVED, "ignored"],
)
def test_replay_leaves_events_that_are_not_failed(
    client, connection, status, django_capture_on_commit_callbacks
):
    event = deliver(client, example("listing_created"))
    WebhookEvent.objects.filter(pk=event.pk).update(status=status)

    with django_capture_on_commit_callbacks() as callbacks:
        replayed = replay_webhook_event(event.pk)

    assert replayed is False
    assert callbacks == []
    event.refresh_from_db()
    assert event.replay_count == 0


def test_bulk_finished_queues_the_follow_task(
    client, connection, django_capture_on_commit_callbacks
):
    envelope = example("bulk_operation_finished")

    with (
        mock.patch.object(follow_bulk_operation_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = deliver_and_process(client, envelope)

    assert event.status == WebhookEvent.Status.PROCESSED
    delay.assert_called_once_with(connection.user.pk, envelope["object"]["id"])


def test_stored_event_of_topic_without_handler_fails_clearly(client, connection):
    event = deliver(client, example("listing_created"))
    WebhookEvent.objects.filter(pk=event.pk).update(topic="listing/archived")

    process_webhook_event(event.pk)

    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.last_error == "topic 'listing/archived' has no handler"


def test_processing_a_deleted_event_returns_none(db):
    assert process_webhook_event(987654) is None
