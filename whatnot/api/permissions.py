from __future__ import annotations

from rest_framework.permissions import BasePermission

from accounts.models import Role


class IsSeller(BasePermission):
    """Allow users with the seller role; staff and analysts need it too."""

    message = "This endpoint is for sellers: your account has no seller role."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_role(Role.SELLER))
