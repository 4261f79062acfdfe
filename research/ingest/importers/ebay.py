"""eBay listing and sold-item reports exported from Seller Hub.

eBay's report headers differ by report and change over time, so each field
is read from the first of several header names that is present, compared
without case, spaces, dashes or underscores ("Item number", "ItemID").
"""

from __future__ import annotations

from ...models import Platform
from ..readers import FileFormatError
from ..rows import ListingRow
from ..values import RowError, parse_money, parse_when, required_text, shown
from ..values import text_value as text
from .base import ImportContext, Importer
from .tabular import has_any_column, pick

ID_COLUMNS = ("Item number", "Item ID", "ItemID")
TITLE_COLUMNS = ("Title", "Item title", "Listing title")
PRICE_COLUMNS = ("Current price", "Start price", "Price", "Buy It Now price")
SOLD_PRICE_COLUMNS = ("Sold for", "Sold price", "Sale price")
SOLD_AT_COLUMNS = ("Sale date", "Sold date", "Date sold", "Paid on date")
START_COLUMNS = ("Start date", "Listed date", "Creation date")
END_COLUMNS = ("End date",)
SOLD_QUANTITY_COLUMNS = ("Sold quantity", "Quantity sold")


def map_ebay(data: dict, context: ImportContext) -> ListingRow:
    sold_price = parse_money(pick(data, *SOLD_PRICE_COLUMNS), "sold price")
    sold_at = parse_when(pick(data, *SOLD_AT_COLUMNS), "sale date")
    listed_at = parse_when(pick(data, *START_COLUMNS), "start date")
    ended_at = parse_when(pick(data, *END_COLUMNS), "end date")
    sold = (
        sold_price is not None
        or sold_at is not None
        or _quantity(pick(data, *SOLD_QUANTITY_COLUMNS)) > 0
    )
    times = [time for time in (listed_at, ended_at, sold_at) if time]
    if sold:
        status = "sold"
    elif ended_at:
        status = "ended"
    else:
        status = "active"
    return ListingRow(
        external_id=required_text(pick(data, *ID_COLUMNS), "item number", 255),
        title=required_text(pick(data, *TITLE_COLUMNS), "title", 1000),
        url=text(pick(data, "View item URL", "Item URL", "URL"))[:1000],
        listing_kind=text(pick(data, "Format", "Listing type"))[:16],
        status=status,
        brand_raw=text(pick(data, "Brand", "C:Brand"))[:255],
        size_raw=text(pick(data, "Waist Size", "C:Waist Size", "Size", "C:Size"))[:64],
        condition_raw=text(pick(data, "Condition", "Item condition"))[:64],
        price=parse_money(pick(data, *PRICE_COLUMNS), "price"),
        currency=(text(pick(data, "Currency")) or "USD")[:3].upper(),
        sold=sold,
        sold_price=sold_price,
        listed_at=listed_at,
        sold_at=sold_at,
        source_updated_at=max(times, default=context.observed_at),
        extra=_extra(data),
    )


def _quantity(value) -> int:
    if value in (None, ""):
        return 0
    try:
        return int(str(value).strip())
    except ValueError:
        raise RowError(
            f"invalid sold quantity {shown(value)}: expected a whole number"
        ) from None


def _extra(data: dict) -> dict:
    extra = {}
    sku = text(pick(data, "Custom label (SKU)", "Custom label", "SKU"))
    if sku:
        extra["sku"] = sku
    category = text(pick(data, "eBay category 1 name", "Category name", "Category"))
    if category:
        extra["category"] = category
        extra["hints"] = {
            "bottoms": "jean" in category.lower() or "pant" in category.lower()
        }
    return extra


def check_ebay_header(header: list[str]) -> None:
    for label, names in (("item number", ID_COLUMNS), ("title", TITLE_COLUMNS)):
        if not has_any_column(header, *names):
            raise FileFormatError(
                f"ebay files need a {label} column ({' or '.join(names)}); "
                f"the header has: {', '.join(header[:40])}"
            )


EBAY = Importer(
    name="ebay",
    label="eBay listing or sold-item report",
    platform=Platform.EBAY,
    formats=("csv", "jsonl"),
    required_columns=(),
    map_record=map_ebay,
    check_header=check_ebay_header,
    description="Item number, Title, Current price, Sold for, Sale date, Start date, "
    "End date, Condition, Brand, Size, Currency",
)
