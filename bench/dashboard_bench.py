"""Time the research dashboards on generated listings against a baseline.

The run loads N generated listings (1,000,000 by default) into a database of
its own, rebuilds the cohort summaries, then renders the market overview and a
filtered cohort page with Django's test client in the same process. Each page
is timed twice: as shipped (reading the summary tables) and with the report
computed by aggregating the listing table on every request (the baseline). The
two versions' headline numbers are compared to show that both compute the
same result.

    .venv/bin/python bench/dashboard_bench.py --listings 1000000 --requests 30

DATABASE_URL selects the database (default: a SQLite file under var/bench/);
--reuse keeps listings already loaded there.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COHORT_QUERY = "brand=levis&lot=501&decade=1980s&waist_min=30&waist_max=32"
END = datetime(2026, 11, 30, 23, tzinfo=UTC)
DAYS = 730

PLATFORMS = (
    ("whatnot", 35),
    ("ebay", 30),
    ("grailed", 15),
    ("poshmark", 15),
    ("vestiaire", 5),
)
BRANDS = (
    ("levis", 55),
    ("wrangler", 12),
    ("lee", 10),
    ("gap", 5),
    ("carhartt", 5),
    ("diesel", 3),
    ("calvin klein", 3),
    ("guess", 2),
    ("edwin", 1),
    ("lucky brand", 1),
    ("big e", 1),
    ("lvc", 1),
    ("orslow", 1),
)
LEVIS_LOTS = (
    ("501", 35),
    ("505", 15),
    ("550", 12),
    ("517", 8),
    ("501xx", 4),
    ("701", 3),
    ("646", 3),
    ("569", 3),
    ("560", 3),
    ("510", 3),
    ("511", 3),
    ("514", 3),
    ("527", 3),
    ("", 2),
)
OTHER_LOTS = (("", 60), ("13mwz", 10), ("101", 8), ("200", 8), ("b17", 7), ("82", 7))
DECADES = (
    ("1960s", 3),
    ("1970s", 8),
    ("1980s", 20),
    ("1990s", 35),
    ("2000s", 20),
    ("2010s", 8),
    ("", 6),
)
DECADE_PRICE = {
    "1960s": 420,
    "1970s": 190,
    "1980s": 95,
    "1990s": 58,
    "2000s": 36,
    "2010s": 30,
    "": 45,
}
# Price change over the two years: 501s rise, 505s fall, the rest drift up.
YEARLY_DRIFT = {"501": 0.25, "505": -0.1}
AUCTION_SHARE = {"whatnot": 0.6, "ebay": 0.3}
MADE_IN = (
    ("usa", 45),
    ("mexico", 20),
    ("canada", 5),
    ("japan", 5),
    ("other", 10),
    ("", 15),
)


def weighted(choices):
    values = [value for value, _ in choices]
    weights = [weight for _, weight in choices]
    return lambda rng: rng.choices(values, weights)[0]


def generate(count: int, seed: int = 2026):
    """Yield listing column dicts with a plausible vintage-jeans market shape."""
    rng = random.Random(seed)
    platform_of, brand_of = weighted(PLATFORMS), weighted(BRANDS)
    levis_lot, other_lot = weighted(LEVIS_LOTS), weighted(OTHER_LOTS)
    decade_of, made_in_of = weighted(DECADES), weighted(MADE_IN)
    start = END - timedelta(days=DAYS)
    for index in range(count):
        platform = platform_of(rng)
        brand = brand_of(rng)
        lot = levis_lot(rng) if brand == "levis" else other_lot(rng)
        decade = decade_of(rng)
        waist = (
            None if rng.random() < 0.05 else min(44, max(24, round(rng.gauss(32, 3.5))))
        )
        inseam = (
            None
            if rng.random() < 0.1
            else rng.choice((28, 29, 30, 30, 31, 32, 32, 32, 33, 34, 34, 36))
        )
        selvedge = (
            None
            if rng.random() < 0.2
            else (
                decade in ("1960s", "1970s", "1980s")
                and lot.startswith("501")
                and rng.random() < 0.5
            )
        )
        # The market grows: a uniform draw raised to 0.8 leans towards recent dates.
        listed_at = start + timedelta(
            days=DAYS * rng.random() ** 0.8, hours=rng.random() * 24
        )
        age = (listed_at - start).days / DAYS
        drift = 1 + YEARLY_DRIFT.get(lot, 0.05) * age
        value = DECADE_PRICE[decade] * (1.6 if selvedge else 1) * drift
        value *= rng.lognormvariate(0, 0.35)
        is_auction = rng.random() < AUCTION_SHARE.get(platform, 0)
        kind = "auction" if is_auction else "buy_it_now"
        sold_at = listed_at + timedelta(days=rng.expovariate(1 / 20))
        sold = rng.random() < 0.6 and sold_at <= END
        asking = Decimal(str(round(value * 1.15, 2)))
        yield {
            "platform": platform,
            "external_id": f"bench-{index}",
            "title": title_for(brand, lot, decade, waist, inseam),
            "url": f"https://example.test/{platform}/bench-{index}",
            "listing_kind": kind,
            "price": asking,
            "sold": sold,
            "sold_price": Decimal(str(round(value, 2))) if sold else None,
            "listed_at": listed_at,
            "sold_at": sold_at if sold else None,
            "brand": brand,
            "lot": lot,
            "decade": decade,
            "waist": waist,
            "inseam": inseam,
            "made_in": made_in_of(rng),
            "selvedge": selvedge,
        }


def title_for(brand, lot, decade, waist, inseam) -> str:
    return f"{brand.title()} {lot} {decade} W{waist or ''} L{inseam or ''}".strip()


def load_listings(count: int) -> float:
    """Insert the generated listings with executemany; return the seconds taken."""
    from django.db import connection, transaction

    from research.models import MarketListing

    fields = [f for f in MarketListing._meta.concrete_fields if not f.primary_key]
    now = datetime.now(UTC)
    defaults = {}
    for field in fields:
        if field.name in ("created_at", "updated_at", "source_updated_at"):
            defaults[field.name] = now
        elif field.null and not field.has_default():
            defaults[field.name] = None
        else:
            defaults[field.name] = field.get_db_prep_save(
                field.get_default(), connection
            )
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = MarketListing._meta.db_table
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    started = time.perf_counter()
    batch = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in generate(count):
            batch.append(
                [
                    row.get(f.name, defaults[f.name])
                    if f.name in row
                    else defaults[f.name]
                    for f in fields
                ]
            )
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return time.perf_counter() - started


def listing_table_rows(filters):
    """Build one summary-shaped row per listing event, straight from the listings."""
    from research.cohorts.facts import LISTING_FIELDS, facts_from_row
    from research.cohorts.models import Event, Grain
    from research.cohorts.queries import Row
    from research.views.listings import filtered_listings

    queryset = filtered_listings(filters).values(*LISTING_FIELDS, "seller_id")
    for values in queryset.iterator(chunk_size=20_000):
        facts = facts_from_row(values)
        yield from listing_events(facts, Event, Grain, Row)


def listing_events(facts, Event, Grain, Row):
    common = (
        facts.platform,
        facts.listing_kind,
        facts.sold,
        facts.brand,
        facts.lot,
        facts.decade,
    )
    grain = Grain.DAY if facts.listed_on else Grain.ALL
    prices = {str(facts.price_bin): 1} if facts.price_bin is not None else {}
    yield Row(grain, facts.listed_on, Event.LISTED, *common, 1, prices, {})
    if facts.sold:
        grain = Grain.DAY if facts.sold_on else Grain.ALL
        sold_prices = (
            {str(facts.sold_price_bin): 1} if facts.sold_price_bin is not None else {}
        )
        days = {str(facts.days_to_sell): 1} if facts.days_to_sell is not None else {}
        yield Row(grain, facts.sold_on, Event.SOLD, *common, 1, sold_prices, days)


def baseline_report(filters):
    from research.cohorts import queries

    rows = list(listing_table_rows(filters))
    return queries.build_report(filters, "listings", rows, rows)


def baseline_movers(filters, window_days=90, min_sales=5, limit=5):
    from django.db.models import Max

    from research.cohorts import queries
    from research.cohorts.bins import price_bin
    from research.cohorts.facts import eligible_listings, local_date

    latest = (
        eligible_listings().filter(sold=True).aggregate(latest=Max("sold_at"))["latest"]
    )
    if latest is None:
        return queries.MoversReport(None, window_days, min_sales, [], [])
    as_of = local_date(latest)
    recent_start = as_of - timedelta(days=window_days - 1)
    previous_start = recent_start - timedelta(days=window_days)
    recent, previous = {}, {}
    sales = (
        eligible_listings()
        .filter(
            sold=True,
            sold_at__gte=datetime.combine(previous_start, datetime.min.time(), UTC),
        )
        .exclude(brand="")
        .values_list("brand", "lot", "decade", "sold_price", "sold_at", "currency")
    )
    for brand, lot, decade, sold_price, sold_at, currency in sales.iterator(
        chunk_size=20_000
    ):
        day = local_date(sold_at)
        if day > as_of or sold_price is None or currency != "USD":
            continue
        target = recent if day >= recent_start else previous
        bin_index = price_bin(sold_price)
        if bin_index is not None:
            target.setdefault((brand, lot, decade), Counter())[bin_index] += 1
    return queries.compare_windows(
        as_of, window_days, min_sales, limit, recent, previous
    )


def time_requests(client, path: str, count: int) -> tuple[list[float], list[float]]:
    """Return the wall-clock and CPU milliseconds of each request.

    The database runs in this process for SQLite, so CPU time covers the whole
    request; it is the fairer figure on a machine that other work is loading.
    """
    wall, cpu = [], []
    for _ in range(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise SystemExit(
                f"{path} returned HTTP {response.status_code}; expected 200"
            )
    return wall, cpu


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def headline(query: str) -> dict:
    """Return the headline numbers the cohort view would compute for a query."""
    from django.http import QueryDict

    from research.cohorts.filters import parse_filters
    from research.views import dashboards

    stats = dashboards.cohort_report(parse_filters(QueryDict(query))).stats
    return {
        "listings": stats.listing_count,
        "sales": stats.sale_count,
        "sell_through": stats.sell_through,
        "sold_median": stats.sold.median,
        "sold_iqr": stats.sold.iqr,
        "days_median": stats.days_to_sell.median,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listings",
        type=int,
        default=1_000_000,
        help="number of generated listings (default 1,000,000)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=30,
        help="timed requests per page with summaries (default 30)",
    )
    parser.add_argument(
        "--baseline-requests",
        type=int,
        default=5,
        help="timed requests per page for the baseline (default 5)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep listings already loaded when the count matches",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["SELVEDGE_NO_BOOTSTRAP"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{bench_dir / 'dashboard.sqlite3'}"
    )
    os.environ.pop("SELVEDGE_TEST_DATABASE_NAME", None)

    import django

    django.setup()
    from django.conf import settings

    # A private in-memory cache, so no other process clears or fills it.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Role
    from accounts.roles import grant_role
    from research.cohorts.refresh import rebuild_summaries
    from research.models import CohortSummary, MarketListing
    from research.views import dashboards
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not (args.reuse and MarketListing.objects.count() == args.listings):
        CohortSummary.objects.all().delete()
        MarketListing.objects.all().delete()
        seconds = load_listings(args.listings)
        print(f"loaded {args.listings:,} listings in {seconds:.1f} s")
        started = time.perf_counter()
        rebuild_summaries()
        print(f"rebuilt summaries in {time.perf_counter() - started:.1f} s")
    print(f"summary rows: {CohortSummary.objects.count():,}")

    analyst = UserFactory(username="bench-analyst")
    grant_role(analyst, Role.ANALYST)
    client = Client(HTTP_HOST="localhost")
    client.force_login(analyst)
    pages = {"overview": "/research/", "cohort": f"/research/cohorts/?{COHORT_QUERY}"}
    queries = {"overview": "", "cohort": COHORT_QUERY}

    summary_numbers = {name: headline(query) for name, query in queries.items()}
    summary_times = {
        name: time_requests(client, path, args.requests) for name, path in pages.items()
    }

    dashboards.cohort_report, dashboards.top_movers = baseline_report, baseline_movers
    baseline_numbers = {name: headline(query) for name, query in queries.items()}
    baseline_times = {
        name: time_requests(client, path, args.baseline_requests)
        for name, path in pages.items()
    }

    print(
        f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for index, measure in enumerate(("wall-clock", "CPU")):
        print(f"\n{measure} time per request\n")
        print(
            "| page | summaries first | summaries p50 | summaries p95 | baseline p50 "
            "| baseline p95 | p95 ratio | same numbers |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in pages:
            fast = summary_times[name][index]
            slow = baseline_times[name][index]
            same = summary_numbers[name] == baseline_numbers[name]
            ratio = percentile(slow, 0.95) / percentile(fast, 0.95)
            print(
                f"| {name} | {fast[0]:.0f} ms | {statistics.median(fast):.0f} ms"
                f" | {percentile(fast, 0.95):.0f} ms | {statistics.median(slow):.0f} ms"
                f" | {percentile(slow, 0.95):.0f} ms | {ratio:.0f}x | {same} |"
            )
    for name in pages:
        if summary_numbers[name] != baseline_numbers[name]:
            print(f"{name} summaries: {summary_numbers[name]}")
            print(f"{name} baseline:  {baseline_numbers[name]}")
    print(
        f"\n{args.requests} summary requests and {args.baseline_requests} baseline "
        f"requests per page; cohort filters: {COHORT_QUERY}"
    )


if __name__ == "__main__":
    main()
