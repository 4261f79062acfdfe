"""Admin for users (with their roles) and Whatnot connections.

The connection pages show whether each token is set and when the access token
expires. The token values appear in no form, list or admin log entry.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User, WhatnotConnection
from .services import connections, tokens


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "roles",
        "include_in_market_research",
        "is_active",
        "date_joined",
    )
    list_filter = ("groups", "is_staff", "is_active", "include_in_market_research")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Market research", {"fields": ("include_in_market_research",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, user: User) -> str:
        names = sorted(group.name for group in user.groups.all())
        return ", ".join(names) or "-"


@admin.register(WhatnotConnection)
class WhatnotConnectionAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "whatnot_username",
        "kind",
        "status",
        "access_token_state",
        "refresh_token_state",
        "access_token_expires_at",
        "last_refreshed_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("user__username", "whatnot_username", "whatnot_user_id")
    list_select_related = ("user",)
    # access_token and refresh_token are left out of every form and list.
    fields = (
        "user",
        "whatnot_user_id",
        "whatnot_username",
        "kind",
        "status",
        "scopes",
        "access_token_state",
        "refresh_token_state",
        "access_token_expires_at",
        "last_refreshed_at",
        "last_error",
        "connected_at",
        "updated_at",
    )
    readonly_fields = (
        "user",
        "whatnot_user_id",
        "whatnot_username",
        "kind",
        "scopes",
        "access_token_state",
        "refresh_token_state",
        "access_token_expires_at",
        "last_refreshed_at",
        "last_error",
        "connected_at",
        "updated_at",
    )
    actions = ("mark_needs_reconnect", "disconnect")

    def has_add_permission(self, request) -> bool:
        # Connections come from the seller's consent or personal token only.
        return False

    @admin.display(description="access token")
    def access_token_state(self, connection: WhatnotConnection) -> str:
        return "set" if connection.access_token else "not set"

    @admin.display(description="refresh token")
    def refresh_token_state(self, connection: WhatnotConnection) -> str:
        return "set" if connection.refresh_token else "not set"

    @admin.action(
        description="Mark as needing a reconnect (pauses syncs)",
        permissions=["change"],
    )
    def mark_needs_reconnect(self, request, queryset):
        for connection_id in queryset.values_list("pk", flat=True):
            tokens.mark_needs_reconnect(
                connection_id, f"marked by staff user {request.user.get_username()}"
            )
        self.message_user(request, "The selected connections need a reconnect.")

    @admin.action(description="Disconnect (delete the tokens)", permissions=["change"])
    def disconnect(self, request, queryset):
        count = 0
        for connection in queryset.select_related("user"):
            count += connections.disconnect(connection.user)
        self.message_user(
            request, f"Disconnected {count} connections.", level=messages.SUCCESS
        )
