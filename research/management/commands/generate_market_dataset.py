"""Generate a realistic vintage-denim market dataset and import it for research.

The rows are an eBay-style sold-listings report built from the same denim catalogue
the Whatnot sandbox seeds its stores from, so the demo has market data when no real
dataset is given. They go through the regular import path as platform "ebay".
"""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from whatnot.sandbox import catalog
from whatnot.sandbox.seed import describe, price_for

COLUMNS = [
    "Item number",
    "Title",
    "Format",
    "Start price",
    "Sold for",
    "Start date",
    "Sale date",
    "Condition",
]
HISTORY_DAYS = 365
SOLD_SHARE = 0.45


class Command(BaseCommand):
    help = (
        "Write a generated eBay-style report of vintage denim listings (sold and "
        "unsold, over the past year) and import it as a research dataset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rows", type=int, default=5000, help="Listings to generate."
        )
        parser.add_argument("--seed", type=int, default=1971, help="Random seed.")
        parser.add_argument(
            "--dataset-name",
            default="Generated vintage denim market",
            help="Name of the dataset the rows are stored under.",
        )
        parser.add_argument(
            "--output",
            help="Keep the generated CSV at this path instead of a temporary file.",
        )

    def handle(self, *args, rows: int, seed: int, dataset_name: str, **options):
        if rows < 1:
            raise CommandError(f"--rows must be at least 1, not {rows}.")
        output = options.get("output")
        if output:
            path = Path(output)
            self.write_rows(path, rows, seed)
            self.import_rows(path, dataset_name)
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "generated_denim_market.csv"
            self.write_rows(path, rows, seed)
            self.import_rows(path, dataset_name)

    def write_rows(self, path: Path, rows: int, seed: int) -> None:
        rng = random.Random(seed)
        now = timezone.now()
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for index in range(rows):
                writer.writerow(generated_row(rng, index, now))
        self.stdout.write(f"Generated {rows} listings in {path}.")

    def import_rows(self, path: Path, dataset_name: str) -> None:
        call_command(
            "import_listings",
            str(path),
            platform="ebay",
            dataset=dataset_name,
            no_progress=True,
            stdout=self.stdout,
        )


def generated_row(rng: random.Random, index: int, now) -> list[str]:
    line = rng.choice(catalog.LINES)
    era = rng.choice(line.eras)
    country = rng.choice(line.countries)
    conditions = list(catalog.CONDITION_FACTORS)
    condition = rng.choices(conditions, catalog.CONDITION_WEIGHTS)[0]
    waist = rng.choice((28, 29, 30, 31, 32, 32, 33, 33, 34, 34, 36, 38, 40))
    inseam = rng.choice((28, 29, 30, 30, 30, 32, 32, 32, 34, 36))
    wash = rng.choice(catalog.WASHES)
    title, _ = describe(rng, line, era, country, condition, waist, inseam, wash)
    asking = price_for(rng, line, condition) / 100
    listed = now - timedelta(days=rng.uniform(5, HISTORY_DAYS))
    sold = rng.random() < SOLD_SHARE
    sold_price = sold_at = ""
    if sold:
        # Buyers mostly pay a little under the asking price, sometimes over.
        sold_price = f"{asking * rng.uniform(0.8, 1.05):.2f}"
        days_to_sell = min(rng.expovariate(1 / 21), (now - listed).days)
        sold_at = (listed + timedelta(days=days_to_sell)).isoformat()
    listing_format = "Auction" if rng.random() < 0.2 else "Fixed price"
    return [
        f"GEN{index:07d}",
        title,
        listing_format,
        f"{asking:.2f}",
        sold_price,
        listed.isoformat(),
        sold_at,
        condition,
    ]
