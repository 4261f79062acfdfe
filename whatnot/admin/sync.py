"""Admin for sync runs, the record of work done against Whatnot."""

from __future__ import annotations

from django.contrib import admin

from ..models import SyncRun
from .actions import resync_sellers


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "seller",
        "kind",
        "status",
        "queued_at",
        "finished_at",
        "pages",
        "created_count",
        "updated_count",
        "failed_count",
    )
    list_filter = ("status", "kind")
    list_select_related = ("seller",)
    search_fields = ("seller__username", "error")
    date_hierarchy = "queued_at"
    actions = [resync_sellers]

    def get_readonly_fields(self, request, obj=None):
        # A run is a record of work done; start a new one with the action.
        return [field.name for field in SyncRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
