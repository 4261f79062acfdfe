"""Keep a seller's market rows in line with their market research switch."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from whatnot.models import PLATFORM_WHATNOT, Listing

from .models import MarketListing

# Listing ids per mirror task when a seller turns market research back on.
MIRROR_CHUNK = 500


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def follow_market_research_switch(sender, instance, update_fields=None, **kwargs):
    """Remove or restore a seller's Whatnot market rows after the switch moved.

    Saves that name update_fields without the switch (a login's last_login)
    are ignored. Work is queued on commit, so a rolled-back save queues none.
    """
    if update_fields is not None and "include_in_market_research" not in update_fields:
        return
    from .tasks.imports import (
        mirror_whatnot_listings_task,
        remove_seller_market_listings_task,
    )

    user_id = instance.pk
    has_rows = MarketListing.objects.filter(
        platform=PLATFORM_WHATNOT, seller_id=user_id
    ).exists()
    if not instance.include_in_market_research:
        if has_rows:
            transaction.on_commit(
                lambda: remove_seller_market_listings_task.delay(user_id)
            )
        return
    if has_rows:
        return
    listing_ids = list(
        Listing.objects.filter(seller_id=user_id, whatnot_id__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(listing_ids), MIRROR_CHUNK):
        chunk = listing_ids[start : start + MIRROR_CHUNK]
        transaction.on_commit(
            lambda chunk=chunk: mirror_whatnot_listings_task.delay(chunk)
        )
