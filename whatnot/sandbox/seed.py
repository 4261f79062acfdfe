"""Generated inventory: vintage-denim stores with a year of sales.

The generator is deterministic for a given --seed, so two runs with the same
flags build the same stores.
"""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta

from . import catalog, inventory, sales, sellers
from .values import Clock, format_timestamp

SELLER_NAMES = (
    "bige_denim_co",
    "redline_archive",
    "orange_tab_vintage",
    "indigo_yard",
    "cowboy_cut_supply",
    "selvedge_sam",
    "rivet_and_thread",
    "loomstate_goods",
)
DEFAULT_LISTINGS_PER_SELLER = 40
SOLD_SHARE = 0.35
AUCTION_SHARE = 0.1
DRAFT_SHARE = 0.05
HISTORY_DAYS = 365
IMAGE_HOST = "https://images.example.invalid/denim"


def seller_names(count: int) -> list[str]:
    names = list(SELLER_NAMES[:count])
    names += [f"denim_seller_{index}" for index in range(len(names) + 1, count + 1)]
    return names


def create_sellers(db, clock: Clock, count: int) -> dict[str, int]:
    """Create the sellers (or find them) and give each a personal token."""
    ids = {}
    for username in seller_names(count):
        row = sellers.seller_by_username(db, username)
        seller_id = row["id"] if row else sellers.create_seller(db, clock, username)
        if sellers.personal_token(db, seller_id) is None:
            sellers.issue_token(
                db,
                clock,
                seller_id,
                kind="personal",
                scopes=[sellers.FULL_ACCESS],
                ttl_seconds=None,
            )
        ids[username] = seller_id
    return ids


def price_for(rng: random.Random, line: catalog.Line, condition: str) -> int:
    """A price in cents: log-uniform in the line's band, scaled by condition."""
    dollars = math.exp(rng.uniform(math.log(line.low), math.log(line.high)))
    dollars *= catalog.CONDITION_FACTORS[condition]
    # Sellers price at whole dollars, most often ending in 0, 5 or 9.
    dollars = max(12, round(dollars))
    dollars = dollars - dollars % 5 + rng.choice((0, 0, 5, 4))
    return int(dollars) * 100


def describe(
    rng, line, era, country, condition, waist, inseam, wash
) -> tuple[str, str]:
    markers = [marker for marker in line.markers if rng.random() < 0.8]
    prefix = "Deadstock" if condition == "New with tags" else "Vintage"
    decade = f"{era[2:]}" if era < "2000s" else era
    parts = [
        prefix,
        decade,
        line.brand,
        line.model,
        *markers,
        "Jeans",
        f"{waist}x{inseam}",
    ]
    if country in ("USA", "Japan"):
        parts.append(f"Made in {country}")
    title = " ".join(parts)
    notes = ", ".join(rng.sample(catalog.WEAR_NOTES, 2))
    description = (
        f"{line.brand} {line.model} {line.fit}, {era}, {wash.lower()}. "
        f'Tagged {waist}x{inseam}; measures {waist - rng.choice((0, 1, 1, 2))}" '
        f'waist flat x2 and {inseam - rng.choice((0, 0, 1))}" inseam. '
        f"Made in {country}. Condition: {condition.lower()}, {notes}."
    )
    return title, description


def attributes(line, era, country, condition, waist, inseam) -> list[dict]:
    from .values import global_id

    values = {
        1: line.brand,
        2: condition,
        3: era,
        4: country,
        5: str(waist),
        6: str(inseam),
        7: "true" if any("Selvedge" in marker for marker in line.markers) else "false",
    }
    names = {
        1: "Brand",
        2: "Condition",
        3: "Era",
        4: "Country of manufacture",
        5: "Waist (in)",
        6: "Inseam (in)",
        7: "Selvedge",
    }
    return [
        {"id": global_id("ProductAttribute", key), "name": names[key], "value": value}
        for key, value in values.items()
    ]


