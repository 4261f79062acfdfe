"""Processing of stored webhook events.

Each event is processed at most once: the worker locks the event row, returns
at once unless the row is still ``received``, and commits the topic's effects
together with the new status. Running the task twice, or queueing an event
twice, therefore changes nothing the second time.

Errors fall into three groups. TransientWebhookError and database
OperationalError roll the attempt back and are retried by the task with
backoff. WebhookProcessingError, and any other exception, mark the event
failed at once with the reason, because retrying cannot help. Staff can replay
a failed event with replay_webhook_event.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import WhatnotConnection
from whatnot.models import WebhookEvent
from whatnot.webhooks.envelope import InvalidEnvelope, parse_envelope

from . import webhook_topics
from .webhook_topics import TransientWebhookError, WebhookProcessingError

logger = logging.getLogger(__name__)

HANDLERS = {
    "listing/created": webhook_topics.apply_listing_event,
    "listing/updated": webhook_topics.apply_listing_event,
    "product/sold": webhook_topics.apply_product_sold,
    "order/created": webhook_topics.apply_order_event,
    "order/updated": webhook_topics.apply_order_event,
    "bulk_operation/finished": webhook_topics.apply_bulk_operation_finished,
}
# Events of any other topic are stored as ignored and never queued.
HANDLED_TOPICS = frozenset(HANDLERS)

# Errors after which the same attempt can succeed later.
TRANSIENT_ERRORS = (TransientWebhookError, OperationalError, InterfaceError)

MAX_ERROR_LENGTH = 2000
DEFAULT_REQUEUE_LIMIT = 500
# Events per process_webhook_events_task message sent by the sweep.
REQUEUE_BATCH = 100

__all__ = [
    "HANDLED_TOPICS",
    "TRANSIENT_ERRORS",
    "TransientWebhookError",
    "WebhookProcessingError",
    "describe_error",
    "mark_event_failed",
    "process_webhook_event",
    "queue_event_batches",
    "queue_event_processing",
    "record_failed_attempt",
    "replay_webhook_event",
    "requeue_overdue_events",
]


def queue_event_processing(event_pk: int) -> None:
    """Send the processing task for one event to the broker.

    A broker failure is logged and swallowed: the event is stored as received,
    and the requeue sweep queues it again once it is overdue.
    """
    from whatnot.tasks.webhooks import process_webhook_event_task

    try:
        process_webhook_event_task.delay(event_pk)
    except Exception:
        logger.warning(
            "Queueing webhook event %s failed; the requeue sweep will queue it again",
            event_pk,
            exc_info=True,
        )


def queue_event_batches(event_pks: list[int]) -> None:
    """Send events to the broker in batches of REQUEUE_BATCH ids per task.

    Failures are logged and swallowed, as in queue_event_processing.
    """
    from whatnot.tasks.webhooks import process_webhook_events_task

    for start in range(0, len(event_pks), REQUEUE_BATCH):
        batch = event_pks[start : start + REQUEUE_BATCH]
        try:
            process_webhook_events_task.delay(batch)
        except Exception:
            logger.warning(
                "Queueing %s webhook events failed; the requeue sweep will "
                "queue them again",
                len(batch),
                exc_info=True,
            )


def process_webhook_event(event_pk: int) -> str | None:
    """Apply one stored event's effects and return its resulting status.

    Return None when the row no longer exists. Transient errors propagate, with
    nothing written, so that the task can retry.
    """
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None:
            return None
        if event.status != WebhookEvent.Status.RECEIVED:
            return event.status
        event.attempts += 1
        try:
            # A savepoint, so that a failed handler leaves no partial effects
            # while the event row still records the failure.
            with transaction.atomic():
                _apply(event)
        except TRANSIENT_ERRORS:
            raise
        except WebhookProcessingError as exc:
            _fail(event, str(exc))
            logger.warning(
                "Webhook event %s (%s) failed: %s", event.event_id, event.topic, exc
            )
        except Exception as exc:
            _fail(event, f"unexpected error: {exc.__class__.__name__}: {exc}")
            logger.exception(
                "Webhook event %s (%s) failed with an unexpected error",
                event.event_id,
                event.topic,
            )
        else:
            event.status = WebhookEvent.Status.PROCESSED
            event.processed_at = timezone.now()
            event.next_attempt_at = None
            event.last_error = ""
        event.save(
            update_fields=[
                "status",
                "attempts",
                "processed_at",
                "next_attempt_at",
                "last_error",
            ]
        )
    return event.status


def _apply(event: WebhookEvent) -> None:
    handler = HANDLERS.get(event.topic)
    if handler is None:
        raise WebhookProcessingError(f"topic {event.topic!r} has no handler")
    try:
        envelope = parse_envelope(bytes(event.body), event.seller_whatnot_id)
    except InvalidEnvelope as exc:
        raise WebhookProcessingError(f"stored body is invalid: {exc}") from exc
    seller = seller_for_event(event)
    handler(event, seller, envelope.payload)


def _fail(event: WebhookEvent, reason: str) -> None:
    event.status = WebhookEvent.Status.FAILED
    event.last_error = reason[:MAX_ERROR_LENGTH]
    event.next_attempt_at = None


def seller_for_event(event: WebhookEvent):
    """Return the selvedge user whose WhatnotConnection has the event's seller id.

    An event for a seller selvedge does not know is a failure, not an ignored
    event, so that staff see it and can replay it after the seller connects.
    """
    if not event.seller_whatnot_id:
        raise WebhookProcessingError(
            "the event names no seller: the envelope has no seller_id and the "
            "delivery had no X-Whatnot-Seller-Id header"
        )
    user_id = (
        WhatnotConnection.objects.filter(whatnot_user_id=event.seller_whatnot_id)
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        raise WebhookProcessingError(
            f"no connected seller has Whatnot user id {event.seller_whatnot_id!r}; "
            "replay the event after the seller connects their store"
        )
    return get_user_model().objects.get(pk=user_id)


def record_failed_attempt(event_pk: int, error: BaseException, retry_within: float):
    """Store a transient failure on a received event that will be retried.

    ``retry_within`` is the longest delay, in seconds, before the retry runs;
    the requeue sweep leaves the event alone until then.
    """
    now = timezone.now()
    received = WebhookEvent.objects.filter(
        pk=event_pk, status=WebhookEvent.Status.RECEIVED
    )
    received.update(
        attempts=F("attempts") + 1,
        last_error=describe_error(error),
        next_attempt_at=now + timedelta(seconds=retry_within),
    )


def mark_event_failed(event_pk: int, error: BaseException) -> None:
    """Mark a received event failed after its last attempt, counting it."""
    updated = WebhookEvent.objects.filter(
        pk=event_pk, status=WebhookEvent.Status.RECEIVED
    ).update(
        status=WebhookEvent.Status.FAILED,
        attempts=F("attempts") + 1,
        last_error=describe_error(error),
        next_attempt_at=None,
    )
    if updated:
        logger.warning("Webhook event %s failed after retries: %s", event_pk, error)


def describe_error(error: BaseException) -> str:
    if isinstance(error, TransientWebhookError | WebhookProcessingError):
        return str(error)[:MAX_ERROR_LENGTH]
    return f"{error.__class__.__name__}: {error}"[:MAX_ERROR_LENGTH]


def replay_webhook_event(event_pk: int) -> bool:
    """Queue a failed event for processing again, for staff.

    Return False, changing nothing, unless the event exists and is failed.
    """
    with transaction.atomic():
        updated = WebhookEvent.objects.filter(
            pk=event_pk, status=WebhookEvent.Status.FAILED
        ).update(
            status=WebhookEvent.Status.RECEIVED,
            replay_count=F("replay_count") + 1,
            last_error="",
            next_attempt_at=timezone.now(),
        )
        if updated:
            transaction.on_commit(partial(queue_event_processing, event_pk))
    if updated:
        logger.info("Webhook event %s queued for replay", event_pk)
    return bool(updated)


def requeue_overdue_events(
    overdue_after: timedelta | None = None, limit: int = DEFAULT_REQUEUE_LIMIT
) -> int:
    """Queue received events whose processing is overdue and return how many.

    An event is overdue when no attempt has finished by ``overdue_after`` past
    its next_attempt_at: its message was lost with a killed worker, never
    reached the broker, or is waiting behind a backlog. Queueing it again is
    safe because processing is idempotent. Each requeue moves next_attempt_at
    to now, so a backlog is queued again at most once per ``overdue_after``.
    """
    if overdue_after is None:
        overdue_after = timedelta(seconds=settings.WHATNOT_WEBHOOK_REQUEUE_AFTER)
    now = timezone.now()
    with transaction.atomic():
        event_pks = list(
            WebhookEvent.objects.filter(
                status=WebhookEvent.Status.RECEIVED,
                next_attempt_at__lt=now - overdue_after,
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not event_pks:
            return 0
        WebhookEvent.objects.filter(pk__in=event_pks).update(next_attempt_at=now)
        transaction.on_commit(partial(queue_event_batches, event_pks))
    logger.info("Queued %s overdue webhook events again", len(event_pks))
    return len(event_pks)
