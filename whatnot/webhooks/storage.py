"""Writes made while receiving a webhook: the event row and the counters.

The hot path is store_event: one INSERT in one transaction, with the event
handed to the batch dispatcher on commit. Everything else runs only for
duplicates, rejected signatures and invalid bodies.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from whatnot.models import WebhookDeliveryCounter, WebhookEvent
from whatnot.services.webhooks import HANDLED_TOPICS

from .dispatch import dispatcher
from .envelope import Envelope, InvalidEnvelope, invalid_event_id

logger = logging.getLogger(__name__)


def store_event(envelope: Envelope, body: bytes, redacted: bool) -> str | None:
    """Insert the event and, after commit, hand it to the batch dispatcher.

    Return the stored status, or None when an event with the same id exists
    already. The unique index on event_id makes that decision inside the
    inserting transaction, so two concurrent deliveries of one event store
    exactly one row.
    """
    now = timezone.now()
    handled = envelope.topic in HANDLED_TOPICS
    status = WebhookEvent.Status.RECEIVED if handled else WebhookEvent.Status.IGNORED
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                event_id=envelope.event_id,
                topic=envelope.topic,
                seller_whatnot_id=envelope.seller_whatnot_id,
                event_timestamp=envelope.timestamp,
                body=body,
                body_redacted=redacted,
                received_at=now,
                status=status,
                next_attempt_at=now if handled else None,
                processed_at=None if handled else now,
                last_error="" if handled else "topic has no handler",
            )
            if handled:
                transaction.on_commit(partial(dispatcher.add, event.pk))
    except IntegrityError:
        if not WebhookEvent.objects.filter(event_id=envelope.event_id).exists():
            raise
        return None
    return status


def record_duplicate(envelope: Envelope) -> None:
    """Count a redelivery of an event that is stored already."""
    now = timezone.now()
    with transaction.atomic():
        WebhookEvent.objects.filter(event_id=envelope.event_id).update(
            duplicate_count=F("duplicate_count") + 1
        )
        _increment_counter(
            envelope.seller_whatnot_id, "duplicates", "last_duplicate_at", now
        )


def record_rejected_signature(seller_whatnot_id: str) -> None:
    """Count a delivery whose signature failed, under the seller it claimed."""
    with transaction.atomic():
        _increment_counter(
            seller_whatnot_id[:128],
            "rejected_signatures",
            "last_rejected_at",
            timezone.now(),
        )


def store_invalid(body: bytes, error: InvalidEnvelope, seller_whatnot_id: str) -> str:
    """Keep a verified body that is not a usable envelope, for staff to read.

    Return the synthetic event id. Retries of the same body land on the same
    row and only raise its duplicate count.
    """
    event_id = invalid_event_id(body)
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                event_id=event_id,
                topic=error.topic,
                seller_whatnot_id=seller_whatnot_id[:128],
                body=body,
                status=WebhookEvent.Status.INVALID,
                last_error=str(error),
            )
    except IntegrityError:
        updated = WebhookEvent.objects.filter(event_id=event_id).update(
            duplicate_count=F("duplicate_count") + 1
        )
        if not updated:
            raise
    return event_id


def _increment_counter(seller_whatnot_id: str, field: str, time_field: str, now):
    changes = {field: F(field) + 1, time_field: now}
    counters = WebhookDeliveryCounter.objects.filter(
        seller_whatnot_id=seller_whatnot_id
    )
    if counters.update(**changes):
        return
    try:
        with transaction.atomic():
            WebhookDeliveryCounter.objects.create(
                seller_whatnot_id=seller_whatnot_id, **{field: 1, time_field: now}
            )
    except IntegrityError:
        # Another request created the row between the update and the insert.
        counters.update(**changes)
