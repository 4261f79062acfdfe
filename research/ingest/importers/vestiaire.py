"""Vestiaire Collective resale listings.

Columns used: product_id, product_name, product_type, product_gender_target,
product_category, product_condition, product_material, product_color, sold,
available, reserved, brand_name, price_usd (the buyer price), seller_price,
seller_country. The file has no per-row time, so the run's observed time is
the version, and no sold price: sold rows keep price_usd as their price only.
"""

from __future__ import annotations

from ...models import Platform
from ..rows import ListingRow
from ..values import parse_flag, parse_money, required_text
from ..values import text_value as text
from .base import ImportContext, Importer

_BOTTOM_TYPES = ("jean", "trouser", "pant", "short", "skirt", "overall")


def map_vestiaire(data: dict, context: ImportContext) -> ListingRow:
    sold = parse_flag(data.get("sold"), "sold")
    available = parse_flag(data.get("available"), "available")
    product_type = text(data.get("product_type"))
    extra = {
        "product_type": product_type,
        "product_category": text(data.get("product_category")),
        "material": text(data.get("product_material")),
        "color": text(data.get("product_color")),
        "seller_country": text(data.get("seller_country")),
        "hints": {
            "gender": text(data.get("product_gender_target")),
            "bottoms": any(word in product_type.lower() for word in _BOTTOM_TYPES),
        },
    }
    seller_price = parse_money(data.get("seller_price"), "seller_price")
    if seller_price is not None:
        extra["seller_price"] = str(seller_price)
    return ListingRow(
        external_id=required_text(data.get("product_id"), "product_id", 255),
        title=required_text(data.get("product_name"), "product_name", 1000),
        status="sold" if sold else ("active" if available else "inactive"),
        brand_raw=text(data.get("brand_name"))[:255],
        condition_raw=text(data.get("product_condition"))[:64],
        price=parse_money(data.get("price_usd"), "price_usd"),
        sold=sold,
        source_updated_at=context.observed_at,
        extra={key: value for key, value in extra.items() if value != ""},
    )


VESTIAIRE = Importer(
    name="vestiaire",
    label="Vestiaire Collective listings",
    platform=Platform.VESTIAIRE,
    formats=("csv", "jsonl"),
    required_columns=("product_id", "product_name", "price_usd", "sold"),
    map_record=map_vestiaire,
    description="product_id, product_name, product_type, product_gender_target, "
    "product_condition, sold, available, brand_name, price_usd, seller_price",
)
