"""Mirror of a seller's Whatnot store: Product -> ProductVariant -> Listing, orders
and sales.

Whatnot ids are opaque strings. Money is Decimal in the currency's major unit: the
GraphQL API sends integer cents and webhooks send decimal strings, and the client
converts both on the way in.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

PLATFORM_WHATNOT = "whatnot"


class Product(models.Model):
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="products"
    )
    whatnot_id = models.CharField(max_length=128, unique=True)
    title = models.CharField(max_length=1000)
    description = models.TextField(blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    taxonomy_node_id = models.CharField(max_length=128, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class ProductVariant(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    whatnot_id = models.CharField(max_length=128, unique=True)
    sku = models.CharField(max_length=255, blank=True)
    options = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.sku or self.whatnot_id


class Listing(models.Model):
    """One way a variant is sold. A listing drafted in selvedge has no whatnot_id
    until its first push succeeds."""

    class Kind(models.TextChoices):
        BUY_IT_NOW = "BUY_IT_NOW", "Buy it now"
        AUCTION = "AUCTION", "Auction"
        GIVEAWAY = "GIVEAWAY", "Giveaway"

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        INACTIVE = "INACTIVE", "Inactive"
        SOLD = "SOLD", "Sold"
        SOLD_OUT = "SOLD_OUT", "Sold out"

    class SyncState(models.TextChoices):
        SYNCED = "synced", "Synced"
        PENDING = "pending", "Pending push"
        FAILED = "failed", "Push failed"
        CONFLICT = "conflict", "Conflict"

    platform = PLATFORM_WHATNOT
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings"
    )
    variant = models.ForeignKey(
        ProductVariant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
    )
    whatnot_id = models.CharField(max_length=128, unique=True, null=True, blank=True)
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.BUY_IT_NOW
    )
    title = models.CharField(max_length=1000)
    description = models.TextField(blank=True)
    taxonomy_node_id = models.CharField(max_length=128, blank=True)
    # Whatnot keeps the brand as a product attribute; it is copied here so the
    # inventory list can filter on it with an index.
    brand = models.CharField(max_length=64, blank=True)
    price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(max_length=3, default="USD")
    quantity = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    published = models.BooleanField(default=False)
    offerable = models.BooleanField(default=False)
    url = models.URLField(max_length=500, blank=True)
    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    sync_state = models.CharField(
        max_length=16,
        choices=SyncState.choices,
        default=SyncState.SYNCED,
        db_index=True,
    )
    sync_error = models.TextField(blank=True)
    # Whatnot's version of the listing when a push found it changed remotely; the
    # seller picks between it and the local fields.
    remote_snapshot = models.JSONField(null=True, blank=True)
    # When a sync run last saw the listing on Whatnot.
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Set when a full sweep no longer finds the listing on Whatnot.
    remote_deleted_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every queued push; a push marks the listing synced only if no
    # edit arrived while it ran.
    local_revision = models.PositiveIntegerField(default=0)
    # A running push holds the listing until then, so two pushes never
    # interleave.
    push_lease_until = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "status"]),
            models.Index(fields=["seller", "sync_state"]),
            models.Index(fields=["seller", "-remote_updated_at"]),
            # The inventory list filters by seller, then sorts or filters on one
            # of these columns.
            models.Index(
                fields=["seller", "-updated_at", "-id"], name="listing_seller_updated"
            ),
            models.Index(fields=["seller", "price", "id"], name="listing_seller_price"),
            models.Index(
                fields=["seller", "quantity", "id"], name="listing_seller_quantity"
            ),
            models.Index(fields=["seller", "brand"], name="listing_seller_brand"),
            models.Index(
                fields=["seller", "published"], name="listing_seller_published"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Order(models.Model):
    """A Whatnot order. Buyer contact details are never stored."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders"
    )
    whatnot_id = models.CharField(max_length=128, unique=True)
    status = models.CharField(max_length=32, blank=True)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    taxes = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, default="USD")
    sales_channel = models.CharField(max_length=32, blank=True)
    is_giveaway = models.BooleanField(default=False)
    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.whatnot_id


class Sale(models.Model):
    """Units of a listing sold in one order line."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sales"
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="sales"
    )
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="sales"
    )
    order_whatnot_id = models.CharField(max_length=128)
    product_whatnot_id = models.CharField(max_length=128, blank=True)
    listing_whatnot_id = models.CharField(max_length=128, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    sold_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order_whatnot_id", "product_whatnot_id"],
                name="sale_unique_order_product",
            )
        ]
        indexes = [models.Index(fields=["seller", "-sold_at"], name="sale_seller_sold")]

    def __str__(self) -> str:
        return f"{self.order_whatnot_id} x{self.quantity}"
