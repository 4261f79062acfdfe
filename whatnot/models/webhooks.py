"""Webhook deliveries from Whatnot: one row per event, plus per-seller counters
for the deliveries that never become a row."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WebhookEvent(models.Model):
    """One verified webhook event, stored before any processing.

    ``event_id`` is Whatnot's envelope id and is unique, so a redelivery of the
    same event never becomes a second row. A body that passed the signature
    check but is not a valid envelope is kept with status ``invalid`` under a
    synthetic id derived from its SHA-256, so its retries collapse into one row.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"
        INVALID = "invalid", "Invalid"

    event_id = models.CharField(max_length=255, unique=True)
    topic = models.CharField(max_length=100, blank=True)
    # Whatnot user id of the seller, from the signed envelope or, when the
    # envelope has none, from the X-Whatnot-Seller-Id header.
    seller_whatnot_id = models.CharField(max_length=128, blank=True)
    event_timestamp = models.DateTimeField(null=True, blank=True)
    # The request body as received, except that buyer details are removed from
    # verified JSON bodies before they are stored (see body_redacted).
    body = models.BinaryField()
    body_redacted = models.BooleanField(
        default=False,
        help_text="Buyer details were removed from the body before it was stored, "
        "so the stored bytes no longer match the delivery's signature.",
    )
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    # Time by which a worker should have started the next processing attempt;
    # the requeue sweep queues received events that are overdue.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    replay_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="webhook_status_due_idx"
            ),
            models.Index(
                fields=["seller_whatnot_id", "status"], name="webhook_seller_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic or 'unknown topic'} {self.event_id}"


class WebhookDeliveryCounter(models.Model):
    """Per-seller counts of deliveries that are not stored as events.

    ``seller_whatnot_id`` is the claimed seller of the delivery. For a rejected
    signature it comes from the unsigned X-Whatnot-Seller-Id header, so it is
    only as trustworthy as the sender; an empty string collects deliveries that
    named no seller.
    """

    seller_whatnot_id = models.CharField(max_length=128, unique=True, blank=True)
    rejected_signatures = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    last_rejected_at = models.DateTimeField(null=True, blank=True)
    last_duplicate_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.seller_whatnot_id or "(no seller id)"
