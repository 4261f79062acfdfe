"""Grailed sold listings with list price, sold price and timestamps.

Columns used: id, title, designer_names, price (last asking price), sold_price,
sold_shipping_price, created_at, sold_at, bumped_at, price_updated_at, size,
category, category_path, condition (is_new, is_gently_used, is_used, is_worn),
department, color, location, traits (country_of_origin), listing_url. The
latest of the four timestamps is the row's version.
"""

from __future__ import annotations

import ast

from ...models import Platform
from ..rows import ListingRow
from ..values import RowError, parse_money, parse_when, required_text
from ..values import text_value as text
from .base import ImportContext, Importer

# traits is a Python repr of a list of {"name", "value"} dicts; longer values
# are not parsed, so a hostile file cannot make literal_eval work hard.
_MAX_TRAITS_LENGTH = 4000


def map_grailed(data: dict, context: ImportContext) -> ListingRow:
    created_at = parse_when(data.get("created_at"), "created_at")
    sold_at = parse_when(data.get("sold_at"), "sold_at")
    times = [
        created_at,
        sold_at,
        parse_when(data.get("bumped_at"), "bumped_at"),
        parse_when(data.get("price_updated_at"), "price_updated_at"),
    ]
    sold_price = parse_money(data.get("sold_price"), "sold_price")
    sold = sold_price is not None or sold_at is not None
    return ListingRow(
        external_id=required_text(data.get("id"), "id", 255),
        title=required_text(data.get("title"), "title", 1000),
        url=text(data.get("listing_url"))[:1000],
        status="sold" if sold else "active",
        brand_raw=text(data.get("designer_names"))[:255],
        size_raw=text(data.get("size"))[:64],
        condition_raw=text(data.get("condition"))[:64],
        price=parse_money(data.get("price"), "price"),
        sold=sold,
        sold_price=sold_price,
        listed_at=created_at,
        sold_at=sold_at,
        source_updated_at=max((t for t in times if t), default=context.observed_at),
        extra=_extra(data),
    )


def _extra(data: dict) -> dict:
    category = text(data.get("category"))
    extra = {
        "category_path": text(data.get("category_path")),
        "department": text(data.get("department")),
        "color": text(data.get("color")),
        "location": text(data.get("location")),
    }
    shipping = parse_money(data.get("sold_shipping_price"), "sold_shipping_price")
    if shipping is not None:
        extra["sold_shipping_price"] = str(shipping)
    hints = {"gender": extra["department"]}
    if category:
        hints["bottoms"] = category == "bottoms"
    country = _trait(data.get("traits"), "country_of_origin")
    if country:
        hints["made_in"] = country
    extra["hints"] = hints
    return {key: value for key, value in extra.items() if value not in ("", None)}


def _trait(traits, name: str) -> str:
    if isinstance(traits, list):
        parsed = traits
    else:
        raw = text(traits)
        if not raw or len(raw) > _MAX_TRAITS_LENGTH:
            return ""
        try:
            parsed = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise RowError(
                "invalid traits: expected a list of name/value pairs"
            ) from None
    for trait in parsed if isinstance(parsed, list) else ():
        if isinstance(trait, dict) and trait.get("name") == name:
            return text(trait.get("value"))
    return ""


GRAILED = Importer(
    name="grailed",
    label="Grailed sold listings",
    platform=Platform.GRAILED,
    formats=("csv", "jsonl"),
    required_columns=("id", "title", "price", "sold_price", "created_at", "sold_at"),
    map_record=map_grailed,
    description="id, title, designer_names, price, sold_price, created_at, sold_at, "
    "size, category, condition, department, traits, listing_url",
)
