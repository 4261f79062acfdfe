"""Time building a summary's stats bundle on a large synthetic market.

Usage: .venv/bin/python bench/insights_bundle.py [--rows N] [--repeat R]

It writes N MarketListing rows into a SQLite file under var/ (or the database
DATABASE_URL names, which it empties first) unless the table already has N
rows, then times, in the same
run, a baseline of two plain aggregate queries over each cohort against
build_market_bundle() for the same cohort. Each figure is the median of R runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-insights.sqlite3'}"
)
os.environ["SELVEDGE_NO_BOOTSTRAP"] = "1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Avg, Count, Q  # noqa: E402

from research.insights.bundle import build_market_bundle  # noqa: E402
from research.insights.filters import cohort_listings, parse_filters  # noqa: E402
from research.models import MarketListing  # noqa: E402

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
BRANDS = ["levis", "lee", "wrangler", "edwin", "evisu", "apc", "naked-famous"]
LOTS = ["501", "505", "517", "550", "560", "101", "13mwz", ""]
DECADES = ["1960s", "1970s", "1980s", "1990s", "2000s", ""]
COHORTS = {
    "whole market": {},
    "brand levis": {"brand": "levis"},
    "levis 505 1990s": {"brand": "levis", "lot": "505", "decade": "1990s"},
}


def fill(rows: int) -> None:
    """Write the synthetic rows, unless the table already has that many."""
    call_command("migrate", verbosity=0)
    if MarketListing.objects.count() == rows:
        return
    MarketListing.objects.all().delete()
    rng = random.Random(7)
    batch = []
    for number in range(rows):
        sold = rng.random() < 0.3
        listed_at = AS_OF - timedelta(days=rng.uniform(0, 720))
        price = Decimal(rng.randint(2000, 40000)) / 100
        batch.append(
            MarketListing(
                platform=rng.choice(["ebay", "grailed", "poshmark", "whatnot"]),
                external_id=str(number),
                title=f"listing {number}",
                brand=rng.choice(BRANDS),
                lot=rng.choice(LOTS),
                decade=rng.choice(DECADES),
                price=price,
                sold=sold,
                sold_price=price * Decimal("0.9") if sold else None,
                listed_at=listed_at,
                sold_at=listed_at + timedelta(days=rng.uniform(0, 60))
                if sold
                else None,
            )
        )
        if len(batch) == 5000:
            MarketListing.objects.bulk_create(batch)
            batch = []
    MarketListing.objects.bulk_create(batch)


def baseline(filters: dict) -> None:
    cohort = cohort_listings(filters)
    cohort.aggregate(total=Count("id"), sold=Count("id", filter=Q(sold=True)))
    cohort.filter(sold=True).aggregate(Avg("sold_price"))


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows to write")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure")
    options = parser.parse_args()

    start = time.perf_counter()
    fill(options.rows)
    print(f"filled {options.rows} rows in {time.perf_counter() - start:.1f} s")
    print(f"{'cohort':<18} {'rows':>9} {'baseline s':>11} {'bundle s':>9} {'ratio':>6}")
    for name, raw in COHORTS.items():
        filters = parse_filters(raw)
        size = cohort_listings(filters).count()
        base = timed(lambda f=filters: baseline(f), options.repeat)
        bundle = timed(lambda f=filters: build_market_bundle(f, AS_OF), options.repeat)
        print(
            f"{name:<18} {size:>9} {base:>11.3f} {bundle:>9.3f} {bundle / base:>6.1f}"
        )


if __name__ == "__main__":
    main()
