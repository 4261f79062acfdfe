"""Whatnot bulk export JSONL: products, variants and listings, one per line.

The export query (research.ingest.importers.whatnot_export.LISTING_EXPORT_QUERY)
selects products with their variants and listings. Whatnot writes each node on
its own line; a variant carries "__parentId" naming its product and a listing
names its variant. A listing line may instead embed productVariant.product,
as a query over `listings` returns it. Node types come from "__typename",
else from a global id that decodes to "Type:123", else from the fields.

Money is the Seller API's {amount, currency}: an integer amount is in cents,
a decimal string ("12.50") in the currency's major unit, as webhooks send it.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from ...models import Platform
from ..rows import ListingRow
from ..values import (
    RowError,
    parse_cents,
    parse_money,
    parse_when,
    required_text,
    shown,
)
from ..values import text_value as text
from .base import ImportContext, Importer

LISTING_TYPES = frozenset({"BuyItNowListing", "AuctionListing", "GiveawayListing"})
PARENT_TYPES = frozenset({"Product", "ProductVariant"})
_KINDS = {
    "BuyItNowListing": "BUY_IT_NOW",
    "AuctionListing": "AUCTION",
    "GiveawayListing": "GIVEAWAY",
}
_LISTING_FIELDS = ("price", "startingPrice", "published", "inventoryLevel", "status")
_SOLD_STATUSES = frozenset({"SOLD", "SOLD_OUT"})

LISTING_EXPORT_QUERY = """
query {
  products {
    edges {
      node {
        __typename
        id
        title
        description
        externalId
        createdAt
        updatedAt
        productTaxonomyNode { id name }
        variants {
          edges {
            node {
              __typename
              id
              sku
              options { name value }
              listings {
                edges {
                  node {
                    __typename
                    id
                    title
                    description
                    status
                    published
                    url
                    createdAt
                    updatedAt
                    inventoryLevel { quantity }
                    ... on BuyItNowListing { price { amount currency } offerable }
                    ... on AuctionListing { startingPrice { amount currency } endTime }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
""".strip()


def node_type(data: dict) -> str:
    """Return "listing", "product", "variant" or "other" for an export line."""
    typename = data.get("__typename")
    if typename is None:
        typename = _type_from_global_id(data.get("id"))
    if typename in LISTING_TYPES or typename == "Listing":
        return "listing"
    if typename == "Product":
        return "product"
    if typename == "ProductVariant":
        return "variant"
    if typename is not None:
        return "other"
    if any(field in data for field in _LISTING_FIELDS):
        return "listing"
    if "sku" in data or "options" in data:
        return "variant"
    if "title" in data:
        return "product"
    return "other"


def _type_from_global_id(node_id) -> str | None:
    if not isinstance(node_id, str) or len(node_id) > 200:
        return None
    try:
        decoded = base64.b64decode(node_id + "=" * (-len(node_id) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    typename, separator, _ = decoded.decode("utf-8", "replace").partition(":")
    if separator and typename.isidentifier():
        return typename
    return None


def map_whatnot_listing(data: dict, context: ImportContext) -> ListingRow:
    """Map a listing line; `data["__ancestors"]` holds its joined parents."""
    variant, product = _variant_and_product(data)
    typename = data.get("__typename") or _type_from_global_id(data.get("id")) or ""
    status = text(data.get("status")).upper()
    title = text(data.get("title")) or text(product.get("title"))
    price = _money(data.get("price") or data.get("startingPrice"), "price")
    quantity = (data.get("inventoryLevel") or {}).get("quantity")
    extra = {
        "product_id": text(product.get("id")),
        "variant_id": text(variant.get("id")),
        "sku": text(variant.get("sku")),
        "published": data.get("published"),
        "quantity": quantity if isinstance(quantity, int) else None,
        "taxonomy": text((product.get("productTaxonomyNode") or {}).get("name")),
    }
    return ListingRow(
        external_id=required_text(data.get("id"), "id", 255),
        title=required_text(title, "title", 1000),
        description=text(data.get("description")) or text(product.get("description")),
        url=text(data.get("url"))[:1000],
        listing_kind=_KINDS.get(typename, ""),
        status=status[:16],
        size_raw=_option(variant, "size", "waist")[:64],
        condition_raw=_option(variant, "condition")[:64],
        brand_raw=_option(variant, "brand")[:255],
        price=price[0] if price else None,
        currency=price[1] if price else "USD",
        sold=status in _SOLD_STATUSES,
        listed_at=parse_when(data.get("createdAt"), "createdAt"),
        source_updated_at=parse_when(data.get("updatedAt"), "updatedAt")
        or context.observed_at,
        extra={key: value for key, value in extra.items() if value not in ("", None)},
    )


def _variant_and_product(data: dict) -> tuple[dict, dict]:
    variant: dict = {}
    product: dict = {}
    for ancestor in data.get("__ancestors") or ():
        kind = node_type(ancestor)
        if kind == "variant" and not variant:
            variant = ancestor
        elif kind == "product" and not product:
            product = ancestor
    embedded = data.get("productVariant")
    if isinstance(embedded, dict):
        variant = variant or embedded
        product = product or (embedded.get("product") or {})
    return variant, product


def _option(variant: dict, *names: str) -> str:
    for option in variant.get("options") or ():
        if isinstance(option, dict) and text(option.get("name")).lower() in names:
            return text(option.get("value"))
    return ""


def _money(value, field: str) -> tuple[Decimal, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RowError(f"invalid {field} {shown(value)}: expected {{amount, currency}}")
    amount = value.get("amount")
    currency = text(value.get("currency") or value.get("currencyCode") or "USD")
    if len(currency) != 3:
        raise RowError(
            f"invalid {field} currency {shown(currency)}: expected a code such as USD"
        )
    if isinstance(amount, int) or (isinstance(amount, str) and amount.isdigit()):
        parsed = parse_cents(amount, field)
    else:
        parsed = parse_money(amount, field)
    return (parsed, currency.upper()) if parsed is not None else None


WHATNOT_EXPORT = Importer(
    name="whatnot-export",
    label="Whatnot bulk export (JSONL)",
    platform=Platform.WHATNOT,
    formats=("jsonl",),
    required_columns=(),
    map_record=map_whatnot_listing,
    joins_parents=True,
    description="Product, ProductVariant and listing lines linked by __parentId",
)
