"""Cohort trends over the market listings, served from summary tables.

The public entry points import their modules lazily because research.models
imports this package's models while the app registry loads.
"""

from __future__ import annotations

from collections.abc import Iterable


def refresh_summaries_for(
    listing_ids: Iterable[int] | None = None,
    dataset_id: int | None = None,
    seller_id: int | None = None,
) -> int:
    """Bring the summaries up to date for the named listings, synchronously.

    Call it after writing MarketListing rows (or after deleting them, with
    their ids or their dataset id). Returns how many listings changed the
    summaries. See research.cohorts.refresh for the contract.
    """
    from .refresh import refresh_summaries_for as refresh

    return refresh(listing_ids=listing_ids, dataset_id=dataset_id, seller_id=seller_id)


def enqueue_summary_refresh(
    listing_ids: Iterable[int] | None = None,
    dataset_id: int | None = None,
    seller_id: int | None = None,
) -> None:
    """Queue refresh_cohort_summaries_task once the current transaction commits."""
    from django.db import transaction

    from research.tasks.summaries import refresh_cohort_summaries_task

    ids = sorted({int(listing_id) for listing_id in listing_ids or ()}) or None
    transaction.on_commit(
        lambda: refresh_cohort_summaries_task.delay(
            listing_ids=ids, dataset_id=dataset_id, seller_id=seller_id
        )
    )


def rebuild_summaries() -> int:
    """Recompute every summary from the listing table; see refresh.py."""
    from .refresh import rebuild_summaries as rebuild

    return rebuild()
