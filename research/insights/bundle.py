"""The stats bundle: every number a summary may state, gathered by research code.

This module is the only place that reads numbers for summaries. A bundle is a
JSON-safe dict:

- ``scope``: what it describes (a market cohort or one seller's sales);
- ``period``: the trend window ending at ``as_of`` and the window before it;
- ``figures``: ``{key: {"value", "label"}}`` for totals, the period, the
  previous period and the trend deltas;
- ``breakdown``: the same shape, per platform (market) or listing kind (seller);
- ``movers``: groups whose median sold price or sales changed most, each with
  its own figures;
- ``examples``: a few listings with their ids, titles and prices;
- ``terms``: names a claim may repeat even though they contain digits (lot
  numbers, decades);
- ``trimmed``: what was dropped to fit the prompt limit.

Keys are stable: "sold_count", "period.median_sold_price",
"trend.median_sold_price.delta_pct", "mover.<id>.period.sold_count". A figure
whose value is unknown (no sales, a zero base) is left out rather than sent as
null.

Market cohorts are the dashboards' (research.cohorts): the same filters and
the same eligible rows. The figures are computed here from those rows, exactly,
rather than read from the binned summary tables, so that a claim can be
checked to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify

from research.models import MarketListing
from whatnot.models import Listing, Sale

from .figures import change_percent, median, money, quantile, ratio_percent
from .filters import cohort_listings, describe_filters, filter_terms

BUNDLE_SCHEMA = 1
MOVER_LIMIT = 5
MOVER_MIN_SALES = 3
EXAMPLE_LIMIT = 6
MOVER_DIMENSIONS = ("brand", "lot", "decade")

LABELS = {
    "listing_count": "Listings",
    "active_listing_count": "Active listings",
    "sold_listing_count": "Sold listings",
    "sold_count": "Sold",
    "unsold_count": "Unsold",
    "sale_count": "Sale lines",
    "sell_through_pct": "Sell-through (%)",
    "revenue": "Revenue",
    "median_sold_price": "Median sold price",
    "p25_sold_price": "25th percentile sold price",
    "p75_sold_price": "75th percentile sold price",
    "min_sold_price": "Lowest sold price",
    "max_sold_price": "Highest sold price",
    "median_asking_price": "Median asking price",
    "new_listing_count": "New listings",
    "days": "Days in the period",
}
WINDOW_LABELS = {"period": "this period", "previous": "previous period"}


class Builder:
    """A collector of one section's figures that drops unknown values."""

    def __init__(self, prefix: str = "", label_prefix: str = ""):
        self.prefix = prefix
        self.label_prefix = label_prefix
        self.figures: dict[str, dict] = {}

    def add(self, key: str, value, label: str | None = None) -> None:
        if value is None:
            return
        full_label = label or label_for(key)
        self.figures[f"{self.prefix}{key}"] = {
            "value": value,
            "label": f"{self.label_prefix}{full_label}",
        }

    def add_trend(self, name: str, current, previous, is_money: bool) -> None:
        if current is None or previous is None:
            return
        delta = Decimal(current) - Decimal(previous)
        self.add(
            f"trend.{name}.delta",
            money(delta) if is_money else int(delta),
            f"{label_for(name)}: change from the previous period",
        )
        self.add(
            f"trend.{name}.delta_pct",
            change_percent(current, previous),
            f"{label_for(name)}: change from the previous period (%)",
        )


def research_currency() -> str:
    return getattr(settings, "RESEARCH_CURRENCY", "USD")


def label_for(key: str) -> str:
    window, _, name = key.partition(".")
    if window in WINDOW_LABELS and name:
        return f"{LABELS.get(name, name)}, {WINDOW_LABELS[window]}"
    return LABELS.get(key, key.replace("_", " "))


def period_bounds(as_of: datetime, days: int) -> dict[str, datetime]:
    start = as_of - timedelta(days=days)
    return {"end": as_of, "start": start, "previous_start": start - timedelta(days)}


