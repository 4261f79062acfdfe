"""Per-seller webhook health figures and their template include."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from tests.webhooks.conftest import SELLER_WHATNOT_ID, encode, example, post_webhook
from whatnot.models import SyncRun, WebhookEvent
from whatnot.services.webhook_health import health_for_all_sellers, health_for_seller
from whatnot.services.webhooks import process_webhook_event, replay_webhook_event

pytestmark = pytest.mark.django_db


def test_health_counts_every_kind_of_delivery(client, connection):
    seller = connection.user
    created = example("listing_created")
    post_webhook(client, encode(created))
    post_webhook(client, encode(created))
    post_webhook(client, encode(created))
    process_webhook_event(WebhookEvent.objects.get(event_id=created["id"]).pk)
    sold = example("product_sold")
    sold["object"]["product_id"] = "UHJvZHVjdDpOT05F"
    post_webhook(client, encode(sold))
    sold_event = WebhookEvent.objects.get(event_id=sold["id"])
    WebhookEvent.objects.filter(pk=sold_event.pk).update(status="failed")
    replay_webhook_event(sold_event.pk)
    WebhookEvent.objects.filter(pk=sold_event.pk).update(status="failed")
    post_webhook(client, encode(example("livestream_created")))
    post_webhook(client, b"{not json")
    post_webhook(client, encode(created), signature="0" * 64)
    post_webhook(client, encode(created), signature=None)
    # Finished runs: a seller has at most one queued or running run.
    for kind, repaired in (("reconcile", 3), ("reconcile", 2), ("full", 7)):
        SyncRun.objects.create(
            seller=seller,
            kind=kind,
            status=SyncRun.Status.SUCCEEDED,
            repaired_count=repaired,
        )

    health = health_for_seller(seller)

    assert health["seller_whatnot_id"] == SELLER_WHATNOT_ID
    assert health["processed"] == 1
    assert health["failed"] == 1
    assert health["ignored"] == 1
    assert health["invalid"] == 1
    assert health["pending"] == 0
    assert health["duplicates_skipped"] == 2
    assert health["rejected_signatures"] == 2
    assert health["verified"] == 4 + 2
    assert health["received"] == 6 + 2
    assert health["replayed"] == 1
    assert health["reconcile_repairs"] == 5
    assert health["last_received_at"] is not None


def test_health_ignores_other_sellers(client, connection):
    post_webhook(client, encode(example("listing_created")), seller="VXNlcjpPVEhFUg==")
    post_webhook(client, b"x", signature="0" * 64, seller="VXNlcjpPVEhFUg==")

    health = health_for_seller(connection.user)

    assert health["received"] == 0
    assert health["rejected_signatures"] == 0


def test_health_of_seller_without_connection_is_zero(seller):
    health = health_for_seller(seller)

    assert health["received"] == 0
    assert health["reconcile_repairs"] == 0
    assert health["seller_whatnot_id"] == ""


def test_health_for_all_sellers_names_connected_users(client, connection):
    post_webhook(client, encode(example("listing_created")))
    post_webhook(client, encode(example("order_created")), seller="VXNlcjpPVEhFUg==")

    rows = {row["seller_whatnot_id"]: row for row in health_for_all_sellers()}

    assert rows[SELLER_WHATNOT_ID]["user"] == connection.user
    assert rows["VXNlcjpPVEhFUg=="]["user"] is None
    assert rows["VXNlcjpPVEhFUg=="]["pending"] == 1


def test_include_renders_the_figures(client, connection):
    post_webhook(client, encode(example("listing_created")))
    post_webhook(client, encode(example("listing_created")), signature="0" * 64)

    html = render_to_string(
        "whatnot/includes/_webhook_health.html",
        {"webhook_health": health_for_seller(connection.user)},
    )

    assert "Webhook deliveries" in html
    assert "1 waiting to be processed" in html
    assert "rejected signatures" in html
    assert "repairs found by reconciliation" in html


def test_include_without_deliveries_says_so(seller):
    html = render_to_string(
        "whatnot/includes/_webhook_health.html",
        {"webhook_health": health_for_seller(seller)},
    )

    assert "Whatnot has not sent any webhook for this store yet." in html
