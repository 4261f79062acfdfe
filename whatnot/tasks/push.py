"""Celery task that pushes a listing's local values to Whatnot."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

from accounts.exceptions import TokenRefreshError
from accounts.models import WhatnotConnection
from whatnot.client import WhatnotClient
from whatnot.client.errors import WhatnotUnavailable
from whatnot.models import Listing
from whatnot.services.push import PushBusy, mark_push_failed, push_listing

from .retry import retry_countdown

logger = get_task_logger(__name__)

MAX_RETRIES = 6
BUSY_COUNTDOWN = 15


@shared_task(bind=True, max_retries=MAX_RETRIES, ignore_result=True)
def push_listing_task(self, listing_id: int) -> None:
    """Push listing ``listing_id`` if it is pending.

    Safe to run twice: a listing that is no longer pending is left alone, and
    a create first looks for the product an interrupted try made. Whatnot
    outages are retried with backoff; after the last retry the listing is
    marked failed with the message.
    """
    listing = (
        Listing.objects.filter(pk=listing_id)
        .only("seller_id", "local_revision")
        .first()
    )
    if listing is None:
        logger.info("Listing %s is gone; nothing to push", listing_id)
        return
    connection = WhatnotConnection.objects.filter(user_id=listing.seller_id).first()
    if connection is None or connection.status != WhatnotConnection.Status.CONNECTED:
        status = connection.status if connection else "missing"
        logger.info(
            "Skipping push of listing %s: the Whatnot connection of seller %s is %s",
            listing_id,
            listing.seller_id,
            status,
        )
        mark_push_failed(
            listing_id,
            f"The Whatnot connection is {status}; connect Whatnot again, then save "
            "the listing to push it.",
            revision=listing.local_revision,
        )
        return
    try:
        with WhatnotClient(connection.pk) as client:
            push_listing(listing_id, client)
    except PushBusy as exc:
        raise self.retry(exc=exc, countdown=BUSY_COUNTDOWN) from exc
    except (WhatnotUnavailable, TokenRefreshError) as exc:
        if self.request.retries >= MAX_RETRIES:
            mark_push_failed(
                listing_id,
                f"Whatnot stayed unavailable after {MAX_RETRIES} retries: {exc}",
                revision=listing.local_revision,
            )
            return
        countdown = retry_countdown(exc, self.request.retries)
        logger.warning(
            "Push of listing %s paused: %s; retrying in %ss", listing_id, exc, countdown
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
