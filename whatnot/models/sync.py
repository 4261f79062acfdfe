"""Records of the sync work: one row per run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SyncRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"
        RECONCILE = "reconcile", "Reconciliation"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sync_runs"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Phase(models.TextChoices):
        LISTINGS = "listings", "Listings"
        ORDERS = "orders", "Orders"
        DONE = "done", "Done"

    # Lower bound of remote updatedAt for an incremental run.
    since = models.DateTimeField(null=True, blank=True)
    # Where to resume: the phase and the endCursor of its last stored page.
    phase = models.CharField(
        max_length=16, choices=Phase.choices, default=Phase.LISTINGS
    )
    cursor = models.CharField(max_length=512, blank=True)
    # The worker running the run holds it until then and extends it after each
    # page; once it lapses another worker may resume the run from its cursor.
    lease_until = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    # Listings with unpushed local edits that Whatnot changed too.
    conflict_count = models.PositiveIntegerField(default=0)
    # Listings a full sweep no longer found on Whatnot.
    removed_count = models.PositiveIntegerField(default=0)
    # Changes a reconciliation run made: listings it created, updated or
    # marked removed, which the webhooks should have delivered.
    repaired_count = models.PositiveIntegerField(default=0)
    orders_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    class Meta:
        indexes = [models.Index(fields=["seller", "kind", "-queued_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["seller"],
                condition=models.Q(status__in=["queued", "running"]),
                name="syncrun_one_active_per_seller",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} sync #{self.pk} ({self.status})"
