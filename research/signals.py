"""Keep the summaries and the market rows in line with a seller's market
research switch."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from research.cohorts import enqueue_summary_refresh
from whatnot.models import PLATFORM_WHATNOT, Listing

from .models import MarketListing

User = get_user_model()

# Listing ids per mirror task when a seller turns market research back on.
MIRROR_CHUNK = 500


@receiver(pre_save, sender=User, dispatch_uid="research_remember_research_choice")
def remember_research_choice(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._previous_include_in_market_research = None
        return
    instance._previous_include_in_market_research = (
        sender.objects.filter(pk=instance.pk)
        .values_list("include_in_market_research", flat=True)
        .first()
    )


@receiver(post_save, sender=User, dispatch_uid="research_refresh_on_research_choice")
def refresh_on_research_choice(sender, instance, created, **kwargs) -> None:
    previous = getattr(instance, "_previous_include_in_market_research", None)
    if created or previous is None:
        return
    if previous != instance.include_in_market_research:
        enqueue_summary_refresh(seller_id=instance.pk)


@receiver(post_save, sender=User, dispatch_uid="research_mirror_on_research_choice")
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
