"""Admin for tracked cohorts (editable) and summary reports (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages

from .models import SummaryReport, TrackedCohort
from .service import create_report


@admin.register(TrackedCohort)
class TrackedCohortAdmin(admin.ModelAdmin):
    list_display = ["name", "filters", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    actions = ["summarize_now"]

    @admin.action(description="Summarize the selected cohorts now")
    def summarize_now(self, request, queryset):
        for cohort in queryset:
            create_report(
                scope=SummaryReport.Scope.MARKET,
                filters=cohort.filters,
                tracked_cohort=cohort,
                requested_by=request.user,
            )
        self.message_user(
            request, f"Queued {queryset.count()} summaries.", messages.SUCCESS
        )


@admin.register(SummaryReport)
class SummaryReportAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "scope",
        "title",
        "status",
        "model",
        "prompt_tokens",
        "completion_tokens",
        "created_at",
    ]
    list_filter = ["status", "scope", "model", "prompt_version"]
    search_fields = ["seller__username", "error"]
    raw_id_fields = ["seller", "requested_by", "tracked_cohort"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
