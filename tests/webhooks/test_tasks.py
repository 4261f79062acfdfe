"""The processing task's retries and the requeue sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.webhooks.conftest import encode, example, post_webhook
from tests.webhooks.factories import ListingFactory
from whatnot.models import Sale, WebhookEvent
from whatnot.services.webhooks import requeue_overdue_events
from whatnot.tasks.webhooks import MAX_RETRIES, process_webhook_event_task

pytestmark = pytest.mark.django_db


def deliver(client, envelope: dict) -> WebhookEvent:
    assert post_webhook(client, encode(envelope)).status_code == 200
    return WebhookEvent.objects.get(event_id=envelope["id"])


def test_task_retries_transient_error_then_marks_event_failed(client, connection):
    event = deliver(client, example("product_sold"))

    result = process_webhook_event_task.apply(args=[event.pk])

    assert result.failed()
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.FAILED
    assert "no listing of product UHJvZHVjdDo3NzMwMDE1" in event.last_error
    assert event.attempts == MAX_RETRIES + 1
    assert event.next_attempt_at is None
    assert Sale.objects.count() == 0


def test_task_processes_event_once_listing_exists(client, connection):
    ListingFactory(
        seller=connection.user,
        variant__product__seller=connection.user,
        variant__product__whatnot_id="UHJvZHVjdDo3NzMwMDE1",
        quantity=2,
    )
    event = deliver(client, example("product_sold"))

    result = process_webhook_event_task.apply(args=[event.pk])

    assert result.successful()
    assert result.result == WebhookEvent.Status.PROCESSED
    assert Sale.objects.count() == 1


def test_requeue_sweep_queues_only_overdue_received_events(
    client, connection, django_capture_on_commit_callbacks
):
    overdue = deliver(client, example("listing_created"))
    recent = deliver(client, example("listing_updated"))
    finished = deliver(client, example("order_created"))
    recent_due = recent.next_attempt_at
    now = timezone.now()
    WebhookEvent.objects.filter(pk=overdue.pk).update(
        next_attempt_at=now - timedelta(minutes=10)
    )
    WebhookEvent.objects.filter(pk=finished.pk).update(
        status=WebhookEvent.Status.PROCESSED,
        next_attempt_at=now - timedelta(minutes=10),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        queued = requeue_overdue_events(overdue_after=timedelta(minutes=2))

    assert queued == 1
    assert len(callbacks) == 1
    overdue.refresh_from_db()
    assert overdue.next_attempt_at >= now
    recent.refresh_from_db()
    assert recent.next_attempt_at == recent_due


def test_requeue_sweep_waits_a_full_period_before_queueing_again(client, connection):
    event = deliver(client, example("listing_created"))
    WebhookEvent.objects.filter(pk=event.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=10)
    )

    first = requeue_overdue_events(overdue_after=timedelta(minutes=2))
    second = requeue_overdue_events(overdue_after=timedelta(minutes=2))

    assert (first, second) == (1, 0)


def test_requeue_sweep_honours_its_batch_limit(client, connection):
    for number in range(3):
        envelope = example("listing_created")
        envelope["id"] = f"evt_overdue_{number}"
        deliver(client, envelope)
    WebhookEvent.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))

    queued = requeue_overdue_events(overdue_after=timedelta(minutes=2), limit=2)

    assert queued == 2
