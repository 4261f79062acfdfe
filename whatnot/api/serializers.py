"""Serializers for the seller API. Money is a decimal string, times are ISO 8601
with a UTC offset, and Whatnot ids are strings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Listing, Sale, SyncRun
from ..taxonomy import find_category, listable_categories, listing_taxonomy_id
from ..validation import (
    CATEGORY_REQUIRED,
    DESCRIPTION_REQUIRED,
    MAXIMUM_QUANTITY,
    PRICE_ERROR_MESSAGES,
    QUANTITY_ERROR_MESSAGES,
    TEXT_LENGTH_LIMIT,
    TITLE_REQUIRED,
    validate_description,
    validate_price,
    validate_quantity,
    validate_title,
)
from . import schema  # noqa: F401 - registers the OpenAPI field extensions


# The fields below validate through whatnot.validation, whose messages name the
# fix. Their schemas state the same limits (see whatnot/api/schema.py for the
# price and the category), so that clients and schema-driven tests know them.
@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": TEXT_LENGTH_LIMIT - 1,
        "pattern": r"\S",
    }
)
class ListingTextField(serializers.CharField):
    pass


class PriceField(serializers.DecimalField):
    pass


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAXIMUM_QUANTITY})
class QuantityField(serializers.IntegerField):
    pass


class CategoryField(serializers.Field):
    """The listing's category as a taxonomy id; accepts the plain number too."""

    default_error_messages = {
        "required": CATEGORY_REQUIRED,
        "null": CATEGORY_REQUIRED,
        "invalid_choice": "Category {input} is not a Whatnot category that accepts "
        "listings. Use one of the ids in this field's description.",
    }

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, listing) -> str:
        return listing_taxonomy_id(listing)

    def to_internal_value(self, data) -> dict:
        if data == "":
            self.fail("required")
        category = find_category(str(data)) if isinstance(data, str | int) else None
        if category is None:
            self.fail("invalid_choice", input=data)
        return {"taxonomy_node_id": category.id}


class ListingSerializer(serializers.ModelSerializer):
    title = ListingTextField(
        validators=[validate_title],
        error_messages={"required": TITLE_REQUIRED, "blank": TITLE_REQUIRED},
    )
    description = ListingTextField(
        validators=[validate_description],
        error_messages={
            "required": DESCRIPTION_REQUIRED,
            "blank": DESCRIPTION_REQUIRED,
        },
    )
    brand = serializers.CharField(max_length=64, allow_blank=True, required=False)
    category = CategoryField(
        help_text="Whatnot taxonomy id of a category that accepts listings, "
        "or its number: "
        + "; ".join(
            f"{category.number} or {category.id} = {category.path}"
            for category in listable_categories()
        )
        + ". Empty when Whatnot reported none.",
    )
    # Null only on output: an auction synced from Whatnot has no fixed price.
    # validate_price below rejects a null in a request.
    price = PriceField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        validators=[validate_price],
        error_messages=PRICE_ERROR_MESSAGES,
        help_text="Asking price in the listing's currency, as a decimal string. "
        "Null for an auction synced from Whatnot.",
    )
    quantity = QuantityField(
        validators=[validate_quantity], error_messages=QUANTITY_ERROR_MESSAGES
    )

    # A plain string: it is empty until the listing's first push succeeds.
    url = serializers.CharField(
        read_only=True, help_text="Public URL on Whatnot, or empty for a draft."
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "whatnot_id",
            "kind",
            "title",
            "description",
            "brand",
            "category",
            "price",
            "currency",
            "quantity",
            "status",
            "published",
            "offerable",
            "url",
            "sync_state",
            "sync_error",
            "last_synced_at",
            "remote_updated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "whatnot_id",
            "kind",
            "currency",
            "status",
            "url",
            "sync_state",
            "sync_error",
            "last_synced_at",
            "remote_updated_at",
            "created_at",
            "updated_at",
        ]

    def validate_price(self, value):
        if value is None:
            raise serializers.ValidationError(PRICE_ERROR_MESSAGES["null"])
        return value


class SyncRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncRun
        fields = [
            "id",
            "kind",
            "status",
            "queued_at",
            "started_at",
            "finished_at",
            "pages",
            "requests",
            "created_count",
            "updated_count",
            "unchanged_count",
            "failed_count",
            "repaired_count",
            "error",
        ]
        read_only_fields = fields


class SyncStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[SyncRun.Kind.FULL, SyncRun.Kind.INCREMENTAL],
        default=SyncRun.Kind.INCREMENTAL,
        help_text="incremental reads what changed since the last sync; full "
        "reads every listing.",
    )


class SaleSerializer(serializers.ModelSerializer):
    listing = serializers.PrimaryKeyRelatedField(read_only=True)
    listing_title = serializers.CharField(
        source="listing.title", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Sale
        fields = [
            "id",
            "listing",
            "listing_title",
            "order_whatnot_id",
            "product_whatnot_id",
            "listing_whatnot_id",
            "quantity",
            "price",
            "currency",
            "sold_at",
        ]
        read_only_fields = fields
