"""Per-listing history of sync states, shown on the listing page."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .inventory import Listing


class ListingEvent(models.Model):
    """One change of a listing's sync state, or one seller action on it.

    whatnot.history records a row whenever a listing saved through the ORM
    changes sync_state; the seller pages add rows for edits and conflict
    choices.
    """

    class Kind(models.TextChoices):
        EDITED = "edited", "Edited in selvedge"
        STATE_CHANGED = "state_changed", "Sync state changed"
        CONFLICT_RESOLVED = "conflict_resolved", "Conflict resolved"

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    message = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["listing", "-at"], name="listingevent_listing_at")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on listing {self.listing_id}"
