"""Role groups, the permissions each one carries, and the view check."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role

# app_label.codename of the model permissions each role gets. Staff users also get
# is_staff, which opens the admin; the group gives them the model permissions.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SELLER: [
        "accounts.connect_whatnot",
        "whatnot.view_listing",
        "whatnot.add_listing",
        "whatnot.change_listing",
        "whatnot.view_sale",
        "whatnot.view_syncrun",
    ],
    Role.ANALYST: [
        "research.view_marketlisting",
        "research.view_dataset",
        "research.add_dataset",
    ],
    Role.STAFF: ["*"],
}


def ensure_role_groups() -> None:
    """Create the role groups and give them their permissions. Safe to rerun.

    Raises LookupError naming a permission that does not exist, so a renamed
    model cannot silently take a permission away from a role.
    """
    for role, labels in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if labels == ["*"]:
            permissions = list(
                Permission.objects.filter(
                    content_type__app_label__in=["accounts", "whatnot", "research"]
                )
            )
        else:
            permissions = [_find_permission(label) for label in labels]
        group.permissions.set(permissions)


def _find_permission(label: str) -> Permission:
    app_label, codename = label.split(".", 1)
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        raise LookupError(
            f"Permission {label!r} in accounts.roles.ROLE_PERMISSIONS does not "
            "exist; fix the label or migrate the app that defines it."
        )
    return permission


def grant_role(user, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role == Role.STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def role_required(*roles: str):
    """Decorate a view so that only signed-in users with one of ``roles`` see
    it. Anonymous users go to the login page; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
