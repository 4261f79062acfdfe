"""Seller changes to listings: each is saved as pending and a push to Whatnot
is queued. Pages, the API and the admin all go through here.

The push itself runs in a worker (whatnot.services.push); nothing here calls
Whatnot. queue_push and queue_sync enqueue on transaction commit, so a rolled
back change queues nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accounts.models import User

from .models import Listing, ListingEvent, SyncRun
from .services.push import queue_push, resolve_conflict
from .services.sync import queue_sync


class ListingInConflict(Exception):
    """The listing changed on Whatnot too; the seller must pick a version first."""

    def __init__(self, listing: Listing):
        super().__init__(
            f"Listing {listing.pk} changed on Whatnot since your last edit. Choose "
            "which version to keep on its conflict page before editing it."
        )
        self.listing = listing


def save_listing_edit(listing: Listing, changed_fields: Iterable[str] = ()) -> None:
    """Save a new or changed listing as pending and queue its push.

    Raises ListingInConflict for a listing whose conflict is unresolved.
    """
    created = listing.pk is None
    if not created and listing.sync_state == Listing.SyncState.CONFLICT:
        raise ListingInConflict(listing)
    _save_pending_and_queue_push(listing, _describe_edit(created, changed_fields))


def _save_pending_and_queue_push(listing: Listing, message: str) -> None:
    with transaction.atomic():
        listing.sync_state = Listing.SyncState.PENDING
        listing.sync_error = ""
        listing.save()
        ListingEvent.objects.create(
            listing=listing, kind=ListingEvent.Kind.EDITED, message=message
        )
        queue_push(listing)


def _describe_edit(created: bool, changed_fields: Iterable[str]) -> str:
    if created:
        return "Created in selvedge."
    names = [str(Listing._meta.get_field(name).verbose_name) for name in changed_fields]
    if not names:
        return "Saved with no changes."
    return "Changed " + ", ".join(names) + "."


def resolve_listing_conflict(listing: Listing, keep: str) -> None:
    """Keep the seller's version ("local") or Whatnot's ("remote")."""
    with transaction.atomic():
        resolve_conflict(listing, keep=keep)
        ListingEvent.objects.create(
            listing=listing,
            kind=ListingEvent.Kind.CONFLICT_RESOLVED,
            message=(
                "Kept the selvedge version and queued a push."
                if keep == "local"
                else "Took the version on Whatnot."
            ),
        )


def retry_failed_pushes(listings: Iterable[Listing]) -> list[Listing]:
    """Queue a new push for each listing whose last push failed; return them."""
    retried = []
    for listing in listings:
        if listing.sync_state != Listing.SyncState.FAILED:
            continue
        _save_pending_and_queue_push(listing, "Push retried from the admin.")
        retried.append(listing)
    return retried


def queue_full_syncs(sellers: Iterable[User]) -> list[SyncRun]:
    """Queue a full sync for each seller, reusing one that is already queued."""
    return [queue_sync(seller, kind=SyncRun.Kind.FULL) for seller in sellers]
