"""What one listing adds to the summary tables.

A listing's facts are the values the summaries group and count it by. Its
listing date is ``listed_at`` (or ``sold_at`` when only that is known) and its
sale date is ``sold_at``. Both are calendar dates in the project time zone.
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

# The columns each summary level keeps besides the period, the event and the
# sold flag. A query reads the first level listed that keeps every column it
# needs, so each level is listed before the levels that split its cells
# further. A waist filter reads "sized" unless the query also needs the
# platform or the listing kind, which only "fit" keeps together with waist. A
# query that needs inseam, made in or selvedge reads the listing table,
# because cells that fine would hold about one listing each.
LEVEL_COLUMNS: dict[str, frozenset[str]] = {
    "total": frozenset(),
    "market": frozenset({"platform", "listing_kind"}),
    "brand": frozenset({"platform", "listing_kind", "brand"}),
    "cohort": frozenset({"brand", "lot", "decade"}),
    "model": frozenset({"platform", "listing_kind", "brand", "lot", "decade"}),
    "sized": frozenset({"brand", "lot", "decade", "waist"}),
    "fit": frozenset({"platform", "listing_kind", "brand", "lot", "decade", "waist"}),
}
# The grains each level keeps. Day cells of the finer levels would hold about
# one listing each, so those levels read the listing table for partial months.
LEVEL_GRAINS: dict[str, tuple[str, ...]] = {
    "total": (Grain.ALL, Grain.MONTH, Grain.DAY),
    "market": (Grain.ALL, Grain.MONTH, Grain.DAY),
    "brand": (Grain.ALL, Grain.MONTH, Grain.DAY),
    "cohort": (Grain.ALL, Grain.MONTH, Grain.DAY),
    "model": (Grain.ALL, Grain.MONTH),
    "sized": (Grain.ALL, Grain.MONTH),
    "fit": (Grain.ALL, Grain.MONTH),
}
ATTRIBUTE_COLUMNS = ("brand", "lot", "decade", "waist", "inseam", "made_in", "selvedge")
# The attribute columns a summary row has, in key order.
SUMMARY_ATTRIBUTES = ("brand", "lot", "decade", "waist")
EMPTY_VALUES = {
    "platform": "",
    "listing_kind": "",
    "brand": "",
    "lot": "",
    "decade": "",
    "waist": 0,
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
    level: str
    grain: str
    period: date | None
    event: str
    platform: str
    listing_kind: str
    sold: bool
    attributes: tuple

    @property
    def key(self) -> str:
        """Return the summary row's primary key for this cell."""
        period = self.period.isoformat() if self.period else None
        return json.dumps(
            [
                self.level,
                self.grain,
                period,
                self.event,
                self.platform,
                self.listing_kind,
                self.sold,
                *self.attributes,
            ],
            separators=(",", ":"),
        )


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


def periods_of(day: date | None, grains: tuple[str, ...]):
    """Return the (grain, period) cells an event on ``day`` counts in.

    Every event counts in its level's all-time cell; a dated event also counts
    in its month and, where the level keeps days, its day.
    """
    periods: list[tuple[str, date | None]] = [(Grain.ALL, None)]
    if day is not None:
        periods.append((Grain.MONTH, month_start(day)))
        if Grain.DAY in grains:
            periods.append((Grain.DAY, day))
    return periods


def contributions(facts: ListingFacts) -> Iterator[tuple[Cell, int | None, int | None]]:
    """Yield (cell, price bin, days to sell) for each cell a listing adds 1 to."""
    events = [(Event.LISTED, facts.listed_on, facts.price_bin, None)]
    if facts.sold:
        events.append(
            (Event.SOLD, facts.sold_on, facts.sold_price_bin, facts.days_to_sell)
        )
    values = facts._asdict()
    for level, columns in LEVEL_COLUMNS.items():
        level_values = {
            name: values[name] if name in columns else empty
            for name, empty in EMPTY_VALUES.items()
        }
        attributes = tuple(level_values[name] for name in SUMMARY_ATTRIBUTES)
        grains = LEVEL_GRAINS[level]
        for event, day, bin_index, days in events:
            for grain, period in periods_of(day, grains):
                cell = Cell(
                    level,
                    grain,
                    period,
                    event,
                    level_values["platform"],
                    level_values["listing_kind"],
                    facts.sold,
                    attributes,
                )
                yield cell, bin_index, days
