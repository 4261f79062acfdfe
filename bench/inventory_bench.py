"""Time the inventory list page and API at 50,000 listings for one seller.

Usage (from the project root):

    SELVEDGE_NO_BOOTSTRAP=1 .venv/bin/python bench/inventory_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pages \\
        SELVEDGE_NO_BOOTSTRAP=1 .venv/bin/python bench/inventory_bench.py

Without DATABASE_URL it uses var/bench-inventory.sqlite3. The script migrates
the database, seeds two sellers with --listings rows each (the second seller's
rows make the seller filter matter), then requests each scenario through
Django's test client, in-process, with the page's own queries, templates and
middleware. Each scenario runs --repeat times after two warm-up requests.

The baseline is the same requests in the same run with the listing indexes
that the inventory page added dropped: only the (seller, status),
(seller, sync_state) and (seller, -remote_updated_at) indexes remain. The
indexes are put back before the script exits.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-inventory.sqlite3'}"
)
os.environ["DJANGO_DEBUG"] = "False"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.roles import grant_role  # noqa: E402
from whatnot.models import Listing  # noqa: E402

ADDED_INDEXES = (
    "listing_seller_updated",
    "listing_seller_price",
    "listing_seller_quantity",
    "listing_seller_brand",
    "listing_seller_published",
)
BRANDS = (
    "Levi's",
    "Lee",
    "Wrangler",
    "Evisu",
    "Big E",
    "Edwin",
    "Carhartt",
    "Diesel",
    "Lucky Brand",
    "Big Star",
    "",
)
TITLE_WORDS = (
    "vintage 501 505 517 big e redline selvedge 1970s 1980s 1990s usa made "
    "button fly zip fly raw rigid faded distressed orange tab single stitch "
    "bootcut straight tapered rider storm jacket trucker shrink-to-fit"
)
SCENARIOS = [
    ("page 1, newest change first", "/inventory/"),
    ("page 500 (offset 24,950)", "/inventory/?page=500"),
    ("last page", "/inventory/?page=1000"),
    ("status = sold out", "/inventory/?status=SOLD_OUT"),
    ("brand = Lee", "/inventory/?brand=Lee"),
    ("sync state = conflict", "/inventory/?sync_state=conflict"),
    ("not published", "/inventory/?published=false"),
    ("search 'selvedge'", "/inventory/?q=selvedge"),
    ("sort by price", "/inventory/?sort=price"),
    ("sort by price desc, page 200", "/inventory/?sort=-price&page=200"),
    ("sort by title", "/inventory/?sort=title"),
    (
        "brand + published, by price",
        "/inventory/?brand=Levi%27s&published=true&sort=price",
    ),
    ("API page 1 by price", "/api/listings/?sort=price"),
]


def seed(seller: User, count: int, rng: random.Random) -> None:
    now = timezone.now()
    states = ["synced"] * 94 + ["pending"] * 3 + ["failed"] * 2 + ["conflict"]
    statuses = ["ACTIVE"] * 70 + ["INACTIVE"] * 10 + ["SOLD"] * 12 + ["SOLD_OUT"] * 8
    rows = []
    for number in range(count):
        changed = now - timezone.timedelta(minutes=rng.randrange(0, 525_600))
        rows.append(
            Listing(
                seller=seller,
                whatnot_id=f"bench-{seller.pk}-{number}",
                title=" ".join(rng.sample(TITLE_WORDS.split(), 6)) + f" {number}",
                description="Bench listing.",
                brand=rng.choice(BRANDS),
                taxonomy_node_id="16",
                price=Decimal(rng.randrange(500, 90_000)) / 100,
                quantity=rng.randrange(0, 5),
                status=rng.choice(statuses),
                published=rng.random() < 0.8,
                sync_state=rng.choice(states),
                remote_updated_at=changed,
            )
        )
        if len(rows) == 2_000:
            Listing.objects.bulk_create(rows)
            rows = []
    Listing.objects.bulk_create(rows)
    # updated_at is auto_now; spread it so the default sort has real order.
    Listing.objects.filter(seller=seller).update(updated_at=F("remote_updated_at"))


def prepare(listings: int, reseed: bool) -> User:
    call_command("migrate", verbosity=0)
    rng = random.Random(20261204)
    sellers = []
    for username in ("bench-seller", "bench-other"):
        user, _ = User.objects.get_or_create(username=username)
        grant_role(user, Role.SELLER)
        sellers.append(user)
        have = Listing.objects.filter(seller=user).count()
        if reseed or have != listings:
            Listing.objects.filter(seller=user).delete()
            seed(user, listings, rng)
    return sellers[0]


def analyze() -> None:
    """Refresh planner statistics; on PostgreSQL also the visibility map,
    which autovacuum keeps current on a live database and which index-only
    scans need."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {Listing._meta.db_table}")
        else:
            cursor.execute("ANALYZE")


def set_added_indexes(present: bool) -> None:
    wanted = [index for index in Listing._meta.indexes if index.name in ADDED_INDEXES]
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(
            cursor, Listing._meta.db_table
        )
    with connection.schema_editor() as editor:
        for index in wanted:
            if present and index.name not in existing:
                editor.add_index(Listing, index)
            if not present and index.name in existing:
                editor.remove_index(Listing, index)
    analyze()


def time_scenarios(client: Client, repeat: int) -> dict[str, tuple]:
    results = {}
    for label, url in SCENARIOS:
        for _ in range(2):
            client.get(url)
        samples = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} returned {response.status_code}")
        samples.sort()
        p90 = samples[max(0, round(0.9 * len(samples)) - 1)]
        results[label] = (statistics.median(samples), p90, len(queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listings", type=int, default=50_000, help="Listings per seller."
    )
    parser.add_argument(
        "--repeat", type=int, default=15, help="Timed requests per scenario."
    )
    parser.add_argument(
        "--reseed", action="store_true", help="Delete and recreate the rows."
    )
    options = parser.parse_args()

    # Not setup_test_environment(): it wraps every template render to record
    # the context, which would add its own cost to each page.
    settings.ALLOWED_HOSTS.append("testserver")
    started = time.perf_counter()
    seller = prepare(options.listings, options.reseed)
    print(
        f"{connection.vendor}: {Listing.objects.count():,} listings ready in "
        f"{time.perf_counter() - started:.0f}s"
    )
    client = Client()
    client.force_login(seller)
    try:
        set_added_indexes(False)
        baseline = time_scenarios(client, options.repeat)
        set_added_indexes(True)
        indexed = time_scenarios(client, options.repeat)
    finally:
        set_added_indexes(True)

    print(
        "\n| Scenario | Baseline median / p90 (ms) | Indexed median / p90 (ms) "
        "| Queries |\n| --- | ---: | ---: | ---: |"
    )
    for label, _ in SCENARIOS:
        base_median, base_p90, _ = baseline[label]
        median, p90, queries = indexed[label]
        print(
            f"| {label} | {base_median:.1f} / {base_p90:.1f} "
            f"| {median:.1f} / {p90:.1f} | {queries} |"
        )


if __name__ == "__main__":
    main()