def period_json(bounds: dict[str, datetime], days: int) -> dict:
    return {
        "days": days,
        "start": bounds["start"].isoformat(),
        "end": bounds["end"].isoformat(),
        "previous_start": bounds["previous_start"].isoformat(),
    }


# Market cohorts


def build_market_bundle(filters: dict, as_of: datetime) -> dict:
    """Build the bundle for a market cohort from MarketListing rows.

    The two trend windows' sales are read once and feed the period figures,
    the movers and the examples, so a bundle costs about eight queries.
    """
    days = filters["days"]
    bounds = period_bounds(as_of, days)
    currency = research_currency()
    # cohort_listings() leaves out the rows of sellers who opted out of market
    # research. Prices in other currencies are left out, as the dashboards do.
    cohort = cohort_listings(filters).filter(currency=currency)
    cohort = cohort.filter(Q(listed_at__isnull=True) | Q(listed_at__lt=as_of))
    recent = _recent_sales(cohort, filters, bounds)
    figures = Builder()
    _market_totals(figures, cohort, bounds)
    _market_windows(figures, recent)
    figures.add("period.days", days)
    movers = _market_movers(recent)
    return {
        "schema": BUNDLE_SCHEMA,
        "scope": {
            "kind": "market",
            "description": describe_filters(filters),
            "filters": filters,
            "currency": currency,
        },
        "period": period_json(bounds, days),
        "figures": figures.figures,
        "breakdown": _market_breakdown(cohort),
        "movers": movers,
        "examples": _market_examples(cohort, recent),
        "terms": sorted(set(filter_terms(filters) + _mover_terms(movers))),
        "trimmed": [],
    }


def _recent_sales(cohort: QuerySet, filters: dict, bounds: dict) -> dict[str, list]:
    """Return the sales of the period and of the previous period, each as
    (pk, sold_price, sold_at, group) tuples, where group names the movers'
    attributes that the cohort leaves open."""
    dimensions = [name for name in MOVER_DIMENSIONS if name not in filters]
    rows = cohort.filter(
        sold=True,
        sold_price__isnull=False,
        sold_at__gte=bounds["previous_start"],
        sold_at__lt=bounds["end"],
    ).values_list("pk", "sold_price", "sold_at", *dimensions)
    recent: dict[str, list] = {"period": [], "previous": []}
    for pk, price, sold_at, *names in rows:
        window = "period" if sold_at >= bounds["start"] else "previous"
        group = tuple(names) if dimensions and all(names) else None
        recent[window].append((pk, price, sold_at, group))
    return recent


def _market_totals(figures: Builder, cohort: QuerySet, bounds: dict) -> None:
    counts = cohort.aggregate(
        listing_count=Count("id"),
        sold_count=Count("id", filter=Q(sold=True)),
        period_new=Count(
            "id", filter=Q(listed_at__gte=bounds["start"], listed_at__lt=bounds["end"])
        ),
        previous_new=Count(
            "id",
            filter=Q(
                listed_at__gte=bounds["previous_start"], listed_at__lt=bounds["start"]
            ),
        ),
    )
    figures.add("listing_count", counts["listing_count"])
    figures.add("sold_count", counts["sold_count"])
    figures.add("unsold_count", counts["listing_count"] - counts["sold_count"])
    figures.add(
        "sell_through_pct",
        ratio_percent(counts["sold_count"], counts["listing_count"]),
    )

    sold = cohort.filter(sold=True, sold_price__isnull=False)
    quantiles = database_quantiles(sold, "sold_price", (0.0, 0.25, 0.5, 0.75, 1.0))
    for name, value in zip(
        ("min", "p25", "median", "p75", "max"), quantiles, strict=True
    ):
        figures.add(f"{name}_sold_price", money(value))
    asking = cohort.filter(sold=False, price__isnull=False)
    figures.add("median_asking_price", money(database_quantiles(asking, "price")[0]))

    figures.add("period.new_listing_count", counts["period_new"])
    figures.add("previous.new_listing_count", counts["previous_new"])
    figures.add_trend(
        "new_listing_count", counts["period_new"], counts["previous_new"], False
    )


