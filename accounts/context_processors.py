from __future__ import annotations

from .models import Role


def roles(request) -> dict:
    """Expose the signed-in user's roles to templates for navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    names = set(user.groups.values_list("name", flat=True))
    if user.is_staff or user.is_superuser:
        names.add(Role.STAFF)
    return {"user_roles": frozenset(names)}
