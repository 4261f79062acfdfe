"""Comparable sales: what listings like this one sold for.

``find_comps`` looks for sold listings with the same brand, lot and decade and
a waist within an inch, and widens the search one step at a time while it has
fewer than ``min_comps``: waist within two inches, then any decade, then any
lot, then any waist. The suggested price range is the 25th to 75th percentile
of the matched sold prices (type-7 quantiles, exact, as Decimal).

Only listings that research may use count (see eligible_listings), and at most
the MAX_COMPS most recent sales of the final step are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q

from research.cohorts.bins import exact_quantile
from research.cohorts.facts import eligible_listings
from research.cohorts.models import CohortSummary, Grain

MAX_COMPS = 500
SHOWN_COMPS = 20
BRANDS_CACHE_KEY = "research:comps:brands"


@dataclass(frozen=True)
class Comp:
    id: int
    title: str
    url: str
    platform: str
    sold_price: Decimal
    sold_at: datetime | None
    lot: str
    decade: str
    waist: int | None


@dataclass(frozen=True)
class CompsResult:
    brand: str
    lot: str | None
    decade: str | None
    waist: int | None
    count: int
    price_low: Decimal | None
    price_median: Decimal | None
    price_high: Decimal | None
    # Descriptions of the widening steps taken after the first search, in order.
    steps: tuple[str, ...] = ()
    comps: tuple[Comp, ...] = field(default_factory=tuple)
    min_comps: int = 5

    @property
    def enough(self) -> bool:
        return self.count >= self.min_comps

    def as_dict(self) -> dict:
        return {
            "brand": self.brand,
            "lot": self.lot,
            "decade": self.decade,
            "waist": self.waist,
            "count": self.count,
            "enough": self.enough,
            "price_low": self.price_low,
            "price_median": self.price_median,
            "price_high": self.price_high,
            "steps": list(self.steps),
            "comps": [comp.__dict__ for comp in self.comps],
        }


@dataclass(frozen=True)
class Criteria:
    lot: str | None
    decade: str | None
    waist_margin: int | None


def widening_steps(lot, decade, waist) -> list[tuple[str | None, Criteria]]:
    """Return (description, criteria) from the narrowest search to the widest."""
    margin = 1 if waist is not None else None
    steps: list[tuple[str | None, Criteria]] = [(None, Criteria(lot, decade, margin))]
    if waist is not None:
        steps.append(("waist within 2 inches", Criteria(lot, decade, 2)))
    if decade:
        steps.append(("any decade", Criteria(lot, None, steps[-1][1].waist_margin)))
    if lot:
        steps.append(("any lot", Criteria(None, None, steps[-1][1].waist_margin)))
    if waist is not None:
        steps.append(("any waist", Criteria(None, None, None)))
    return steps


def find_comps(
    *,
    brand: str,
    lot: str | None = None,
    decade: str | None = None,
    waist: int | None = None,
    exclude_seller=None,
    min_comps: int = 5,
    exclude_listing_id: int | None = None,
) -> CompsResult:
    """Find comparable sold listings and a suggested price range.

    ``exclude_seller`` (a user or an id) leaves that seller's own listings out;
    ``exclude_listing_id`` leaves out the listing being priced.
    """
    brand = canonical_brand(brand)
    lot = (lot or "").strip() or None
    decade = (decade or "").strip() or None
    base = eligible_listings().filter(
        brand=brand, sold=True, sold_price__isnull=False, sold_price__gt=0
    )
    if exclude_seller is not None:
        base = base.exclude(seller=exclude_seller)
    if exclude_listing_id is not None:
        base = base.exclude(id=exclude_listing_id)
    taken: list[str] = []
    rows: list[dict] = []
    for description, criteria in widening_steps(lot, decade, waist):
        if description is not None:
            taken.append(description)
        rows = list(
            base.filter(criteria_q(criteria, waist))
            .order_by("-sold_at", "-id")
            .values(
                "id",
                "title",
                "url",
                "platform",
                "sold_price",
                "sold_at",
                "lot",
                "decade",
                "waist",
            )[:MAX_COMPS]
        )
        if len(rows) >= min_comps:
            break
    prices = [row["sold_price"] for row in rows]
    return CompsResult(
        brand=brand,
        lot=lot,
        decade=decade,
        waist=waist,
        count=len(rows),
        price_low=exact_quantile(prices, Decimal("0.25")),
        price_median=exact_quantile(prices, Decimal("0.5")),
        price_high=exact_quantile(prices, Decimal("0.75")),
        steps=tuple(taken),
        comps=tuple(Comp(**row) for row in rows[:SHOWN_COMPS]),
        min_comps=min_comps,
    )


def criteria_q(criteria: Criteria, waist: int | None) -> Q:
    query = Q()
    if criteria.lot:
        query &= Q(lot=criteria.lot)
    if criteria.decade:
        query &= Q(decade=criteria.decade)
    if criteria.waist_margin is not None and waist is not None:
        query &= Q(
            waist__gte=waist - criteria.waist_margin,
            waist__lte=waist + criteria.waist_margin,
        )
    return query


def brand_token(value: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", value.lower())


def canonical_brand(brand: str) -> str:
    """Return the stored spelling of a brand ("Levi's" finds "levis").

    Brands are matched on lower-case letters and digits against the brands in
    the summaries; an unknown brand is returned stripped, unchanged.
    """
    brand = (brand or "").strip()
    known = cache.get(BRANDS_CACHE_KEY)
    if known is None or brand_token(brand) not in known:
        known = {
            brand_token(value): value
            for value in CohortSummary.objects.filter(level="brand", grain=Grain.ALL)
            .exclude(brand="")
            .values_list("brand", flat=True)
            .distinct()
        }
        cache.set(BRANDS_CACHE_KEY, known, timeout=300)
    return known.get(brand_token(brand), brand)
