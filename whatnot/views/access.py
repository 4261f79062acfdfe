"""Role and ownership checks shared by every seller page."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Role

from ..models import Listing, SyncRun


def seller_required(view):
    """Let signed-in users with the seller role through; others get a 403.

    Staff and analysts without the seller role are turned away too: seller
    pages change inventory on Whatnot, and only a seller may do that.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.has_role(Role.SELLER):
            raise PermissionDenied("This page is for sellers.")
        return view(request, *args, **kwargs)

    return wrapper


def get_own_listing(request, pk: int) -> Listing:
    """Return the signed-in seller's listing, or raise Http404 for any other."""
    return get_object_or_404(Listing, pk=pk, seller=request.user)


def get_own_sync_run(request, pk: int) -> SyncRun:
    return get_object_or_404(SyncRun, pk=pk, seller=request.user)