def _market_windows(figures: Builder, recent: dict[str, list]) -> None:
    values: dict[str, dict] = {}
    for window, sales in recent.items():
        prices = [price for _, price, _, _ in sales]
        values[window] = {
            "sold_count": len(prices),
            "median_sold_price": money(median(prices)),
        }
        for name, value in values[window].items():
            figures.add(f"{window}.{name}", value)
    for name in ("sold_count", "median_sold_price"):
        figures.add_trend(
            name,
            values["period"][name],
            values["previous"][name],
            is_money=name.endswith("price"),
        )


def _market_breakdown(cohort: QuerySet) -> dict[str, dict]:
    breakdown = Builder()
    rows = (
        cohort.values("platform")
        .annotate(listings=Count("id"), sold=Count("id", filter=Q(sold=True)))
        .order_by("platform")
    )
    for row in rows:
        platform = row["platform"]
        breakdown.add(
            f"platform.{platform}.listing_count",
            row["listings"],
            f"Listings on {platform}",
        )
        breakdown.add(
            f"platform.{platform}.sold_count", row["sold"], f"Sold on {platform}"
        )
        breakdown.add(
            f"platform.{platform}.sell_through_pct",
            ratio_percent(row["sold"], row["listings"]),
            f"Sell-through on {platform} (%)",
        )
    return breakdown.figures


def _market_movers(recent: dict[str, list]) -> list[dict]:
    """Keep the attribute groups whose median sold price changed most between
    the two windows, among groups with enough sales in both."""
    groups: dict[tuple, dict[str, list]] = defaultdict(
        lambda: {"period": [], "previous": []}
    )
    for window, sales in recent.items():
        for _, price, _, group in sales:
            if group is not None:
                groups[group][window].append(price)
    ranked = []
    for names, windows in groups.items():
        current, previous = windows["period"], windows["previous"]
        if len(current) < MOVER_MIN_SALES or len(previous) < MOVER_MIN_SALES:
            continue
        change = change_percent(median(current), median(previous))
        if change is None:
            continue
        ranked.append((abs(Decimal(change)), len(current), names, current, previous))
    ranked.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
    return [
        _mover(" ".join(names), current, previous)
        for _, _, names, current, previous in ranked[:MOVER_LIMIT]
    ]


def _mover(label: str, current: list, previous: list) -> dict:
    mover_id = slugify(label) or "group"
    figures = Builder(prefix=f"mover.{mover_id}.", label_prefix=f"{label}: ")
    figures.add("period.sold_count", len(current))
    figures.add("previous.sold_count", len(previous))
    figures.add("period.median_sold_price", money(median(current)))
    figures.add("previous.median_sold_price", money(median(previous)))
    figures.add_trend("median_sold_price", median(current), median(previous), True)
    figures.add_trend("sold_count", len(current), len(previous), False)
    return {"id": mover_id, "label": label, "figures": figures.figures}


def _mover_terms(movers: list[dict]) -> list[str]:
    terms = []
    for mover in movers:
        terms.append(mover["label"])
        terms.extend(mover["label"].split())
    return terms


def _market_examples(cohort: QuerySet, recent: dict[str, list]) -> list[dict]:
    """Pick the period's highest and lowest sale, then its most recent ones.
    A period without sales gives the cohort's most recent sales instead."""
    period = recent["period"]
    if period:
        by_price = sorted(period, key=lambda sale: (sale[1], sale[0]))
        by_time = sorted(period, key=lambda sale: (sale[2], -sale[0]), reverse=True)
        picks = [by_price[-1][0], by_price[0][0], *(sale[0] for sale in by_time)]
    else:
        picks = list(
            cohort.filter(sold=True, sold_price__isnull=False, sold_at__isnull=False)
            .order_by("-sold_at", "pk")
            .values_list("pk", flat=True)[:EXAMPLE_LIMIT]
        )
    chosen = list(dict.fromkeys(picks))[:EXAMPLE_LIMIT]
    rows = MarketListing.objects.in_bulk(chosen)
    return [_market_example(rows[pk]) for pk in chosen]