def seed_listing(
    db, clock, rng, seller_id: int, index: int, now: datetime, livestream_id: int | None
) -> None:
    line = rng.choice(catalog.LINES)
    era = rng.choice(line.eras)
    country = rng.choice(line.countries)
    condition = rng.choices(list(catalog.CONDITION_FACTORS), catalog.CONDITION_WEIGHTS)[
        0
    ]
    waist = rng.choice((28, 29, 30, 31, 32, 32, 33, 33, 34, 34, 36, 38, 40))
    inseam = rng.choice((28, 29, 30, 30, 30, 32, 32, 32, 34, 36))
    wash = rng.choice(catalog.WASHES)
    title, description = describe(
        rng, line, era, country, condition, waist, inseam, wash
    )
    created = now - timedelta(
        days=rng.uniform(1, HISTORY_DAYS + 60), seconds=rng.randint(0, 86_399)
    )
    created_text = format_timestamp(created)
    product_id = inventory.insert_product(
        db,
        clock,
        seller_id,
        title=title,
        description=description,
        taxonomy_node_id=16 if era < "2010s" or "Vintage" in line.brand else 270,
        external_id=f"SV{seller_id % 1000:03d}-{index:05d}",
        attributes=attributes(line, era, country, condition, waist, inseam),
        weight=rng.choice((1.2, 1.4, 1.6, 1.8)),
        weight_unit="POUND",
        created_at=created_text,
    )
    for photo in range(rng.randint(2, 5)):
        inventory.insert_media(
            db,
            clock,
            seller_id,
            product_id,
            source=f"{IMAGE_HOST}/{product_id}-{photo + 1}.jpg",
            alt=f"{title}, photo {photo + 1}",
            created_at=created_text,
        )
    variant_id = inventory.insert_variant(
        db,
        clock,
        seller_id,
        product_id,
        sku=f"{line.model.replace(' ', '')}-{waist}{inseam}",
        options=[{"name": "Size", "value": f"{waist}x{inseam}"}],
        created_at=created_text,
    )
    kind = "AUCTION" if rng.random() < AUCTION_SHARE else "BUY_IT_NOW"
    price = price_for(rng, line, condition)
    stock = rng.randint(1, line.quantity_max)
    sold_count = stock if rng.random() < SOLD_SHARE else 0
    if sold_count == 0 and stock > 1 and rng.random() < 0.4:
        sold_count = rng.randint(1, stock - 1)
    published = rng.random() >= DRAFT_SHARE or sold_count > 0
    age = (now - created).total_seconds()
    sale_times = sorted(
        created
        + timedelta(seconds=rng.uniform(0.05, 1.0) * min(age, HISTORY_DAYS * 86400))
        for _ in range(sold_count)
    )
    updated = sale_times[-1] if sale_times else created
    end_time = None
    if kind == "AUCTION":
        price = max(100, (price // 300) // 100 * 100)
        end = sale_times[-1] if sale_times else now + timedelta(days=rng.randint(1, 7))
        end_time = format_timestamp(end)
    listing_id = inventory.insert_listing(
        db,
        clock,
        seller_id,
        variant_id,
        kind=kind,
        price_cents=price,
        currency="USD",
        quantity=stock - sold_count,
        published=published,
        offerable=kind == "BUY_IT_NOW" and rng.random() < 0.6,
        end_time=end_time,
        sudden_death=kind == "AUCTION" and rng.random() < 0.3,
        created_at=created_text,
        updated_at=format_timestamp(updated),
        sold=sold_count > 0,
    )
    if kind == "AUCTION" and livestream_id and rng.random() < 0.7:
        db.execute(
            "UPDATE listings SET livestream_id = ? WHERE id = ?",
            (livestream_id, listing_id),
        )
    listing = inventory.get_listing(db, seller_id, listing_id)
    for sold_at in sale_times:
        hammer = price * rng.uniform(1.5, 4.0) if kind == "AUCTION" else price
        record_history_sale(
            db, clock, rng, listing, sold_at, now, int(hammer // 100 * 100)
        )


def record_history_sale(db, clock, rng, listing, sold_at, now, price_cents) -> None:
    age_days = (now - sold_at).days
    status = (
        "COMPLETED"
        if age_days > 21
        else "DELIVERED"
        if age_days > 7
        else "SHIPPED"
        if age_days > 2
        else "PROCESSING"
    )
    order_id = sales.record_sale(
        db,
        clock,
        rng,
        listing,
        created_at=format_timestamp(sold_at),
        status=status,
        price_cents=price_cents,
        touch_listing=False,
    )
    if status in ("SHIPPED", "DELIVERED", "COMPLETED"):
        db.execute(
            "UPDATE orders SET tracking_courier = ?, tracking_code = ? WHERE id = ?",
            (
                rng.choice(("USPS", "UPS", "FEDEX")),
                f"94001{rng.randint(10**16, 10**17)}",
                order_id,
            ),
        )


def seed_livestreams(db, clock, rng, seller_id: int, now: datetime) -> int:
    """One ended show and one upcoming; return the ended show's id."""
    past = format_timestamp(now - timedelta(days=rng.randint(10, 60)))
    cursor = db.execute(
        "INSERT INTO livestreams (seller_id, title, status, start_time, created_at, "
        "updated_at) VALUES (?, ?, 'ENDED', ?, ?, ?)",
        (
            seller_id,
            "Sunday Denim Drop: Big E, Redlines & Orange Tabs",
            past,
            past,
            past,
        ),
    )
    soon = format_timestamp(now + timedelta(days=rng.randint(1, 6)))
    db.execute(
        "INSERT INTO livestreams (seller_id, title, status, start_time, created_at, "
        "updated_at) VALUES (?, ?, 'CREATED', ?, ?, ?)",
        (
            seller_id,
            "Workwear Wednesday: Lee, Wrangler & Carhartt",
            soon,
            clock.now_text(),
            clock.now_text(),
        ),
    )
    return cursor.lastrowid


def generate(
    store, clock: Clock, *, seed: int, sellers_count: int, listings_per_seller: int
) -> dict[str, int]:
    """Build every seller's store in one transaction; return seller ids by name."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with store.write() as db:
        ids = create_sellers(db, clock, sellers_count)
        for seller_id in ids.values():
            livestream_id = seed_livestreams(db, clock, rng, seller_id, now)
            for index in range(listings_per_seller):
                seed_listing(db, clock, rng, seller_id, index, now, livestream_id)
    return ids


def tokens_by_seller(store) -> dict[str, str]:
    with store.read() as db:
        rows = db.execute("SELECT id, username FROM sellers ORDER BY id").fetchall()
        return {row["username"]: sellers.personal_token(db, row["id"]) for row in rows}


def write_tokens_file(store, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokens_by_seller(store), indent=2) + "\n")
