"""Role checks for research pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import Role


def is_analyst_or_staff(user) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.ANALYST) or user.has_role(Role.STAFF)
    )


def analyst_or_staff_required(view):
    """Send anonymous users to the login page; raise 403 for other roles."""

    @wraps(view)
    @login_required
    def checked(request, *args, **kwargs):
        if not is_analyst_or_staff(request.user):
            raise PermissionDenied("Imports and exports are for analysts and staff.")
        return view(request, *args, **kwargs)

    return checked
