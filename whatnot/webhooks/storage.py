"""Writes made while receiving a webhook: the event row and the counters.

The hot path is store_event: one INSERT statement, committed on its own, with
the event handed to the batch dispatcher on commit. Everything else runs only for
duplicates, rejected signatures and invalid bodies.
"""

from __future__ import annotations

import logging
from functools import lru_cache, partial

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import WhatnotConnection
from whatnot.models import WebhookDeliveryCounter, WebhookEvent
from whatnot.services.webhooks import HANDLED_TOPICS

from .dispatch import dispatcher
from .envelope import Envelope, InvalidEnvelope, invalid_event_id

logger = logging.getLogger(__name__)


def store_event(envelope: Envelope, body: bytes, redacted: bool) -> str | None:
    """Insert the event and, after commit, hand it to the batch dispatcher.

    Return the stored status, or None when an event with the same id exists
    already. The decision is the INSERT's own: ``ON CONFLICT (event_id) DO
    NOTHING`` inserts no row for a known id, so two concurrent deliveries of
    one event store exactly one row, and a duplicate raises no error.
    """
    now = timezone.now()
    handled = envelope.topic in HANDLED_TOPICS
    status = WebhookEvent.Status.RECEIVED if handled else WebhookEvent.Status.IGNORED
    event_pk = insert_event(
        {
            "event_id": envelope.event_id,
            "topic": envelope.topic,
            "seller_whatnot_id": envelope.seller_whatnot_id,
            "event_timestamp": envelope.timestamp,
            "body": body,
            "body_redacted": redacted,
            "received_at": now,
            "status": status,
            "next_attempt_at": now if handled else None,
            "processed_at": None if handled else now,
            "last_error": "" if handled else "topic has no handler",
        }
    )
    if event_pk is None:
        return None
    if handled:
        # In autocommit mode the INSERT has committed and this runs at once;
        # inside an outer transaction it waits for that transaction's commit.
        transaction.on_commit(partial(dispatcher.add, event_pk))
    return status


@lru_cache(maxsize=4)
def _insert_statement(vendor: str) -> tuple[str, tuple]:
    """Build the INSERT for WebhookEvent from the model, once per vendor."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = WebhookEvent._meta
    fields = tuple(field for field in meta.concrete_fields if not field.primary_key)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only quoted names from the model go into the text; values are parameters.
    table = quote(meta.db_table)
    unique = quote(meta.get_field("event_id").column)
    statement = (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    return statement, fields


def insert_event(values: dict) -> int | None:
    """Insert one WebhookEvent row and return its primary key, or None when
    its event_id is taken.

    One SQL statement in autocommit mode, because create() inside atomic()
    took about twice its CPU time (see docs/benchmarks.md). Fields missing
    from ``values`` get their model defaults, and every value goes through its
    field's get_db_prep_save, as in the ORM.
    """
    # The wrapper itself rather than django.db.connection, a proxy that costs a
    # thread-local lookup on each of the many attribute reads below.
    database = connections[DEFAULT_DB_ALIAS]
    statement, fields = _insert_statement(database.vendor)
    parameters = [
        field.get_db_prep_save(
            values[field.attname] if field.attname in values else field.get_default(),
            database,
        )
        for field in fields
    ]
    with database.cursor() as cursor:
        cursor.execute(statement, parameters)
        row = cursor.fetchone()
    return row[0] if row else None


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
    """Count a delivery whose signature failed, under the seller it claimed.

    The claim is unsigned, so a claimed id that no connected seller has is
    counted under "" instead: forged deliveries cannot add counter rows.
    """
    known = WhatnotConnection.objects.filter(whatnot_user_id=seller_whatnot_id).exists()
    with transaction.atomic():
        _increment_counter(
            seller_whatnot_id if known else "",
            "rejected_signatures",
            "last_rejected_at",
            timezone.now(),
        )


def store_invalid(body: bytes, error: InvalidEnvelope, seller_whatnot_id: str) -> str:
    """Keep a verified body that is not a usable envelope, for staff to read.

    Return the synthetic event id. Retries of the same body land on the same
    row and only raise its duplicate count.

    NOTE: the body is kept byte for byte, because it cannot be parsed, so
    buyer details in it are stored too.
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
