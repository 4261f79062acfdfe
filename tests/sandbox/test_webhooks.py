"""Webhook deliveries: envelope, signature, retries and delivery faults."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from tests.fixtures.processes import wait_until
from tests.sandbox.receiver import WebhookReceiver

SECRET = "test-webhook-secret"


def webhook_sandbox(sandbox_factory, receiver, *extra):
    return sandbox_factory(
        extra_args=[
            "--webhook-url",
            receiver.url,
            "--webhook-secret",
            SECRET,
            "--webhook-retry-base",
            "0.05",
            *extra,
        ]
    )


def at_least(fetch, count: int, timeout: float = 10):
    """Wait until fetch() returns a list of at least count items; return it."""

    def ready():
        found = fetch()
        return found if len(found) >= count else None

    return wait_until(ready, timeout=timeout)


def signed(body: bytes) -> str:
    return hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def topics(deliveries) -> list[str]:
    return [json.loads(item.body)["topic"] for item in deliveries]


def test_sale_sends_signed_order_and_product_webhooks(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = webhook_sandbox(sandbox_factory, receiver)

        orders = server.trigger_sales(seller=server.sellers[0])
        deliveries = at_least(receiver.snapshot, 3, timeout=10)

    assert topics(deliveries) == ["order/created", "product/sold", "listing/updated"]
    seller_id = server.admin("GET", "sellers")[0]["id"]
    for item in deliveries:
        assert item.headers["X-Whatnot-Webhook-Signature"] == signed(item.body)
        assert item.headers["X-Whatnot-Seller-Id"] == seller_id
    order = json.loads(deliveries[0].body)
    assert set(order) == {"id", "timestamp", "topic", "object"}
    assert order["object"]["id"] == orders[0]
    assert order["object"]["total"]["currency"] == "USD"
    amount = order["object"]["items"][0]["price"]["amount"]
    assert isinstance(amount, str)
    assert amount.count(".") == 1
    assert len(amount.split(".")[1]) == 2
    assert order["object"]["shipping_address"] is None
    sold = json.loads(deliveries[1].body)["object"]
    assert set(sold) == {"product_id", "order_id", "external_id", "quantity"}
    assert sold["order_id"] == orders[0]


def test_listing_edit_sends_listing_updated(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = webhook_sandbox(sandbox_factory, receiver)
        listing = server.store()["listings"][0]

        server.edit_listing(listing["id"], price="123.45")
        deliveries = wait_until(receiver.snapshot, timeout=10)

    body = json.loads(deliveries[0].body)
    assert body["topic"] == "listing/updated"
    assert body["object"]["id"] == listing["id"]
    assert body["object"][
        "price" if listing["listing_type"] == "BUY_IT_NOW" else "starting_price"
    ] == {"amount": "123.45", "currency": "USD"}


def test_failed_delivery_is_retried_until_200(sandbox_factory):
    with WebhookReceiver(statuses=[500, 503, 404]) as receiver:
        server = webhook_sandbox(sandbox_factory, receiver)
        listing = server.store()["listings"][0]

        server.touch_listing(listing["id"])
        deliveries = at_least(receiver.snapshot, 4, timeout=15)

    assert len({item.body for item in deliveries}) == 1
    attempts = server.webhook_deliveries(topic="listing/updated")
    assert [item["attempt"] for item in attempts] == [1, 2, 3, 4]
    assert [item["status_code"] for item in attempts] == [500, 503, 404, 200]
    assert attempts[-1]["error"] is None


def test_delivery_gives_up_after_five_retries(sandbox_factory):
    with WebhookReceiver(statuses=[500] * 10) as receiver:
        # Waits of 0.01 * 3 ** n seconds: a seventh attempt would come 2.4 s
        # after the sixth.
        server = webhook_sandbox(
            sandbox_factory, receiver, "--webhook-retry-base", "0.01"
        )
        server.touch_listing(server.store()["listings"][0]["id"])

        at_least(receiver.snapshot, 6, timeout=30)
        time.sleep(3)
        attempts = server.webhook_deliveries()

    assert [item["attempt"] for item in attempts] == [1, 2, 3, 4, 5, 6]
    assert len(receiver.snapshot()) == 6


def test_events_are_recorded_without_a_webhook_url(sandbox):
    sandbox.trigger_sales()

    recorded = sandbox.webhook_deliveries()

    assert topics_of(recorded) == ["order/created", "product/sold", "listing/updated"]
    assert all(item["url"] is None for item in recorded)
    assert "no --webhook-url" in recorded[0]["error"]


def topics_of(recorded) -> list[str]:
    return [item["topic"] for item in recorded]


def test_duplicate_fault_sends_an_event_twice(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = webhook_sandbox(
            sandbox_factory, receiver, "--fault-webhook-duplicate-rate", "1"
        )
        server.touch_listing(server.store()["listings"][0]["id"])

        deliveries = at_least(receiver.snapshot, 2, timeout=10)

    first, second = (json.loads(item.body) for item in deliveries[:2])
    assert first["id"] == second["id"]


def test_bad_signature_fault(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = webhook_sandbox(
            sandbox_factory, receiver, "--fault-webhook-bad-signature-rate", "1"
        )
        server.touch_listing(server.store()["listings"][0]["id"])

        delivery = wait_until(receiver.snapshot, timeout=10)[0]

    assert delivery.headers["X-Whatnot-Webhook-Signature"] != signed(delivery.body)
    assert server.webhook_deliveries()[0]["fault"] == "bad_signature"


def test_out_of_order_fault_swaps_events(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = webhook_sandbox(sandbox_factory, receiver)
        listings = server.store()["listings"]
        server.set_faults(webhook_out_of_order_rate=1.0)
        server.touch_listing(listings[0]["id"])
        server.set_faults(webhook_out_of_order_rate=0.0)
        server.touch_listing(listings[1]["id"])

        deliveries = at_least(receiver.snapshot, 2, timeout=10)

    ids = [json.loads(item.body)["object"]["id"] for item in deliveries]
    assert ids == [listings[1]["id"], listings[0]["id"]]


def test_delay_fault_holds_an_event_back(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = webhook_sandbox(
            sandbox_factory,
            receiver,
            "--fault-webhook-delay-rate",
            "1",
            "--fault-webhook-delay-seconds",
            "1.5",
        )
        server.touch_listing(server.store()["listings"][0]["id"])

        time.sleep(0.8)
        early = len(receiver.snapshot())
        delivered = wait_until(receiver.snapshot, timeout=10)

    assert early == 0
    assert len(delivered) == 1
