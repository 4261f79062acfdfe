"""Record a ListingEvent whenever a listing's sync state changes.

The signal handlers see saves made through ``Model.save()``. Bulk writes
(``QuerySet.update``, ``bulk_create`` and raw upserts) bypass signals, so code
that changes sync_state that way must call record_state_change to leave an
event.
"""

from __future__ import annotations

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from .models import Listing, ListingEvent

# States whose event carries the listing's sync_error as its message.
STATES_WITH_ERROR = {Listing.SyncState.FAILED, Listing.SyncState.CONFLICT}


@receiver(post_init, sender=Listing)
def remember_loaded_sync_state(sender, instance: Listing, **kwargs) -> None:
    # A deferred sync_state is missing from __dict__. Django saves such a
    # partly loaded row with update_fields set to its loaded fields, so the
    # handler below skips it.
    instance._loaded_sync_state = instance.__dict__.get("sync_state")


@receiver(post_save, sender=Listing)
def record_sync_state_change(
    sender, instance: Listing, created: bool, update_fields=None, **kwargs
) -> None:
    if update_fields is not None and "sync_state" not in update_fields:
        return
    previous = None if created else getattr(instance, "_loaded_sync_state", None)
    current = instance.sync_state
    instance._loaded_sync_state = current
    if created and current == Listing.SyncState.SYNCED:
        # A listing first seen on Whatnot. A full sync creates thousands of
        # these, and the row's created_at already records when it arrived.
        return
    if previous == current:
        return
    record_state_change(instance.pk, previous or "", current, instance.sync_error)


def record_state_change(
    listing_id: int, from_state: str, to_state: str, error: str = ""
) -> None:
    """Add a state-change event to a listing's history; the error is kept for
    the failed and conflict states only."""
    ListingEvent.objects.create(
        listing_id=listing_id,
        kind=ListingEvent.Kind.STATE_CHANGED,
        from_state=from_state,
        to_state=to_state,
        message=error if to_state in STATES_WITH_ERROR else "",
    )