def _market_example(row: MarketListing) -> dict:
    return {
        "id": f"{row.platform}:{row.external_id}",
        "title": row.title[:120],
        "platform": row.platform,
        "price": money(row.price),
        "sold_price": money(row.sold_price),
        "sold_at": row.sold_at.date().isoformat(),
        "url": row.url,
    }


# Sets up to this size are read whole, which costs one query. Larger ones are
# read only at the ranks that the quantiles need.
IN_MEMORY_QUANTILE_LIMIT = 50_000


def database_quantiles(
    queryset: QuerySet, field: str, fractions: tuple[float, ...] = (0.5,)
) -> list[Decimal | None]:
    """Return quantiles of a column, interpolated as figures.quantile does."""
    total = queryset.count()
    if total == 0:
        return [None] * len(fractions)
    ordered = queryset.order_by(field, "pk").values_list(field, flat=True)
    if total <= IN_MEMORY_QUANTILE_LIMIT:
        values = list(ordered)
        return [quantile(values, fraction) for fraction in fractions]
    results = []
    for fraction in fractions:
        position = (total - 1) * Decimal(str(fraction))
        lower = int(position)
        neighbours = list(ordered[lower : lower + 2])
        results.append(quantile(neighbours, float(position - lower)))
    return results


# One seller's sales


def build_seller_bundle(seller, days: int, as_of: datetime) -> dict:
    """Build the bundle for one seller from their Whatnot sales and listings.

    Sale.price is the price of one unit, so revenue is price times quantity.
    """
    bounds = period_bounds(as_of, days)
    listings = Listing.objects.filter(seller=seller, created_at__lt=as_of)
    sales = list(
        Sale.objects.filter(seller=seller, price__isnull=False, sold_at__lt=as_of)
        .select_related("listing")
        .order_by("sold_at", "pk")
    )
    figures = Builder()
    _seller_listings(figures, listings)
    _seller_sales(figures, sales)
    _seller_windows(figures, sales, bounds)
    figures.add("period.days", days)
    movers = _seller_movers(sales, bounds)
    return {
        "schema": BUNDLE_SCHEMA,
        "scope": {
            "kind": "seller",
            "description": f"Whatnot sales of {seller.get_username()}",
            "seller": seller.get_username(),
            "currency": "USD",
        },
        "period": period_json(bounds, days),
        "figures": figures.figures,
        "breakdown": _seller_breakdown(sales),
        "movers": movers,
        "examples": _seller_examples(sales, bounds),
        "terms": sorted({term for mover in movers for term in mover["label"].split()}),
        "trimmed": [],
    }


def _seller_listings(figures: Builder, listings: QuerySet) -> None:
    sold_statuses = [Listing.Status.SOLD, Listing.Status.SOLD_OUT]
    counts = listings.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Listing.Status.ACTIVE)),
        sold=Count("id", filter=Q(status__in=sold_statuses)),
    )
    figures.add("listing_count", counts["total"])
    figures.add("active_listing_count", counts["active"])
    figures.add("sold_listing_count", counts["sold"])
    figures.add("sell_through_pct", ratio_percent(counts["sold"], counts["total"]))
    asking = listings.filter(status=Listing.Status.ACTIVE, price__isnull=False)
    figures.add("median_asking_price", money(database_quantiles(asking, "price")[0]))


def _seller_sales(figures: Builder, sales: list[Sale]) -> None:
    figures.add("sale_count", len(sales))
    figures.add("sold_count", sum(sale.quantity for sale in sales))
    figures.add("revenue", money(sum(_line_total(sale) for sale in sales)))
    prices = sorted(sale.price for sale in sales)
    for name, fraction in (
        ("min", 0.0),
        ("p25", 0.25),
        ("median", 0.5),
        ("p75", 0.75),
        ("max", 1.0),
    ):
        figures.add(f"{name}_sold_price", money(quantile(prices, fraction)))


def _line_total(sale: Sale) -> Decimal:
    return sale.price * sale.quantity


def _window(sale: Sale, bounds: dict) -> str | None:
    if bounds["start"] <= sale.sold_at < bounds["end"]:
        return "period"
    if bounds["previous_start"] <= sale.sold_at < bounds["start"]:
        return "previous"
    return None


