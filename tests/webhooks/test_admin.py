"""Staff pages for webhook events: list, detail, replay action, health."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import ensure_role_groups
from tests.factories import UserFactory
from tests.webhooks.conftest import SELLER_WHATNOT_ID, encode, example, post_webhook
from tests.webhooks.factories import WhatnotConnectionFactory
from whatnot.models import WebhookEvent
from whatnot.services.webhooks import process_webhook_event

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:whatnot_webhookevent_changelist")
HEALTH = reverse("admin:whatnot_webhookevent_health")


@pytest.fixture
def staff_client(client, staff_user):
    """A client signed in as staff, with the staff role's permissions."""
    ensure_role_groups()
    client.force_login(staff_user)
    return client


def failed_event(client, event_id: str) -> WebhookEvent:
    envelope = example("listing_created")
    envelope["id"] = event_id
    post_webhook(client, encode(envelope))
    event = WebhookEvent.objects.get(event_id=event_id)
    process_webhook_event(event.pk)
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.FAILED
    return event


def test_changelist_lists_and_finds_event_by_id(client, staff_client):
    post_webhook(client, encode(example("listing_created")))
    post_webhook(client, encode(example("order_created")))

    everything = staff_client.get(CHANGELIST)
    found = staff_client.get(CHANGELIST, {"q": "evt_01HWN0OC6H2J8N4P"})

    assert everything.status_code == 200
    assert "evt_01HWN0LC2F5A7X0B" in everything.content.decode()
    assert found.status_code == 200
    page = found.content.decode()
    assert "evt_01HWN0OC6H2J8N4P" in page
    assert "evt_01HWN0LC2F5A7X0B" not in page


def test_changelist_filters_by_status(client, staff_client):
    failed_event(client, "evt_failed_one")
    envelope = example("listing_created")
    envelope["topic"] = "storefront/redecorated"
    post_webhook(client, encode(envelope))

    response = staff_client.get(CHANGELIST, {"status__exact": "failed"})

    page = response.content.decode()
    assert "evt_failed_one" in page
    assert "evt_01HWN0LC2F5A7X0B" not in page


def test_detail_shows_raw_body_read_only(client, staff_client):
    post_webhook(client, b'{"id": "evt_x", "topic": <b>broken')
    event = WebhookEvent.objects.get()

    response = staff_client.get(
        reverse("admin:whatnot_webhookevent_change", args=[event.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "&lt;b&gt;broken" in page
    assert "<b>broken" not in page
    assert 'name="body"' not in page
    assert "not valid JSON" in page


def test_replay_action_queues_failed_events_and_reports(
    client, staff_client, django_capture_on_commit_callbacks
):
    first = failed_event(client, "evt_failed_one")
    second = failed_event(client, "evt_failed_two")
    post_webhook(client, encode(example("order_created")))
    pending = WebhookEvent.objects.get(event_id="evt_01HWN0OC6H2J8N4P")

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(
            CHANGELIST,
            {
                "action": "replay_failed_events",
                "_selected_action": [first.pk, second.pk, pending.pk],
            },
            follow=True,
        )

    page = response.content.decode()
    assert "Queued 2 failed event(s) for processing" in page
    assert "evt_failed_one" in page
    assert (
        "Skipped 1 event(s) that are not failed: evt_01HWN0OC6H2J8N4P (received)"
        in (page)
    )
    assert len(callbacks) == 2
    statuses = set(
        WebhookEvent.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", "replay_count"
        )
    )
    assert statuses == {(WebhookEvent.Status.RECEIVED, 1)}


def test_replay_action_needs_change_permission(client, db):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_webhookevent"))
    client.force_login(viewer)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert "replay_failed_events" not in response.content.decode()


def test_health_page_shows_each_seller(client, staff_client):
    connection = WhatnotConnectionFactory(whatnot_user_id=SELLER_WHATNOT_ID)
    post_webhook(client, encode(example("order_created")))
    post_webhook(client, encode(example("order_created")))
    post_webhook(client, encode(example("order_created")), signature="0" * 64)

    response = staff_client.get(HEALTH)

    page = response.content.decode()
    assert response.status_code == 200
    assert SELLER_WHATNOT_ID in page
    assert connection.user.username in page
    assert HEALTH in staff_client.get(CHANGELIST).content.decode()


def test_health_page_is_staff_only(client, seller):
    client.force_login(seller)

    response = client.get(HEALTH)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
