"""Celery tasks that keep the cohort summary tables up to date."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

from research.cohorts.refresh import rebuild_summaries, refresh_summaries_for

logger = get_task_logger(__name__)


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def refresh_cohort_summaries_task(
    self,
    listing_ids: list[int] | None = None,
    dataset_id: int | None = None,
    seller_id: int | None = None,
) -> int:
    """Refresh the summaries for listings named by id, dataset or seller.

    Safe to run twice: a second run finds nothing to change. Ids of deleted
    listings are subtracted. A database error that can recover (a lock timeout,
    a deadlock) retries the task with backoff.
    """
    changed = refresh_summaries_for(
        listing_ids=listing_ids, dataset_id=dataset_id, seller_id=seller_id
    )
    logger.info(
        "Cohort summaries refreshed: %d listings changed (dataset=%s seller=%s)",
        changed,
        dataset_id,
        seller_id,
    )
    return changed


@shared_task(ignore_result=True)
def rebuild_cohort_summaries_task() -> int:
    """Recompute every cohort summary from the listing table."""
    included = rebuild_summaries()
    logger.info("Cohort summaries rebuilt from %d listings", included)
    return included
