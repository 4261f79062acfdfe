"""Role groups and the permissions each one carries."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .models import Role

# app_label.codename of the model permissions each role gets. Staff users also get
# is_staff, which opens the admin; the group gives them the model permissions.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SELLER: [
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
    """Create the role groups and give them their permissions. Safe to rerun."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if codenames == ["*"]:
            permissions = Permission.objects.filter(
                content_type__app_label__in=["accounts", "whatnot", "research"]
            )
        else:
            permissions = [
                permission
                for label in codenames
                if (permission := _find_permission(label)) is not None
            ]
        group.permissions.set(permissions)


def _find_permission(label: str) -> Permission | None:
    app_label, codename = label.split(".", 1)
    return Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()


def grant_role(user, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role == Role.STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
