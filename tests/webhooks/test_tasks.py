"""The processing task's retries and the requeue sweep."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fixtures.processes import running_worker, wait_until
from tests.webhooks.conftest import encode, example, post_webhook
from tests.webhooks.factories import ListingFactory
from whatnot.models import Sale, WebhookEvent
from whatnot.services.webhooks import requeue_overdue_events
from whatnot.tasks.webhooks import (
    MAX_RETRIES,
    process_webhook_event_task,
    process_webhook_events_task,
)
from whatnot.webhooks.dispatch import BatchDispatcher

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


def test_requeue_sweep_waits_full_period(client, connection):
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


def test_batch_task_hands_off_transient_events(client, connection):
    created = deliver(client, example("listing_created"))
    order = deliver(client, example("order_created"))
    unknown_product = example("product_sold")
    unknown_product["object"]["product_id"] = "UHJvZHVjdDpVTktOT1dO"
    sold = deliver(client, unknown_product)

    result = process_webhook_events_task.apply(args=[[created.pk, sold.pk, order.pk]])

    assert result.successful()
    statuses = dict(WebhookEvent.objects.values_list("pk", "status"))
    assert statuses[created.pk] == WebhookEvent.Status.PROCESSED
    assert statuses[order.pk] == WebhookEvent.Status.PROCESSED
    sold.refresh_from_db()
    assert sold.status == WebhookEvent.Status.RECEIVED
    assert sold.attempts == 1
    assert "no listing of product" in sold.last_error
    assert sold.next_attempt_at > timezone.now()


@pytest.mark.django_db(transaction=False)
def test_dispatcher_sends_ids_gathered_together_as_one_batch():
    sent: list[list[int]] = []
    done = threading.Event()

    def publish(batch):
        sent.append(batch)
        done.set()

    dispatcher = BatchDispatcher(publish, gather_seconds=0.2)

    for event_pk in (11, 12, 13):
        dispatcher.add(event_pk)

    assert done.wait(5)
    assert sent == [[11, 12, 13]]


def test_dispatcher_splits_large_batches():
    sent: list[list[int]] = []
    dispatcher = BatchDispatcher(sent.append, gather_seconds=60, max_batch=2)
    for event_pk in range(5):
        dispatcher.add(event_pk)

    dispatcher.flush()

    assert sent == [[0, 1], [2, 3], [4]]


def test_dispatcher_logs_failed_send_and_carries_on(caplog):
    sent: list[list[int]] = []

    def publish(batch):
        if batch == [1]:
            raise ConnectionError("broker down")
        sent.append(batch)

    dispatcher = BatchDispatcher(publish, gather_seconds=60)
    dispatcher.add(1)
    dispatcher.flush()
    dispatcher.add(2)
    dispatcher.flush()

    assert sent == [[2]]
    assert "Queueing 1 webhook events failed" in caplog.text


@pytest.mark.slow
def test_dispatcher_batches_reach_a_real_worker(client, connection, transactional_db):
    with running_worker(queues="webhooks"):
        for number in range(20):
            envelope = example("listing_created")
            envelope["id"] = f"evt_dispatch_{number}"
            envelope["object"]["id"] = f"TGlzdGluZzpkaXNwYXRjaA{number}"
            assert post_webhook(client, encode(envelope)).status_code == 200

        wait_until(
            lambda: WebhookEvent.objects.filter(status="processed").count() == 20,
            timeout=90,
            message="the worker did not process all 20 dispatched events",
        )
