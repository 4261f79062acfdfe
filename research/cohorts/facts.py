"""What one listing adds to the summary tables.

A listing's facts are the values the summaries group and count it by. Its
listing date is ``listed_at`` (or ``sold_at`` when only that is known) and its
sale date is ``sold_at``; both are calendar dates in the project time zone.
Days to sell are whole days from ``listed_at`` to ``sold_at``, rounded down,
and only when both are known and in that order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .bins import price_bin
from .models import Event, Grain

# Which attribute columns each summary level keeps, from coarsest to finest.
# Every level also keeps platform, listing kind and the sold flag. A query uses
# the coarsest level that keeps every column it filters on.
LEVEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "market": (),
    "brand": ("brand",),
    "model": ("brand", "lot", "decade"),
    "fit": ("brand", "lot", "decade", "waist"),
    "full": ("brand", "lot", "decade", "waist", "inseam", "made_in", "selvedge"),
}
ATTRIBUTE_COLUMNS = LEVEL_COLUMNS["full"]
EMPTY_ATTRIBUTES = {
    "brand": "",
    "lot": "",
    "decade": "",
    "waist": 0,
    "inseam": 0,
    "made_in": "",
    "selvedge": "",
}

LISTING_KIND_ALIASES = {
    "buy_it_now": "buy_it_now",
    "buyitnow": "buy_it_now",
    "buy_now": "buy_it_now",
    "bin": "buy_it_now",
    "fixed": "buy_it_now",
    "fixed_price": "buy_it_now",
    "auction": "auction",
    "giveaway": "giveaway",
}

# MarketListing columns the facts are read from.
LISTING_FIELDS = (
    "id",
    "dataset_id",
    "seller_id",
    "platform",
    "listing_kind",
    "price",
    "currency",
    "sold",
    "sold_price",
    "listed_at",
    "sold_at",
    *ATTRIBUTE_COLUMNS,
)


class ListingFacts(NamedTuple):
    listed_on: date | None
    sold_on: date | None
    platform: str
    listing_kind: str
    sold: bool
    brand: str
    lot: str
    decade: str
    waist: int
    inseam: int
    made_in: str
    selvedge: str
    price_bin: int | None
    sold_price_bin: int | None
    days_to_sell: int | None


class Cell(NamedTuple):
    key: str
    level: str
    grain: str
    period: date | None
    event: str
    platform: str
    listing_kind: str
    sold: bool
    attributes: tuple


def eligible_listings(queryset: QuerySet | None = None) -> QuerySet:
    """Restrict market listings to those research may use.

    A connected seller's rows count only while the seller keeps
    ``include_in_market_research`` on; imported and exported rows always count.
    """
    from research.models import MarketListing

    queryset = queryset if queryset is not None else MarketListing.objects.all()
    return queryset.filter(
        Q(seller__isnull=True) | Q(seller__include_in_market_research=True)
    )


def normalize_listing_kind(value: str) -> str:
    cleaned = (value or "").strip().lower().replace("-", "_").replace(" ", "_")
    return LISTING_KIND_ALIASES.get(cleaned, cleaned)[:16]


def local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date()


def research_price(value, currency: str):
    """Return a price that can be binned, or None.

    NOTE: prices in a currency other than RESEARCH_CURRENCY are left out of the
    price histograms (the listing still counts) because no rates are stored.
    """
    expected = getattr(settings, "RESEARCH_CURRENCY", "USD")
    if value is None or (currency or expected).upper() != expected:
        return None
    return value


def facts_from_row(row: dict) -> ListingFacts:
    """Build the facts of a listing from a dict of LISTING_FIELDS."""
    listed_on = local_date(row["listed_at"])
    sold = bool(row["sold"])
    sold_on = local_date(row["sold_at"]) if sold else None
    days = None
    if (
        sold
        and row["listed_at"]
        and row["sold_at"]
        and row["sold_at"] >= row["listed_at"]
    ):
        days = (row["sold_at"] - row["listed_at"]).days
    currency = row["currency"]
    return ListingFacts(
        listed_on=listed_on or sold_on,
        sold_on=sold_on,
        platform=row["platform"] or "",
        listing_kind=normalize_listing_kind(row["listing_kind"]),
        sold=sold,
        brand=row["brand"] or "",
        lot=row["lot"] or "",
        decade=row["decade"] or "",
        waist=row["waist"] or 0,
        inseam=row["inseam"] or 0,
        made_in=row["made_in"] or "",
        selvedge=selvedge_value(row["selvedge"]),
        price_bin=price_bin(research_price(row["price"], currency)),
        sold_price_bin=(
            price_bin(research_price(row["sold_price"], currency)) if sold else None
        ),
        days_to_sell=days,
    )


def selvedge_value(flag: bool | None) -> str:
    if flag is None:
        return ""
    return "yes" if flag else "no"


def month_start(day: date) -> date:
    return day.replace(day=1)


def periods_of(day: date | None) -> list[tuple[str, date | None]]:
    if day is None:
        return [(Grain.UNDATED, None)]
    return [(Grain.DAY, day), (Grain.MONTH, month_start(day))]


def cell_key(level, grain, period, event, platform, kind, sold, attributes) -> str:
    return json.dumps(
        [
            level,
            grain,
            period.isoformat() if period else None,
            event,
            platform,
            kind,
            sold,
            *attributes,
        ],
        separators=(",", ":"),
    )


def contributions(facts: ListingFacts) -> Iterator[tuple[Cell, int | None, int | None]]:
    """Yield (cell, price bin, days to sell) for each cell a listing adds 1 to."""
    events = [(Event.LISTED, facts.listed_on, facts.price_bin, None)]
    if facts.sold:
        events.append(
            (Event.SOLD, facts.sold_on, facts.sold_price_bin, facts.days_to_sell)
        )
    values = facts._asdict()
    for level, columns in LEVEL_COLUMNS.items():
        attributes = tuple(
            values[name] if name in columns else EMPTY_ATTRIBUTES[name]
            for name in ATTRIBUTE_COLUMNS
        )
        for event, day, bin_index, days in events:
            for grain, period in periods_of(day):
                key = cell_key(
                    level,
                    grain,
                    period,
                    event,
                    facts.platform,
                    facts.listing_kind,
                    facts.sold,
                    attributes,
                )
                cell = Cell(
                    key,
                    level,
                    grain,
                    period,
                    event,
                    facts.platform,
                    facts.listing_kind,
                    facts.sold,
                    attributes,
                )
                yield cell, bin_index, days
