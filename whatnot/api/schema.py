"""OpenAPI schemas of the listing fields whose request and response differ.

A request must name a listable category and a price above zero. A response
can carry an empty category (Whatnot reported none) and a null price (an
auction synced from Whatnot). COMPONENT_SPLIT_REQUEST gives requests their own
components, so each direction states what it really accepts or returns.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from ..taxonomy import listable_categories

# A decimal string with a non-zero digit, at most two decimal places: the
# shape of a price validate_price accepts. The limit of 12 digits in all is
# left to the serializer.
POSITIVE_PRICE = r"^(?:\d*[1-9]\d*(?:\.\d{1,2})?|\d+\.(?:[1-9]\d?|0[1-9]))$"


class CategoryFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "whatnot.api.serializers.CategoryField"

    def map_serializer_field(self, auto_schema, direction):
        ids = [category.id for category in listable_categories()]
        if direction == "request":
            return {"type": "string", "enum": ids}
        return {"type": "string", "enum": [*ids, ""]}


class PriceFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "whatnot.api.serializers.PriceField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "format": "decimal", "pattern": POSITIVE_PRICE}
        return {"type": "string", "format": "decimal", "nullable": True}
