"""The webhook endpoint: signatures, sizes, bad bodies, duplicates, topics."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from django.test import override_settings

from tests.webhooks.conftest import (
    SELLER_WHATNOT_ID,
    WEBHOOK_URL,
    encode,
    example,
    post_webhook,
)
from whatnot.models import WebhookDeliveryCounter, WebhookEvent
from whatnot.webhooks.signatures import sign
from whatnot.webhooks.storage import insert_event

pytestmark = pytest.mark.django_db

SECRET = "test-webhook-secret"


def rejected_count(seller: str = SELLER_WHATNOT_ID) -> int:
    counter = WebhookDeliveryCounter.objects.filter(seller_whatnot_id=seller).first()
    return counter.rejected_signatures if counter else 0


def test_signed_event_is_stored_and_queued(client, django_capture_on_commit_callbacks):
    body = encode(example("listing_created"))

    with django_capture_on_commit_callbacks() as callbacks:
        response = post_webhook(client, body)

    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    event = WebhookEvent.objects.get()
    assert event.event_id == "evt_01HWN0LC2F5A7X0B"
    assert event.topic == "listing/created"
    assert event.seller_whatnot_id == SELLER_WHATNOT_ID
    assert event.event_timestamp.isoformat() == "2026-03-12T09:15:00+00:00"
    assert bytes(event.body) == body
    assert event.body_redacted is False
    assert event.status == WebhookEvent.Status.RECEIVED
    assert event.attempts == 0
    assert len(callbacks) == 1


def test_url_without_slash_answers_without_redirect(client):
    body = encode(example("listing_created"))

    response = post_webhook(client, body, url="/webhooks/whatnot")

    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_trailing_newline_body_accepted(client):
    body = encode(example("listing_created")) + b"\n"

    response = post_webhook(client, body, signature=sign(body, SECRET))

    assert response.status_code == 200
    assert bytes(WebhookEvent.objects.get().body) == body


def test_newline_stripped_signature_rejected(client):
    body = encode(example("listing_created"))

    response = post_webhook(client, body + b"\n", signature=sign(body, SECRET))

    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_signature_of_reserialized_json_is_rejected(client):
    envelope = example("listing_created")
    body = json.dumps(envelope, indent=2).encode()
    compact = json.dumps(envelope, separators=(",", ":")).encode()

    response = post_webhook(client, body, signature=sign(compact, SECRET))

    assert response.status_code == 401


def _base64_signature(body: bytes) -> str:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


BODY = encode(example("listing_created"))
VALID = sign(BODY, SECRET)


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        pytest.param(None, "missing", id="missing"),
        pytest.param("", "missing", id="empty"),
        pytest.param(VALID[:-1], "malformed", id="63-hex-characters"),
        pytest.param(VALID + "0", "malformed", id="65-hex-characters"),
        pytest.param("z" * 64, "malformed", id="not-hex"),
        pytest.param(" " + VALID[1:], "malformed", id="leading-space"),
        pytest.param("é" * 64, "malformed", id="non-ascii"),
        pytest.param(_base64_signature(BODY), "malformed", id="base64"),
        pytest.param("sha256=" + VALID, "malformed", id="sha256-prefix"),
        pytest.param(sign(BODY, "other-secret"), "does not match", id="wrong-secret"),
        pytest.param("0" * 64, "does not match", id="zeros"),
    ],
)
def test_bad_signature_is_rejected_and_counted(client, connection, signature, reason):
    response = post_webhook(client, BODY, signature=signature)

    assert response.status_code == 401
    assert reason in response.json()["error"]
    assert WebhookEvent.objects.count() == 0
    assert rejected_count() == 1


def test_uppercase_hex_signature_is_accepted(client):
    response = post_webhook(client, BODY, signature=VALID.upper())

    assert response.status_code == 200


def test_rejections_counted_per_connected_seller(client, connection):
    post_webhook(client, BODY, signature="0" * 64)
    post_webhook(client, BODY, signature="0" * 64)
    post_webhook(client, BODY, signature="0" * 64, seller="VXNlcjpBQUE=")
    post_webhook(client, BODY, signature="0" * 64, seller="VXNlcjpCQkI=")
    post_webhook(client, BODY, signature=None, seller=None)

    assert rejected_count(SELLER_WHATNOT_ID) == 2
    assert rejected_count("") == 3
    assert WebhookDeliveryCounter.objects.count() == 2


@override_settings(WHATNOT_WEBHOOK_SECRET="new-secret, test-webhook-secret")
@pytest.mark.parametrize("secret", ["new-secret", SECRET])
def test_every_configured_secret_verifies_during_rotation(client, secret):
    response = post_webhook(client, BODY, signature=sign(BODY, secret))

    assert response.status_code == 200


@override_settings(WHATNOT_WEBHOOK_SECRET="new-secret")
def test_secret_removed_from_rotation_no_longer_verifies(client):
    response = post_webhook(client, BODY, signature=sign(BODY, SECRET))

    assert response.status_code == 401


@override_settings(WHATNOT_WEBHOOK_SECRET=" , ")
def test_missing_secret_configuration_answers_503(client):
    response = post_webhook(client, BODY, signature=sign(BODY, SECRET))

    assert response.status_code == 503
    assert WebhookEvent.objects.count() == 0


def test_body_over_the_limit_gets_413_before_verification(client, settings):
    settings.WHATNOT_WEBHOOK_MAX_BYTES = len(BODY) - 1

    response = post_webhook(client, BODY)

    assert response.status_code == 413
    assert f"limit is {len(BODY) - 1} bytes" in response.json()["error"]
    assert WebhookEvent.objects.count() == 0
    assert rejected_count() == 0


def test_body_exactly_at_the_limit_is_accepted(client, settings):
    settings.WHATNOT_WEBHOOK_MAX_BYTES = len(BODY)

    response = post_webhook(client, BODY)

    assert response.status_code == 200


@pytest.mark.parametrize("content_length", ["abc", "-5"])
def test_unreadable_content_length_gets_400(client, content_length):
    response = client.generic(
        "POST",
        WEBHOOK_URL,
        b"",
        content_type="application/json",
        CONTENT_LENGTH=content_length,
    )

    assert response.status_code == 400
    assert content_length in response.json()["error"]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head", "options"])
def test_methods_other_than_post_get_405(client, method):
    response = getattr(client, method)(WEBHOOK_URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b'{"id": "evt_1", "topic": ', "not valid JSON", id="truncated"),
        pytest.param(b"", "not valid JSON", id="empty"),
        pytest.param(b"\xff\xfe{}", "not UTF-8", id="not-utf8"),
        pytest.param(b"[1, 2]", "JSON list", id="array"),
        pytest.param(b'{"topic": "listing/created"}', "no 'id'", id="no-id"),
        pytest.param(b'{"id": "evt_1"}', "no 'topic'", id="no-topic"),
        pytest.param(
            b'{"id": {"a": 1}, "topic": "listing/created"}', "'id' is a dict", id="id"
        ),
        pytest.param(
            b'{"id": "' + b"e" * 300 + b'", "topic": "x"}', "maximum is 255", id="long"
        ),
    ],
)
def test_invalid_envelope_kept_with_400(
    client, body, reason, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_webhook(client, body)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.INVALID
    assert bytes(event.body) == body
    assert reason in event.last_error
    assert event.event_id in response.json()["error"]
    assert callbacks == []


def test_retried_invalid_body_is_kept_once(client):
    body = b'{"id": "evt_broken", "topic": "listing/created", '

    first = post_webhook(client, body)
    second = post_webhook(client, body)

    assert first.status_code == second.status_code == 400
    event = WebhookEvent.objects.get()
    assert event.duplicate_count == 1


def test_unsigned_invalid_body_gets_401_not_400(client):
    response = post_webhook(client, b"not json", signature="0" * 64)

    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_unknown_topic_stored_as_ignored(client, django_capture_on_commit_callbacks):
    envelope = example("listing_created")
    envelope["topic"] = "storefront/redecorated"

    with django_capture_on_commit_callbacks() as callbacks:
        response = post_webhook(client, encode(envelope))

    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.IGNORED
    assert event.topic == "storefront/redecorated"
    assert callbacks == []


@pytest.mark.parametrize(
    "name",
    [
        "livestream_created",
        "livestream_stopped",
        "livestream_product_added",
        "livestream_product_removed",
        "shipment_label_created",
    ],
)
def test_documented_topics_without_handler_are_ignored(client, name):
    response = post_webhook(client, encode(example(name)))

    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED


def test_five_deliveries_stored_once(client, django_capture_on_commit_callbacks):
    body = encode(example("product_sold"))

    with django_capture_on_commit_callbacks() as callbacks:
        responses = [post_webhook(client, body) for _ in range(5)]

    assert [r.status_code for r in responses] == [200] * 5
    assert [r.json()["status"] for r in responses] == ["accepted"] + ["duplicate"] * 4
    event = WebhookEvent.objects.get()
    assert event.duplicate_count == 4
    assert len(callbacks) == 1
    counter = WebhookDeliveryCounter.objects.get(seller_whatnot_id=SELLER_WHATNOT_ID)
    assert counter.duplicates == 4
    assert counter.rejected_signatures == 0


def test_seller_id_in_envelope_wins_over_header(client):
    envelope = example("listing_created")
    envelope["seller_id"] = "VXNlcjpFTlZFTE9QRQ=="

    post_webhook(client, encode(envelope), seller="VXNlcjpIRUFERVI=")

    assert WebhookEvent.objects.get().seller_whatnot_id == "VXNlcjpFTlZFTE9QRQ=="


def test_order_body_is_stored_without_buyer_details(client):
    envelope = example("order_created")
    body = encode(envelope)

    response = post_webhook(client, body)

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    stored = bytes(event.body)
    assert event.body_redacted is True
    for detail in (b"Sam Example", b"100 Sample Street", b"denim_hunter_88"):
        assert detail in body
        assert detail not in stored
    stored_object = json.loads(stored)["object"]
    assert "shipping_address" not in stored_object
    assert "customer" not in stored_object
    assert stored_object["total"] == {"amount": "210.23", "currency": "USD"}


def test_database_failure_answers_503_so_whatnot_retries(client, monkeypatch):
    from django.db import OperationalError

    from whatnot.webhooks import views

    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "store_event", fail)

    response = post_webhook(client, BODY)

    assert response.status_code == 503


def test_insert_event_defaults_and_conflicts():
    first = insert_event({"event_id": "evt_direct", "topic": "listing/created"})
    second = insert_event({"event_id": "evt_direct", "topic": "order/created"})

    assert first is not None
    assert second is None
    event = WebhookEvent.objects.get(pk=first)
    assert event.topic == "listing/created"
    assert event.status == WebhookEvent.Status.RECEIVED
    assert event.attempts == 0
    assert event.duplicate_count == 0
    assert event.body_redacted is False
    assert event.received_at is not None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "too deeply", id="deep-array"),
        pytest.param(
            b'{"id": "evt_\\u0000", "topic": "listing/created", "object": {}}',
            "NUL character",
            id="nul-in-id",
        ),
        pytest.param(
            b'{"id": "evt_1", "topic": "x\\ud800", "object": {}}',
            "unpaired surrogate",
            id="surrogate-in-topic",
        ),
        pytest.param(
            b'{"id": "evt_\\udfff", "topic": "listing/created", "object": {}}',
            "unpaired surrogate",
            id="surrogate-in-id",
        ),
        pytest.param(
            b'{"id": "evt_1", "topic": "listing/created", "seller_id": "\\ud800"}',
            "unpaired surrogate",
            id="surrogate-in-seller",
        ),
    ],
)
def test_hostile_signed_body_gets_400(client, body, reason):
    response = post_webhook(client, body)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.INVALID


def nested_order(depth: int) -> bytes:
    inner = '{"shipping_address": {"name": "Sam Example"}}'
    nested = '{"inner": [' * depth + inner + "]}" * depth
    return (
        '{"id": "evt_nested", "topic": "order/created", "object": '
        f'{{"id": "T3JkZXI6MQ==", "extra": {nested}}}}}'
    ).encode()


@pytest.mark.parametrize("depth", [50, 400])
def test_nested_buyer_details_are_removed(client, depth):
    response = post_webhook(client, nested_order(depth))

    assert response.status_code == 200
    stored = bytes(WebhookEvent.objects.get().body)
    assert b"Sam Example" not in stored
    assert stored.count(b'"inner"') == depth


def test_too_deeply_nested_body_gets_400(client):
    response = post_webhook(client, nested_order(15_000))

    assert response.status_code == 400
    assert "too deeply" in response.json()["error"]


@pytest.mark.parametrize(
    "timestamp", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]
)
def test_timestamp_outside_utc_range_is_dropped(client, timestamp):
    envelope = example("listing_created")
    envelope["timestamp"] = timestamp

    response = post_webhook(client, encode(envelope))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.event_timestamp is None
    assert event.status == WebhookEvent.Status.RECEIVED
