"""Measure full and incremental Whatnot syncs against the sandbox.

The run starts a sandbox with one seller and N generated listings, connects a
seller over OAuth and measures, in this order:

1. floor: walking every listings and orders page with plain ``requests``
   calls, paced at WHATNOT_REQUESTS_PER_SECOND and storing nothing (what any
   sync has to pay);
2. full sync: the sync engine on an empty database;
3. incremental sync after C listings were edited on Whatnot;
4. baseline for (3): a second full sync after another C edits, which is what
   catching up would cost without the updatedAt filter.

Each line reports HTTP requests, listings fetched, listings written and wall
time. Not a test: it asserts nothing and takes about two minutes at 10,000
listings.

    .venv/bin/python bench/sync_bench.py --listings 10000 --changes 100

DATABASE_URL selects selvedge's database (default: a fresh SQLite file under
var/bench/). REDIS_URL or a Redis CELERY_BROKER_URL puts the rate limiter in
Redis, as in production; otherwise it lives in the database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measurement:
    name: str
    requests: int
    fetched: int
    written: int
    seconds: float

    def line(self) -> str:
        return (
            f"| {self.name} | {self.requests:,} | {self.fetched:,} | "
            f"{self.written:,} | {self.seconds:.1f} |"
        )


def setup_django(database_name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("SELVEDGE_NO_BOOTSTRAP", "1")
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        database = bench_dir / database_name
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("SELVEDGE_TEST_DATABASE_NAME", None)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def connect(server, username: str):
    from django.utils import timezone

    from accounts.models import WhatnotConnection
    from tests.factories import UserFactory

    grant = server.issue_oauth_tokens(username)
    user = UserFactory(username=f"bench_{username}")
    return WhatnotConnection.objects.create(
        user=user,
        whatnot_user_id=f"bench-{username}",
        whatnot_username=username,
        access_token=grant["access_token"],
        refresh_token=grant["refresh_token"],
        access_token_expires_at=timezone.now() + timedelta(seconds=grant["expires_in"]),
        scopes=grant["scope"],
    )


def walk_pages(server, token: str, page_size: int, rate: float) -> Measurement:
    """Fetch every listings page and every orders page with bare HTTP calls,
    paced at the client's rate limit, as the floor."""
    import requests
    from graphql import print_ast

    from whatnot.client.documents import load_document
    from whatnot.client.transport import graphql_url

    session = requests.Session()
    url = graphql_url(server.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    next_slot = started
    fetched = sent = 0
    for operation, field, extra in (
        ("listings_page", "listings", {"sortKey": "CREATED_AT"}),
        ("orders_page", "orders", {}),
    ):
        query = print_ast(load_document(operation))
        cursor = None
        while True:
            time.sleep(max(0.0, next_slot - time.monotonic()))
            next_slot = max(next_slot, time.monotonic()) + 1 / rate
            variables = {"first": page_size, "after": cursor, **extra}
            response = session.post(
                url,
                json={"query": query, "variables": variables},
                headers=headers,
                timeout=60,
            )
            sent += 1
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            response.raise_for_status()
            connection = response.json()["data"][field]
            if field == "listings":
                fetched += len(connection["edges"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            cursor = connection["pageInfo"]["endCursor"]
    return Measurement(
        "floor: bare page walk", sent, fetched, 0, time.monotonic() - started
    )


def run_sync(connection, kind: str, name: str) -> Measurement:
    from whatnot.client import WhatnotClient
    from whatnot.models import SyncRun
    from whatnot.services import sync

    run = SyncRun.objects.create(seller=connection.user, kind=kind)
    run = sync.claim_run(run.pk)
    started = time.monotonic()
    with WhatnotClient(connection.pk) as client:
        finished = sync.run_sync(run, client)
    seconds = time.monotonic() - started
    run.refresh_from_db()
    if not finished or run.status != SyncRun.Status.SUCCEEDED:
        raise SystemExit(f"{name} did not finish: {run.status} {run.error}")
    fetched = (
        run.created_count + run.updated_count + run.unchanged_count + run.conflict_count
    )
    return Measurement(
        f"{name} ({run.kind})",
        run.requests,
        fetched,
        run.created_count + run.updated_count,
        seconds,
    )


def edit_listings(server, username: str, count: int, rng: random.Random) -> None:
    listings = server.store(username)["listings"]
    for listing in rng.sample(listings, count):
        cents = rng.randrange(1500, 40000)
        server.edit_listing(listing["id"], price_cents=cents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listings",
        type=int,
        default=10_000,
        help="number of listings the sandbox generates for its seller",
    )
    parser.add_argument(
        "--changes",
        type=int,
        default=100,
        help="number of listings edited on the sandbox before each catch-up sync",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=100,
        help="listings or orders per page (WHATNOT_PAGE_SIZE)",
    )
    parser.add_argument(
        "--seed", type=int, default=7, help="random seed that picks the edited listings"
    )
    args = parser.parse_args()

    setup_django("sync.sqlite3")
    from django.conf import settings
    from django.db import connection as db

    from tests.fixtures.sandbox import running_sandbox

    settings.WHATNOT_PAGE_SIZE = args.page_size
    rng = random.Random(args.seed)
    print(f"database: {db.vendor}; rate limit {settings.WHATNOT_REQUESTS_PER_SECOND}/s")
    with (
        tempfile.TemporaryDirectory(prefix="sync-bench-") as scratch,
        running_sandbox(
            sellers=1, listings_per_seller=args.listings, data_dir=Path(scratch)
        ) as server,
    ):
        settings.WHATNOT_BASE_URL = server.base_url
        username = server.sellers[0]
        connection = connect(server, username)
        results = [
            walk_pages(
                server,
                connection.access_token,
                args.page_size,
                settings.WHATNOT_REQUESTS_PER_SECOND,
            ),
            run_sync(connection, "full", "full sync"),
        ]
        edit_listings(server, username, args.changes, rng)
        results.append(
            run_sync(connection, "incremental", f"after {args.changes} edits")
        )
        edit_listings(server, username, args.changes, rng)
        results.append(
            run_sync(connection, "full", f"baseline: after {args.changes} edits")
        )
    print("| run | requests | listings fetched | listings written | seconds |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for measurement in results:
        print(measurement.line())


if __name__ == "__main__":
    main()
