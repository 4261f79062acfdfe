"""The seller's home page: connection, last sync, inventory counts, sales."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render

from accounts.models import WhatnotConnection

from ..models import Listing, Sale, SyncRun
from .access import seller_required

RECENT_SALES = 10


def count_by(queryset, field: str) -> dict[str, int]:
    """Return {value: rows} for one column in a single GROUP BY query."""
    rows = queryset.order_by().values_list(field).annotate(rows=Count("id"))
    return dict(rows)


@seller_required
def dashboard(request):
    seller = request.user
    listings = Listing.objects.filter(seller=seller)
    status_counts = count_by(listings, "status")
    sync_counts = count_by(listings, "sync_state")
    context = {
        "connection": WhatnotConnection.objects.filter(user=seller).first(),
        "last_run": SyncRun.objects.filter(seller=seller)
        .order_by("-queued_at", "-id")
        .first(),
        "status_counts": [
            (value, label, status_counts.get(value, 0))
            for value, label in Listing.Status.choices
        ],
        "sync_counts": [
            (value, label, sync_counts.get(value, 0))
            for value, label in Listing.SyncState.choices
        ],
        "total_listings": sum(status_counts.values()),
        "recent_sales": Sale.objects.filter(seller=seller)
        .select_related("listing")
        .order_by("-sold_at", "-id")[:RECENT_SALES],
    }
    return render(request, "whatnot/dashboard.html", context)
