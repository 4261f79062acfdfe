"""Admin actions that queue work for a worker; none calls Whatnot itself."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from ..edits import queue_full_syncs, retry_failed_pushes
from ..models import Listing


def _queue_syncs_for(modeladmin, request, seller_ids) -> None:
    sellers = list(
        get_user_model().objects.filter(pk__in=set(seller_ids)).order_by("username")
    )
    runs = queue_full_syncs(sellers)
    names = ", ".join(seller.username for seller in sellers)
    modeladmin.message_user(
        request,
        f"Queued a full sync for {len(runs)} seller{'s' if len(runs) != 1 else ''}: "
        f"{names}. A seller with a sync already queued or running keeps that one.",
        messages.SUCCESS,
    )


@admin.action(
    description="Resync the sellers of the selected rows", permissions=["change"]
)
def resync_sellers(modeladmin, request, queryset) -> None:
    _queue_syncs_for(
        modeladmin, request, queryset.values_list("seller_id", flat=True).distinct()
    )


@admin.action(description="Retry failed pushes", permissions=["change"])
def retry_pushes(modeladmin, request, queryset) -> None:
    selected = queryset.count()
    retried = retry_failed_pushes(
        queryset.filter(sync_state=Listing.SyncState.FAILED).select_related("seller")
    )
    skipped = selected - len(retried)
    message = f"Queued {len(retried)} push{'es' if len(retried) != 1 else ''}."
    if skipped:
        message += (
            f" Skipped {skipped} selected listing{'s' if skipped != 1 else ''} "
            "whose last push had not failed."
        )
    level = messages.SUCCESS if retried else messages.WARNING
    modeladmin.message_user(request, message, level)
