"""Admin for webhook events: read-only records, replay of failed events and a
per-seller health page."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from whatnot.models import WebhookDeliveryCounter, WebhookEvent
from whatnot.services.webhook_health import health_for_all_sellers
from whatnot.services.webhooks import replay_webhook_event

MAX_IDS_IN_MESSAGE = 10


def _body_text(body: bytes) -> str:
    text = bytes(body).decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text


def _id_list(event_ids: list[str]) -> str:
    listed = ", ".join(event_ids[:MAX_IDS_IN_MESSAGE])
    hidden = len(event_ids) - MAX_IDS_IN_MESSAGE
    return f"{listed} and {hidden} more" if hidden > 0 else listed


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = [
        "event_id",
        "topic",
        "seller_whatnot_id",
        "status",
        "attempts",
        "duplicate_count",
        "replay_count",
        "received_at",
        "processed_at",
    ]
    list_filter = ["status", "topic", "body_redacted", "received_at"]
    search_fields = ["=event_id", "=seller_whatnot_id"]
    search_help_text = "Exact Whatnot event id or seller id."
    ordering = ["-pk"]
    # The table grows with every delivery; a full count on each page is slow.
    show_full_result_count = False
    actions = ["replay_failed_events"]
    change_list_template = "admin/whatnot/webhookevent/change_list.html"
    fields = [
        "event_id",
        "topic",
        "seller_whatnot_id",
        "event_timestamp",
        "status",
        "last_error",
        "attempts",
        "duplicate_count",
        "replay_count",
        "received_at",
        "next_attempt_at",
        "processed_at",
        "body_redacted",
        "body_display",
    ]
    readonly_fields = fields

    @admin.display(description="body")
    def body_display(self, event: WebhookEvent) -> str:
        return format_html(
            '<pre style="white-space: pre-wrap; max-width: 100ch">{}</pre>',
            _body_text(event.body),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_replay_permission(self, request) -> bool:
        return request.user.has_perm("whatnot.change_webhookevent")

    @admin.action(description="Replay failed events", permissions=["replay"])
    def replay_failed_events(self, request, queryset):
        selected = list(queryset.values_list("pk", "event_id", "status"))
        queued = [event_id for pk, event_id, _ in selected if replay_webhook_event(pk)]
        skipped = [
            f"{event_id} ({status})"
            for _, event_id, status in selected
            if event_id not in set(queued)
        ]
        if queued:
            self.message_user(
                request,
                f"Queued {len(queued)} failed event(s) for processing: "
                f"{_id_list(queued)}.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"Skipped {len(skipped)} event(s) that are not failed: "
                f"{_id_list(skipped)}.",
                messages.WARNING,
            )

    def get_urls(self):
        health = path(
            "health/",
            self.admin_site.admin_view(self.health_view),
            name="whatnot_webhookevent_health",
        )
        return [health, *super().get_urls()]

    def health_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Webhook health by seller",
            "opts": self.model._meta,
            "rows": health_for_all_sellers(),
        }
        return TemplateResponse(
            request, "admin/whatnot/webhookevent/health.html", context
        )


@admin.register(WebhookDeliveryCounter)
class WebhookDeliveryCounterAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "rejected_signatures",
        "duplicates",
        "last_rejected_at",
        "last_duplicate_at",
    ]
    search_fields = ["=seller_whatnot_id"]
    readonly_fields = [*list_display[1:], "seller_whatnot_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
