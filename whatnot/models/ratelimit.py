"""Shared state of the Seller API request rate limiter when there is no Redis."""

from __future__ import annotations

from django.db import models


class RequestRateSlot(models.Model):
    """The next free request slot of one rate-limit key (a seller's
    connection), as Unix time in seconds."""

    key = models.CharField(max_length=128, unique=True)
    next_slot_at = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.key
