"""Load real listings from a CSV or JSONL file into the sellers' stores.

Column names are matched loosely so marketplace exports load as they are:
title; price (or price_usd, list_price, sold_price); date (or created_at,
listed_at); sold (true/false, 1/0, or stock "Sold"); sold_at; description;
brand; size; image (or image_url); external_id; seller. Rows without a title
or a positive price are skipped and counted.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import inventory
from .seed import record_history_sale
from .values import format_timestamp

PRICE_KEYS = ("price", "price_usd", "list_price", "sold_price")
DATE_KEYS = ("date", "created_at", "listed_at")
IMAGE_KEYS = ("image", "image_url")
VINTAGE_WORDS = ("vintage", "big e", "redline", "selvedge", "made in usa", "80s", "90s")


class SeedFileError(ValueError):
    pass


@dataclass
class LoadReport:
    loaded: int = 0
    sold: int = 0
    skipped: int = 0


def read_rows(path: Path):
    if not path.exists():
        raise SeedFileError(f"Seed file {path} does not exist.")
    suffix = path.suffix.lower()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        if suffix == ".csv":
            yield from csv.DictReader(handle)
        elif suffix in (".jsonl", ".ndjson"):
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SeedFileError(
                        f"{path}:{number} is not valid JSON: {exc}"
                    ) from exc
        else:
            raise SeedFileError(
                f"Seed file {path} must end in .csv, .jsonl or .ndjson."
            )


def first(row: dict, keys) -> str:
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def parse_price(text: str) -> int | None:
    try:
        amount = Decimal(text.replace("$", "").replace(",", ""))
    except InvalidOperation:
        return None
    cents = int((amount * 100).to_integral_value())
    return cents if cents > 0 else None


def parse_date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_sold(row: dict) -> bool:
    flag = str(row.get("sold", "")).strip().lower()
    return (
        flag in ("true", "1", "yes", "sold")
        or str(row.get("stock", "")).lower() == "sold"
    )


def brand_name(slug: str) -> str:
    """Turn a scraper's slug such as levi_s into Levi's."""
    if slug.endswith("_s"):
        slug = slug[:-2] + "'s"
    return " ".join(word[:1].upper() + word[1:] for word in slug.split("_") if word)


def description_for(row: dict, title: str) -> str:
    given = first(row, ("description",))
    if given:
        return given
    parts = [title + "."]
    brand = brand_name(first(row, ("brand",)))
    if brand:
        parts.append(f"Brand: {brand}.")
    size = first(row, ("size", "waist"))
    if size:
        parts.append(f"Waist: {size.removesuffix('.0')}.")
    if str(row.get("nwt", "")).lower() == "true":
        parts.append("New with tags.")
    return " ".join(parts)


def load(
    store, clock, path: Path, seller_ids: dict[str, int], *, seed: int
) -> LoadReport:
    """Add one product, variant and listing per row; sold rows get an order."""
    rng = random.Random(f"{seed}:seed-file")
    report = LoadReport()
    now = datetime.now(UTC)
    usernames = list(seller_ids)
    with store.write() as db:
        for number, row in enumerate(read_rows(path), start=1):
            row = {str(key).strip().lower(): value for key, value in row.items()}
            title = first(row, ("title", "name", "product_name"))
            price = parse_price(first(row, PRICE_KEYS))
            if not title or price is None or len(title) >= 1000:
                report.skipped += 1
                continue
            owner = first(row, ("seller",))
            seller_id = (
                seller_ids.get(owner) or seller_ids[usernames[number % len(usernames)]]
            )
            add_row(db, clock, rng, seller_id, number, row, title, price, now, report)
    return report


def add_row(db, clock, rng, seller_id, number, row, title, price, now, report) -> None:
    created = parse_date(first(row, DATE_KEYS)) or now - timedelta(
        days=rng.randint(1, 365)
    )
    created_text = format_timestamp(created)
    folded = title.casefold()
    vintage = any(word in folded for word in VINTAGE_WORDS)
    product_id = inventory.insert_product(
        db,
        clock,
        seller_id,
        title=title,
        description=description_for(row, title),
        taxonomy_node_id=16 if vintage else 270,
        external_id=first(row, ("external_id", "id", "product_id")) or f"seed-{number}",
        created_at=created_text,
    )
    image = first(row, IMAGE_KEYS)
    if image.startswith(("http://", "https://")):
        inventory.insert_media(
            db,
            clock,
            seller_id,
            product_id,
            source=image,
            alt=title,
            created_at=created_text,
        )
    size = first(row, ("size", "waist")).removesuffix(".0")
    variant_id = inventory.insert_variant(
        db,
        clock,
        seller_id,
        product_id,
        options=[{"name": "Size", "value": size}] if size else [],
        created_at=created_text,
    )
    sold = is_sold(row)
    sold_at = None
    if sold:
        sold_at = parse_date(first(row, ("sold_at",)))
        if sold_at is None:
            listed = first(row, ("diff",))
            listed_days = int(listed) if listed.isdigit() else 30
            sold_at = created + timedelta(days=rng.uniform(0, max(listed_days, 1)))
        sold_at = min(sold_at, now)
    listing_id = inventory.insert_listing(
        db,
        clock,
        seller_id,
        variant_id,
        kind="BUY_IT_NOW",
        price_cents=price,
        currency="USD",
        quantity=0 if sold else 1,
        published=True,
        created_at=created_text,
        updated_at=format_timestamp(sold_at) if sold_at else created_text,
    )
    report.loaded += 1
    if sold:
        listing = inventory.get_listing(db, seller_id, listing_id)
        record_history_sale(db, clock, rng, listing, sold_at, now, price)
        report.sold += 1
