"""The sync page: start a sync and follow its progress."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import WhatnotConnection

from ..models import SyncRun
from ..services.sync import queue_sync
from ..services.webhook_health import health_for_seller
from .access import get_own_sync_run, seller_required

RUNS_ON_PAGE = 20


@require_GET
@seller_required
def sync_status(request):
    runs = SyncRun.objects.filter(seller=request.user).order_by("-queued_at", "-id")
    context = {
        "connection": WhatnotConnection.objects.filter(user=request.user).first(),
        "current_run": runs.first(),
        "runs": runs[:RUNS_ON_PAGE],
        "webhook_health": health_for_seller(request.user),
    }
    return render(request, "whatnot/syncrun_list.html", context)


def choose_sync_kind(seller, requested: str) -> str:
    """Return "full" when asked for or when the seller has never finished a
    sync, otherwise "incremental"."""
    if requested == SyncRun.Kind.FULL:
        return SyncRun.Kind.FULL
    has_synced = SyncRun.objects.filter(
        seller=seller, status=SyncRun.Status.SUCCEEDED
    ).exists()
    return SyncRun.Kind.INCREMENTAL if has_synced else SyncRun.Kind.FULL


@require_POST
@seller_required
def sync_now(request):
    connection = WhatnotConnection.objects.filter(user=request.user).first()
    if connection is None or not connection.is_usable:
        messages.error(
            request,
            "Connect your Whatnot account before syncing: selvedge has no working "
            "access to your store.",
        )
        if request.htmx:
            # A plain redirect would be swapped into the progress box; reload
            # the whole page so the message shows.
            return HttpResponseClientRedirect(reverse("whatnot:sync_status"))
        return redirect("whatnot:sync_status")
    kind = choose_sync_kind(request.user, request.POST.get("kind", ""))
    run = queue_sync(request.user, kind=kind)
    if request.htmx:
        return render(request, "whatnot/includes/_sync_progress.html", {"run": run})
    messages.success(request, f"{run.get_kind_display()} sync queued.")
    return redirect("whatnot:sync_status")


@require_GET
@seller_required
def sync_progress(request, pk: int):
    """Render the progress of one run, which htmx polls until the run ends."""
    run = get_own_sync_run(request, pk)
    return render(request, "whatnot/includes/_sync_progress.html", {"run": run})
