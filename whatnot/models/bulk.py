"""Records of Whatnot bulk exports: one row per bulk operation followed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BulkOperationRun(models.Model):
    """A listing export run as a Whatnot bulk operation, then ingested.

    `remote_status` is Whatnot's BulkOperationStatus as last seen; `status` is
    selvedge's side of the work. An export whose download link expired is
    marked restarted and a new run follows the replacement operation.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Waiting for Whatnot"
        DOWNLOADING = "downloading", "Downloading"
        INGESTING = "ingesting", "Ingesting"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Partly ingested"
        FAILED = "failed", "Failed"
        RESTARTED = "restarted", "Restarted"
        SKIPPED = "skipped", "Skipped"

    FINISHED = frozenset(
        {
            Status.SUCCEEDED,
            Status.PARTIAL,
            Status.FAILED,
            Status.RESTARTED,
            Status.SKIPPED,
        }
    )

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bulk_operation_runs",
    )
    whatnot_id = models.CharField(max_length=128, unique=True)
    remote_status = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    # True when selvedge found the operation running and followed it instead
    # of starting its own.
    adopted = models.BooleanField(default=False)
    # The download link Whatnot gave; it expires and is never logged.
    result_url = models.TextField(blank=True)
    polls = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    download_attempts = models.PositiveSmallIntegerField(default=0)
    bytes_downloaded = models.BigIntegerField(default=0)
    expected_bytes = models.BigIntegerField(null=True, blank=True)
    restarted_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restarted_as",
    )
    import_run = models.ForeignKey(
        "research.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(blank=True)
    partial_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["seller", "-created_at"])]

    def __str__(self) -> str:
        return f"bulk export {self.whatnot_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
