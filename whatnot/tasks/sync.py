"""Celery tasks that run sync runs. Beat queues the periodic ones; see
CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.conf import settings

from accounts.exceptions import ReconnectRequired, TokenRefreshError
from accounts.models import WhatnotConnection
from whatnot.client import WhatnotClient
from whatnot.client.errors import WhatnotError, WhatnotUnavailable
from whatnot.models import SyncRun
from whatnot.services.sync import (
    LeaseLost,
    claim_run,
    enqueue_run,
    fail_run,
    queue_sync,
    release_run,
    run_sync,
)

from .retry import retry_countdown

logger = get_task_logger(__name__)

MAX_RETRIES = 8


@shared_task(bind=True, max_retries=MAX_RETRIES, ignore_result=True)
def sync_seller_task(self, sync_run_id: int) -> None:
    """Run or resume sync run ``sync_run_id``.

    Safe to run twice: a run that is finished, or held by a live worker, is
    left alone. After WHATNOT_SYNC_TASK_BUDGET_SECONDS the task stores its
    cursor and enqueues its own continuation. Whatnot outages are retried with
    backoff; every other failure ends the run with its message.
    """
    run = claim_run(sync_run_id)
    if run is None:
        logger.info("Sync run %s is finished or held by another worker", sync_run_id)
        return
    connection = WhatnotConnection.objects.filter(user_id=run.seller_id).first()
    if connection is None or connection.status != WhatnotConnection.Status.CONNECTED:
        status = connection.status if connection else "missing"
        logger.info(
            "Skipping sync run %s: the Whatnot connection of seller %s is %s",
            run.pk,
            run.seller_id,
            status,
        )
        fail_run(run, f"The Whatnot connection is {status}; connect Whatnot again.")
        return
    deadline = time.monotonic() + settings.WHATNOT_SYNC_TASK_BUDGET_SECONDS
    try:
        with WhatnotClient(connection.pk) as client:
            finished = run_sync(run, client, deadline=deadline)
    except LeaseLost as exc:
        logger.warning("Sync run %s stopped: %s", run.pk, exc)
        return
    except SoftTimeLimitExceeded:
        logger.warning("Sync run %s hit the soft time limit; continuing later", run.pk)
        finished = False
    except ReconnectRequired as exc:
        fail_run(run, f"Whatnot needs to be connected again: {exc}")
        return
    except (WhatnotUnavailable, TokenRefreshError) as exc:
        release_run(run)
        if self.request.retries >= MAX_RETRIES:
            fail_run(
                run, f"Whatnot stayed unavailable after {MAX_RETRIES} retries: {exc}"
            )
            return
        countdown = retry_countdown(exc, self.request.retries)
        logger.warning(
            "Sync run %s paused: %s; retrying in %ss", run.pk, exc, countdown
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    except WhatnotError as exc:
        fail_run(run, str(exc))
        return
    except Exception as exc:
        logger.exception("Sync run %s failed unexpectedly", run.pk)
        fail_run(run, f"Unexpected error ({type(exc).__name__}); see the worker log.")
        raise
    if not finished:
        release_run(run)
        enqueue_run(run.pk)


@shared_task(ignore_result=True)
def sync_all_sellers_task() -> None:
    """Queue an incremental sync for every connected seller (beat).

    Also resumes runs whose worker died: queue_sync enqueues a seller's active
    run again once its lease has lapsed.
    """
    _queue_for_connected_sellers(SyncRun.Kind.INCREMENTAL)


@shared_task(ignore_result=True)
def reconcile_all_sellers_task() -> None:
    """Queue the nightly reconciliation sweep for every connected seller."""
    _queue_for_connected_sellers(SyncRun.Kind.RECONCILE)


def _queue_for_connected_sellers(kind: str) -> None:
    queued = 0
    connections = WhatnotConnection.objects.select_related("user").order_by("pk")
    for connection in connections.iterator():
        if connection.status != WhatnotConnection.Status.CONNECTED:
            logger.info(
                "Skipping %s sync of seller %s: Whatnot connection %s is %s",
                kind,
                connection.user_id,
                connection.pk,
                connection.status,
            )
            continue
        run = queue_sync(connection.user, kind=kind)
        if run.kind != kind:
            logger.info(
                "Seller %s already has %s sync run %s; no %s run queued",
                connection.user_id,
                run.kind,
                run.pk,
                kind,
            )
        queued += 1
    logger.info("Queued %s syncs for %s sellers", kind, queued)
