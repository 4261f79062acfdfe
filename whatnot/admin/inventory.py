"""Admin for the mirrored Whatnot inventory: products, listings, orders, sales."""

from __future__ import annotations

from django.contrib import admin

from ..models import Listing, ListingEvent, Order, Product, ProductVariant, Sale
from .actions import resync_sellers, retry_pushes
from .display import pretty_json


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ProductVariantInline(ReadOnlyInline):
    model = ProductVariant
    fields = ("whatnot_id", "sku", "options", "updated_at")
    readonly_fields = fields


class ListingEventInline(ReadOnlyInline):
    model = ListingEvent
    fields = ("at", "kind", "from_state", "to_state", "message")
    readonly_fields = fields
    ordering = ("-at", "-id")
    show_change_link = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("title", "seller", "whatnot_id", "taxonomy_node_id", "updated_at")
    list_select_related = ("seller",)
    search_fields = ("title", "whatnot_id", "external_id", "seller__username")
    readonly_fields = (
        "whatnot_id",
        "attributes_payload",
        "remote_created_at",
        "remote_updated_at",
        "created_at",
        "updated_at",
    )
    exclude = ("attributes",)
    raw_id_fields = ("seller",)
    inlines = [ProductVariantInline]
    show_full_result_count = False

    @admin.display(description="Attributes")
    def attributes_payload(self, product: Product) -> str:
        return pretty_json(product.attributes)


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ("whatnot_id", "sku", "product", "updated_at")
    list_select_related = ("product",)
    search_fields = ("whatnot_id", "sku", "product__title")
    readonly_fields = ("whatnot_id", "options_payload", "created_at", "updated_at")
    exclude = ("options",)
    raw_id_fields = ("product",)
    show_full_result_count = False

    @admin.display(description="Options")
    def options_payload(self, variant: ProductVariant) -> str:
        return pretty_json(variant.options)


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "seller",
        "whatnot_id",
        "price",
        "quantity",
        "status",
        "published",
        "sync_state",
        "last_synced_at",
        "updated_at",
    )
    list_filter = ("sync_state", "status", "published", "kind")
    list_select_related = ("seller",)
    search_fields = ("title", "whatnot_id", "brand", "seller__username")
    readonly_fields = (
        "whatnot_id",
        "url",
        "sync_state",
        "sync_error",
        "remote_snapshot_payload",
        "raw_payload",
        "last_synced_at",
        "remote_created_at",
        "remote_updated_at",
        "created_at",
        "updated_at",
    )
    exclude = ("raw", "remote_snapshot")
    raw_id_fields = ("seller", "variant")
    actions = [retry_pushes, resync_sellers]
    inlines = [ListingEventInline]
    # Counting every listing for the "N total" link costs a full scan; the
    # filtered count is still shown.
    show_full_result_count = False

    @admin.display(description="Raw Whatnot payload")
    def raw_payload(self, listing: Listing) -> str:
        return pretty_json(listing.raw)

    @admin.display(description="Whatnot's version (conflict)")
    def remote_snapshot_payload(self, listing: Listing) -> str:
        return pretty_json(listing.remote_snapshot)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "whatnot_id",
        "seller",
        "status",
        "total",
        "currency",
        "sales_channel",
        "is_giveaway",
        "remote_created_at",
    )
    list_filter = ("status", "sales_channel", "is_giveaway")
    list_select_related = ("seller",)
    search_fields = ("whatnot_id", "seller__username")
    readonly_fields = ("whatnot_id", "created_at", "updated_at")
    raw_id_fields = ("seller",)
    actions = [resync_sellers]
    show_full_result_count = False


@admin.register(Sale)
class SaleAdmin(admin.ModelAdmin):
    list_display = (
        "order_whatnot_id",
        "seller",
        "listing",
        "quantity",
        "price",
        "currency",
        "sold_at",
    )
    list_select_related = ("seller", "listing")
    search_fields = (
        "order_whatnot_id",
        "listing_whatnot_id",
        "product_whatnot_id",
        "seller__username",
    )
    date_hierarchy = "sold_at"
    raw_id_fields = ("seller", "listing", "order")
    readonly_fields = ("created_at",)
    actions = [resync_sellers]
    show_full_result_count = False
