"""Role checks for research pages: analysts and staff; comps also for sellers."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import Role

ANALYST_ROLES = (Role.ANALYST, Role.STAFF)
COMPS_ROLES = (Role.SELLER, Role.ANALYST, Role.STAFF)


def has_any_role(user, roles) -> bool:
    return user.is_authenticated and any(user.has_role(role) for role in roles)


def role_required(*roles: str):
    """Send anonymous users to the login page; return 403 to users without a role."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_any_role(request.user, roles):
                raise PermissionDenied(
                    "This page needs one of the roles " + ", ".join(roles)
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


analyst_required = role_required(*ANALYST_ROLES)
