"""Written market summaries and the cohorts that get one every week."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .filters import FilterError, describe_filters, parse_filters


class TrackedCohort(models.Model):
    """A market cohort that gets a summary every week from Celery beat."""

    name = models.CharField(max_length=200)
    filters = models.JSONField(
        default=dict,
        blank=True,
        help_text='Cohort filters, e.g. {"brand": "levis", "lot": "505", '
        '"decade": "1990s"}. "days" sets the trend window (default 7).',
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.filters, dict):
            raise ValidationError({"filters": "Write the filters as a JSON object."})
        try:
            self.filters = parse_filters(self.filters)
        except FilterError as exc:
            raise ValidationError({"filters": str(exc)}) from exc


class SummaryReport(models.Model):
    """One AI summary: the stats bundle it was given, the checked claims it
    produced, and how the call went."""

    class Scope(models.TextChoices):
        MARKET = "market", "Market cohort"
        SELLER = "seller", "Seller's sales"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        OFF = "off", "AI summaries off"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.OFF)

    scope = models.CharField(max_length=16, choices=Scope.choices)
    # Normalized cohort filters (research.insights.filters.parse_filters) for a
    # market report; {"days": N} for a seller report.
    filters = models.JSONField(default=dict, blank=True)
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="summary_reports",
        help_text="The seller whose sales a seller report describes.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_summary_reports",
    )
    tracked_cohort = models.ForeignKey(
        TrackedCohort,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # The end of the trend window; the bundle describes the data up to it.
    as_of = models.DateTimeField(default=timezone.now)
    bundle = models.JSONField(default=dict, blank=True)
    prompt_version = models.CharField(max_length=32, blank=True)
    model = models.CharField(max_length=100, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    # Requests sent to the model, counting check retries and transient failures.
    attempts = models.PositiveSmallIntegerField(default=0)
    claims = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # The last reply that failed the claim check, for staff to read in the admin.
    rejected_reply = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["scope", "-created_at"]),
            models.Index(fields=["seller", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="market") | models.Q(seller__isnull=False),
                name="summaryreport_seller_scope_has_seller",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("research:report_detail", args=[self.pk])

    @property
    def title(self) -> str:
        if self.scope == self.Scope.SELLER:
            name = self.seller.get_username() if self.seller else "a seller"
            return f"Sales of {name}"
        return f"Market: {describe_filters(self.filters)}"

    @property
    def days(self) -> int:
        return int(self.filters.get("days", 7))

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
