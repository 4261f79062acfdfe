from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .fields import EncryptedTextField


class Role(models.TextChoices):
    """Each role is a Django group of the same name with its permissions; see
    accounts.roles for the permission sets."""

    SELLER = "seller", "Seller"
    ANALYST = "analyst", "Analyst"
    STAFF = "staff", "Staff"


class User(AbstractUser):
    include_in_market_research = models.BooleanField(
        "include my sales in market research",
        default=True,
        help_text=(
            "When on, your Whatnot listings and sales feed selvedge's market "
            "dashboards as anonymous rows (no buyer details). Turn it off to keep "
            "them to yourself; your own pages are not affected."
        ),
    )

    def has_role(self, role: str) -> bool:
        if role == Role.STAFF and (self.is_staff or self.is_superuser):
            return True
        return self.groups.filter(name=role).exists()

    @property
    def is_seller(self) -> bool:
        return self.has_role(Role.SELLER)

    @property
    def is_analyst(self) -> bool:
        return self.has_role(Role.ANALYST)


class WhatnotConnection(models.Model):
    """A seller's link to their Whatnot store, with its tokens encrypted at rest."""

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"
        DISCONNECTED = "disconnected", "Disconnected"

    class Kind(models.TextChoices):
        OAUTH = "oauth", "OAuth"
        PERSONAL = "personal", "Personal access token"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="whatnot_connection",
    )
    # NULL rather than "" until the identity is known, so the unique index
    # allows many unconnected rows.
    whatnot_user_id = models.CharField(  # noqa: DJ001
        max_length=128, unique=True, null=True
    )
    whatnot_username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OAUTH)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.CONNECTED, db_index=True
    )
    scopes = models.CharField(max_length=255, blank=True)
    access_token = EncryptedTextField(blank=True, default="")
    refresh_token = EncryptedTextField(blank=True, default="")
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "access_token_expires_at"])]
        permissions = [
            ("connect_whatnot", "Can connect and disconnect their own Whatnot store"),
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.whatnot_username or self.whatnot_user_id}"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.CONNECTED and bool(self.access_token)

    def expires_within(self, margin: timedelta) -> bool:
        if self.access_token_expires_at is None:
            return False
        return self.access_token_expires_at <= timezone.now() + margin
