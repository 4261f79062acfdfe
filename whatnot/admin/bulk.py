"""Admin for bulk export runs, the record of each Whatnot bulk operation."""

from __future__ import annotations

from django.contrib import admin

from ..models import BulkOperationRun


@admin.register(BulkOperationRun)
class BulkOperationRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "seller",
        "whatnot_id",
        "remote_status",
        "status",
        "polls",
        "bytes_downloaded",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "remote_status", "adopted")
    list_select_related = ("seller",)
    search_fields = ("seller__username", "whatnot_id", "error")
    date_hierarchy = "created_at"
    # The signed download link is a credential of sorts; the admin leaves it out.
    exclude = ("result_url",)

    def get_readonly_fields(self, request, obj=None):
        return [
            field.name
            for field in BulkOperationRun._meta.fields
            if field.name != "result_url"
        ]

    def has_add_permission(self, request) -> bool:
        return False
