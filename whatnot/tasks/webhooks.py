"""Celery tasks that process stored webhook events (queue ``webhooks``)."""

from __future__ import annotations

from celery import Task, shared_task
from celery.utils.log import get_task_logger

from whatnot.services.webhooks import (
    TRANSIENT_ERRORS,
    describe_error,
    mark_event_failed,
    process_webhook_event,
    record_failed_attempt,
    requeue_overdue_events,
)

logger = get_task_logger(__name__)

# Exponential backoff with full jitter: retry n waits a random delay of at most
# 5 * 2**n seconds (5, 10, 20, 40, 80), so the last retry runs within about
# 2.5 minutes of the first attempt.
RETRY_BACKOFF = 5
RETRY_BACKOFF_MAX = 300
MAX_RETRIES = 5


class WebhookEventTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Mark the event failed once the task gives up on it."""
        event_pk = args[0] if args else kwargs.get("event_id")
        if event_pk is not None:
            mark_event_failed(event_pk, exc)


@shared_task(
    bind=True,
    base=WebhookEventTask,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def process_webhook_event_task(self, event_id: int) -> str | None:
    """Process the WebhookEvent with primary key ``event_id``.

    Safe to run any number of times: only a received event is processed, and
    its effects commit together with its new status. Transient errors are
    retried with backoff; after the last retry the event is marked failed.
    """
    try:
        return process_webhook_event(event_id)
    except TRANSIENT_ERRORS as exc:
        retries = self.request.retries
        logger.warning(
            "Webhook event %s attempt %s of %s failed: %s",
            event_id,
            retries + 1,
            MAX_RETRIES + 1,
            exc,
        )
        if retries < MAX_RETRIES:
            longest_delay = min(RETRY_BACKOFF * 2**retries, RETRY_BACKOFF_MAX)
            record_failed_attempt(event_id, exc, retry_within=longest_delay + 1)
        raise


@shared_task(ignore_result=True)
def process_webhook_events_task(event_ids: list[int]) -> None:
    """Process a batch of WebhookEvents, given by primary key, one by one.

    Each event commits on its own. An event that hits a transient error is
    handed to process_webhook_event_task, which retries it with backoff, so
    one slow event does not hold up or repeat the rest of the batch.
    """
    for event_id in event_ids:
        try:
            process_webhook_event(event_id)
        except TRANSIENT_ERRORS as exc:
            _retry_alone(event_id, exc)


def _retry_alone(event_id: int, error: BaseException) -> None:
    logger.warning(
        "Webhook event %s failed in a batch, retrying on its own: %s",
        event_id,
        describe_error(error),
    )
    try:
        record_failed_attempt(event_id, error, retry_within=RETRY_BACKOFF + 1)
        process_webhook_event_task.apply_async((event_id,), countdown=RETRY_BACKOFF)
    except Exception:
        logger.warning(
            "Queueing a retry of webhook event %s failed; the requeue sweep "
            "will queue it again",
            event_id,
            exc_info=True,
        )


@shared_task(ignore_result=True)
def requeue_overdue_webhook_events_task() -> int:
    """Queue received events whose processing is overdue; beat runs this."""
    return requeue_overdue_events()
