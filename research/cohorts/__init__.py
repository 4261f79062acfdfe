"""Cohort trends over the market listings, served from summary tables.

The public entry points are imported lazily because research.models imports
this package's models while the app registry loads.
"""

from __future__ import annotations


def refresh_summaries_for(listing_ids=None, dataset_id=None, seller_id=None) -> int:
    """Bring the summaries up to date for the named listings; see refresh.py."""
    from .refresh import refresh_summaries_for as refresh

    return refresh(listing_ids=listing_ids, dataset_id=dataset_id, seller_id=seller_id)


def rebuild_summaries() -> int:
    """Recompute every summary from the listing table; see refresh.py."""
    from .refresh import rebuild_summaries as rebuild

    return rebuild()