def _seller_windows(figures: Builder, sales: list[Sale], bounds: dict) -> None:
    values = {}
    for window in ("period", "previous"):
        chosen = [sale for sale in sales if _window(sale, bounds) == window]
        values[window] = {
            "sold_count": sum(sale.quantity for sale in chosen),
            "revenue": money(sum(_line_total(sale) for sale in chosen)),
            "median_sold_price": money(median([sale.price for sale in chosen])),
        }
        for name, value in values[window].items():
            figures.add(f"{window}.{name}", value)
    for name in ("sold_count", "revenue", "median_sold_price"):
        figures.add_trend(
            name,
            values["period"][name],
            values["previous"][name],
            is_money=name != "sold_count",
        )


def _seller_breakdown(sales: list[Sale]) -> dict[str, dict]:
    breakdown = Builder()
    by_kind: dict[str, list[Sale]] = defaultdict(list)
    for sale in sales:
        kind = sale.listing.kind if sale.listing else "unknown"
        by_kind[kind.lower()].append(sale)
    for kind, chosen in sorted(by_kind.items()):
        name = kind.replace("_", " ")
        breakdown.add(
            f"kind.{kind}.sold_count",
            sum(sale.quantity for sale in chosen),
            f"Sold as {name}",
        )
        breakdown.add(
            f"kind.{kind}.median_sold_price",
            money(median([sale.price for sale in chosen])),
            f"Median sold price as {name}",
        )
    return breakdown.figures


def _seller_movers(sales: list[Sale], bounds: dict) -> list[dict]:
    """Return the seller's best-selling listings of the period by revenue."""
    groups: dict[str, dict] = {}
    for sale in sales:
        window = _window(sale, bounds)
        if window is None:
            continue
        listing_id = sale.listing_whatnot_id or sale.product_whatnot_id
        if not listing_id:
            continue
        group = groups.setdefault(
            listing_id,
            {"title": _sale_title(sale), "period": [], "previous": []},
        )
        group[window].append(sale)
    ranked = sorted(
        (
            (sum(_line_total(sale) for sale in group["period"]), listing_id, group)
            for listing_id, group in groups.items()
            if group["period"]
        ),
        key=lambda item: (item[0], item[1]),
        reverse=True,
    )
    movers = []
    for revenue, listing_id, group in ranked[:MOVER_LIMIT]:
        mover_id = slugify(listing_id) or "listing"
        label = group["title"][:80]
        figures = Builder(prefix=f"mover.{mover_id}.", label_prefix=f"{label}: ")
        current = sum(sale.quantity for sale in group["period"])
        previous = sum(sale.quantity for sale in group["previous"])
        figures.add("period.sold_count", current)
        figures.add("previous.sold_count", previous)
        figures.add("period.revenue", money(revenue))
        figures.add_trend("sold_count", current, previous, False)
        movers.append({"id": mover_id, "label": label, "figures": figures.figures})
    return movers


def _sale_title(sale: Sale) -> str:
    if sale.listing is not None:
        return sale.listing.title
    return sale.listing_whatnot_id or sale.product_whatnot_id


def _seller_examples(sales: list[Sale], bounds: dict) -> list[dict]:
    in_period = [sale for sale in sales if _window(sale, bounds) == "period"]
    source = in_period or sales
    picks = sorted(source, key=lambda sale: (sale.sold_at, sale.pk), reverse=True)
    examples = []
    seen = set()
    for sale in picks:
        example_id = sale.listing_whatnot_id or sale.order_whatnot_id
        if example_id in seen:
            continue
        seen.add(example_id)
        examples.append(
            {
                "id": example_id,
                "title": _sale_title(sale)[:120],
                "platform": "whatnot",
                "sold_price": money(sale.price),
                "quantity": sale.quantity,
                "sold_at": sale.sold_at.date().isoformat(),
                "url": sale.listing.url if sale.listing else "",
            }
        )
        if len(examples) >= EXAMPLE_LIMIT:
            break
    return examples
