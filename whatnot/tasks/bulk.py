"""Celery tasks for Whatnot bulk exports: start one, follow one, nightly runs.

They run on the exports queue. A follow task polls with a doubling delay
until the operation finishes; the bulk_operation/finished webhook calls the
same task at once, and whichever comes first ingests the result.
"""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.exceptions import ReconnectRequired, TokenRefreshError
from accounts.models import WhatnotConnection
from whatnot.client import WhatnotClient
from whatnot.client.errors import WhatnotError, WhatnotUnavailable
from whatnot.models import BulkOperationRun
from whatnot.services.bulk import (
    STALE_AFTER,
    adopt_operation,
    finish,
    follow_export,
    poll_delay,
    reserve_poll,
    start_listing_export,
    waited_too_long,
)

from .retry import retry_countdown

logger = get_task_logger(__name__)

MAX_RETRIES = 8


def _usable_connection(seller_user_id: int) -> WhatnotConnection | None:
    connection = (
        WhatnotConnection.objects.select_related("user")
        .filter(user_id=seller_user_id)
        .first()
    )
    if connection is None or connection.status != WhatnotConnection.Status.CONNECTED:
        status = connection.status if connection else "missing"
        logger.info(
            "no bulk export for seller %s: the Whatnot connection is %s",
            seller_user_id,
            status,
        )
        return None
    return connection


@shared_task(bind=True, max_retries=MAX_RETRIES, ignore_result=True)
def start_bulk_export_task(self, seller_user_id: int) -> None:
    """Start a listing export for a seller and schedule its first poll.

    Sellers who turned off market research are skipped. When the seller
    already runs a bulk operation, that one is followed instead.
    """
    connection = _usable_connection(seller_user_id)
    if connection is None:
        return
    if not connection.user.include_in_market_research:
        logger.info(
            "no bulk export for seller %s: market research is off", seller_user_id
        )
        return
    try:
        with WhatnotClient(connection.pk) as client:
            run = start_listing_export(connection.user, client)
    except (WhatnotUnavailable, TokenRefreshError) as exc:
        countdown = retry_countdown(exc, self.request.retries)
        logger.warning(
            "bulk export of seller %s not started: %s; retrying in %ss",
            seller_user_id,
            exc,
            countdown,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    except (ReconnectRequired, WhatnotError) as exc:
        logger.warning("bulk export of seller %s not started: %s", seller_user_id, exc)
        return
    schedule_follow(run)


def schedule_follow(run: BulkOperationRun, delay: float | None = None) -> bool:
    """Queue a follow of `run` after `delay` seconds (default: the next poll
    delay) unless one is already queued; return whether it queued one."""
    delay = poll_delay(run) if delay is None else delay
    if not reserve_poll(run, delay):
        return False
    follow_bulk_operation_task.apply_async(
        args=[run.seller_id, run.whatnot_id], countdown=delay
    )
    return True


@shared_task(
    bind=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
    soft_time_limit=3600,
    time_limit=3660,
)
def follow_bulk_operation_task(
    self, seller_user_id: int, operation_whatnot_id: str
) -> None:
    """Check a seller's bulk operation and act on its status.

    Safe to run twice and in any order with the webhook: a finished run is
    left alone and only one worker ingests a result. An operation selvedge
    did not start (the webhook of one started elsewhere) is followed too.
    """
    run = BulkOperationRun.objects.filter(
        whatnot_id=operation_whatnot_id, seller_id=seller_user_id
    ).first()
    if run is not None and run.is_finished:
        return
    connection = _usable_connection(seller_user_id)
    if connection is None:
        if run is not None:
            finish(
                run,
                BulkOperationRun.Status.FAILED,
                error="The Whatnot connection is not usable; connect Whatnot again.",
            )
        return
    if run is None:
        run = adopt_operation(connection.user, operation_whatnot_id)
    try:
        with WhatnotClient(connection.pk) as client:
            outcome = follow_export(run, client)
    except (WhatnotUnavailable, TokenRefreshError) as exc:
        countdown = retry_countdown(exc, self.request.retries)
        logger.warning(
            "bulk export %s not checked: %s; retrying in %ss",
            operation_whatnot_id,
            exc,
            countdown,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    except (ReconnectRequired, WhatnotError) as exc:
        finish(run, BulkOperationRun.Status.FAILED, error=str(exc))
        return
    if outcome.restarted_as is not None:
        schedule_follow(outcome.restarted_as)
    elif outcome.busy:
        # Look again once the other worker's hold would have gone stale.
        schedule_follow(run, delay=STALE_AFTER.total_seconds())
    elif outcome.waiting:
        run.refresh_from_db()
        if waited_too_long(run):
            hours = settings.WHATNOT_BULK_MAX_WAIT_SECONDS / 3600
            finish(
                run,
                BulkOperationRun.Status.FAILED,
                error=f"Whatnot did not finish the export within {hours:g} hours "
                "(WHATNOT_BULK_MAX_WAIT_SECONDS); selvedge stopped polling.",
            )
            return
        schedule_follow(run)


@shared_task(ignore_result=True)
def start_nightly_bulk_exports_task() -> int:
    """Queue a listing export for every connected seller in market research."""
    sellers = (
        get_user_model()
        .objects.filter(
            whatnot_connection__status=WhatnotConnection.Status.CONNECTED,
            include_in_market_research=True,
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    queued = 0
    for seller_id in sellers.iterator():
        start_bulk_export_task.delay(seller_id)
        queued += 1
    logger.info("queued nightly bulk exports for %s sellers", queued)
    return queued
