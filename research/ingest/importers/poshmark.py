"""Poshmark listing scrapes: one row per listing, keyed by the id in its link.

Columns: brand (the scrape's brand slug), date (posted, YYYY-MM-DD), diff
(days from posting to the scrape), link, image, nwt, price (USD; the final
price for sold rows), size (the waist as "32.0"), sold, status, stock, title.
The scrape time, date + diff, is the row's version.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ...models import Platform
from ..rows import ListingRow
from ..values import RowError, parse_flag, parse_money, parse_when, required_text, shown
from ..values import text_value as text
from .base import ImportContext, Importer

_LISTING_ID = re.compile(r"([0-9a-f]{24})/?$")


def map_poshmark(data: dict, context: ImportContext) -> ListingRow:
    link = text(data.get("link"))
    match = _LISTING_ID.search(link)
    if match is None:
        raise RowError(f"link {shown(link)} has no Poshmark listing id at its end")
    listed_at = parse_when(data.get("date"), "date")
    scraped_at = _scrape_time(listed_at, data.get("diff"))
    sold = parse_flag(data.get("sold"), "sold")
    price = parse_money(data.get("price"), "price")
    nwt = parse_flag(data.get("nwt"), "nwt")
    return ListingRow(
        external_id=match.group(1),
        title=required_text(data.get("title"), "title", 1000),
        url=link[:1000],
        status="sold" if sold else "active",
        brand_raw=text(data.get("brand"))[:255],
        size_raw=text(data.get("size"))[:64],
        condition_raw="NWT" if nwt else "",
        price=price,
        sold=sold,
        sold_price=price if sold else None,
        listed_at=listed_at,
        source_updated_at=scraped_at or context.observed_at,
        extra=_extra(data),
    )


def _scrape_time(listed_at, diff):
    if listed_at is None or text(diff) == "":
        return listed_at
    try:
        days = int(text(diff))
    except ValueError:
        raise RowError(f"invalid diff {shown(diff)}: expected whole days") from None
    return listed_at + timedelta(days=days)


def _extra(data: dict) -> dict:
    extra = {}
    if text(data.get("image")):
        extra["image"] = text(data.get("image"))
    if text(data.get("status")):
        extra["poshmark_status"] = text(data.get("status"))
    return extra


POSHMARK = Importer(
    name="poshmark",
    label="Poshmark listing scrape",
    platform=Platform.POSHMARK,
    formats=("csv", "jsonl"),
    required_columns=("link", "title", "price", "sold", "date"),
    map_record=map_poshmark,
    description="brand, date, diff, link, nwt, price, size, sold, status, title",
)
