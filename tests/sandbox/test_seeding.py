"""Generated stores and stores loaded from real listing files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from tests.fixtures.sandbox import running_sandbox

POSHMARK = (
    settings.BASE_DIR.parent
    / "shared"
    / "data"
    / "real"
    / ("poshmark_mens_jeans_2020.csv")
)
LINES = ("501", "505", "517", "550", "560", "569", "646", "13MWZ", "Lot 2000")


def test_generated_stores_look_like_vintage_denim(sandbox_factory):
    server = sandbox_factory(sellers=3, listings_per_seller=60, seed=5)

    stores = [server.store(seller) for seller in server.sellers]

    listings = [item for store in stores for item in store["listings"]]
    titles = [item["title"] for item in listings]
    assert len(listings) == 180
    assert sum("Levi's" in title for title in titles) > 60
    assert any("Wrangler" in title for title in titles)
    assert any("Lee" in title for title in titles)
    assert any(line in title for title in titles for line in LINES)
    assert any("Made in USA" in title for title in titles)
    prices = [Decimal(item["price"]["amount"]) for item in listings if item["price"]]
    assert min(prices) < 60
    assert max(prices) > 300
    one_year_ago = (datetime.now(UTC) - timedelta(days=366)).isoformat()
    orders = [order for store in stores for order in store["orders"]]
    assert len(orders) > 30
    assert all(
        order["created_at"] > one_year_ago.replace("+00:00", "Z") for order in orders
    )
    sold_out = [item for item in listings if item["status"] in ("SOLD_OUT", "SOLD")]
    assert sold_out
    assert all(item["quantity"] == 0 for item in sold_out)


def test_same_seed_builds_the_same_stores(tmp_path):
    snapshots = []
    for run in range(2):
        with running_sandbox(
            seed=11, listings_per_seller=8, data_dir=tmp_path / str(run)
        ) as server:
            snapshots.append([item["title"] for item in server.store()["listings"]])

    assert snapshots[0] == snapshots[1]


@pytest.mark.skipif(not POSHMARK.exists(), reason="needs the shared Poshmark file")
def test_seed_from_real_poshmark_csv(sandbox_factory):
    with POSHMARK.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    sold_rows = [row for row in rows if row["sold"] == "True"]

    server = sandbox_factory(sellers=2, listings_per_seller=0, seed_file=POSHMARK)

    stores = [server.store(seller) for seller in server.sellers]
    listings = [item for store in stores for item in store["listings"]]
    orders = [order for store in stores for order in store["orders"]]
    assert len(listings) == len(rows)
    assert len(orders) == len(sold_rows)
    titles = {row["title"] for row in rows}
    assert {item["title"] for item in listings} == titles
    first = rows[0]
    match = next(item for item in listings if item["title"] == first["title"])
    assert Decimal(match["price"]["amount"]) == Decimal(first["price"])
    assert match["created_at"].startswith(first["date"])


def test_seed_from_jsonl_skips_bad_rows(sandbox_factory, tmp_path):
    path = tmp_path / "listings.jsonl"
    rows = [
        {
            "title": "Lee 101 Riders 1960s",
            "price": "245.00",
            "sold": True,
            "created_at": "2026-01-05T10:00:00Z",
            "sold_at": "2026-02-01T10:00:00Z",
        },
        {"title": "Evisu Lot 2000 Painted Gull", "price": 180},
        {"title": "", "price": 20},
        {"title": "No price"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")

    server = sandbox_factory(sellers=1, listings_per_seller=0, seed_file=path)

    store = server.store()
    by_title = {item["title"]: item for item in store["listings"]}
    assert set(by_title) == {"Lee 101 Riders 1960s", "Evisu Lot 2000 Painted Gull"}
    assert by_title["Lee 101 Riders 1960s"]["status"] == "SOLD_OUT"
    assert by_title["Evisu Lot 2000 Painted Gull"]["status"] == "ACTIVE"
    assert by_title["Evisu Lot 2000 Painted Gull"]["price"]["amount"] == "180.00"
    assert len(store["orders"]) == 1
    assert store["orders"][0]["created_at"].startswith("2026-02-01T10:00:00")


def test_command_rejects_a_missing_seed_file(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "whatnot.sandbox",
            "--seed-file",
            str(tmp_path / "missing.csv"),
            "--data",
            str(tmp_path / "s.sqlite3"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )

    assert result.returncode == 2
    assert "missing.csv does not exist" in result.stderr


def test_tokens_file_names_every_seller(sandbox_factory):
    server = sandbox_factory(sellers=4, listings_per_seller=1)

    assert len(server.tokens) == 4
    assert all(
        token.startswith("wn_access_tk_test_") for token in server.tokens.values()
    )
