"""Products, variants, listings and media in the sandbox's store.

These functions take an open write transaction and trust their arguments; the
GraphQL mutations check input first and turn problems into userErrors.
"""

from __future__ import annotations

import json
import sqlite3

from .values import Clock

LISTING_SELECT = """
SELECT l.*, v.product_id AS product_id, p.title AS title,
       p.description AS description, p.external_id AS external_id,
       v.sku AS sku, v.options AS variant_options
FROM listings l
JOIN variants v ON v.id = l.variant_id
JOIN products p ON p.id = v.product_id
"""

LIVE_LISTING = "l.deleted_at IS NULL"


def live_listings(condition: str) -> str:
    """SELECT listings that are not deleted and match a condition on l, v or p."""
    return f"{LISTING_SELECT} WHERE {condition} AND {LIVE_LISTING}"


def listing_status(
    kind: str, quantity: int, published: bool, sold: bool = False
) -> str:
    """SOLD_OUT at quantity 0 (SOLD for an auction that sold), else by publication."""
    if quantity <= 0:
        return "SOLD" if sold and kind == "AUCTION" else "SOLD_OUT"
    return "ACTIVE" if published else "INACTIVE"


def insert_product(
    db: sqlite3.Connection,
    clock: Clock,
    seller_id: int,
    *,
    title: str,
    description: str,
    taxonomy_node_id: int,
    external_id: str | None = None,
    attributes: list | None = None,
    weight: float | None = None,
    weight_unit: str | None = None,
    hazardous_material: str | None = None,
    created_at: str | None = None,
) -> int:
    created_at = created_at or clock.now_text()
    cursor = db.execute(
        "INSERT INTO products (seller_id, title, description, external_id, "
        "taxonomy_node_id, attributes, weight, weight_unit, hazardous_material, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seller_id,
            title,
            description,
            external_id,
            taxonomy_node_id,
            json.dumps(attributes or []),
            weight,
            weight_unit,
            hazardous_material,
            created_at,
            created_at,
        ),
    )
    return cursor.lastrowid


def insert_variant(
    db: sqlite3.Connection,
    clock: Clock,
    seller_id: int,
    product_id: int,
    *,
    sku: str | None = None,
    options: list | None = None,
    created_at: str | None = None,
) -> int:
    created_at = created_at or clock.now_text()
    cursor = db.execute(
        "INSERT INTO variants (product_id, seller_id, sku, options, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (product_id, seller_id, sku, json.dumps(options or []), created_at, created_at),
    )
    return cursor.lastrowid


def insert_listing(
    db: sqlite3.Connection,
    clock: Clock,
    seller_id: int,
    variant_id: int,
    *,
    kind: str,
    price_cents: int | None,
    currency: str,
    quantity: int,
    published: bool,
    offerable: bool = False,
    end_time: str | None = None,
    sudden_death: bool | None = None,
    created_at: str | None = None,
    updated_at: str | None = None,
    sold: bool = False,
) -> int:
    created_at = created_at or clock.now_text()
    status = listing_status(kind, quantity, published, sold)
    cursor = db.execute(
        "INSERT INTO listings (seller_id, variant_id, kind, price_cents, currency, "
        "quantity, status, published, offerable, end_time, sudden_death, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seller_id,
            variant_id,
            kind,
            price_cents,
            currency,
            quantity,
            status,
            int(published),
            int(offerable),
            end_time,
            None if sudden_death is None else int(sudden_death),
            created_at,
            updated_at or created_at,
        ),
    )
    return cursor.lastrowid


def insert_media(
    db: sqlite3.Connection,
    clock: Clock,
    seller_id: int,
    product_id: int,
    *,
    source: str,
    alt: str | None = None,
    created_at: str | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO media (product_id, seller_id, source, alt, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (product_id, seller_id, source, alt, created_at or clock.now_text()),
    )
    return cursor.lastrowid


def get_listing(
    db: sqlite3.Connection, seller_id: int, listing_id: int
) -> sqlite3.Row | None:
    return db.execute(
        f"{LISTING_SELECT} WHERE l.id = ? AND l.seller_id = ? AND {LIVE_LISTING}",
        (listing_id, seller_id),
    ).fetchone()


def get_product(
    db: sqlite3.Connection, seller_id: int, product_id: int
) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM products WHERE id = ? AND seller_id = ? AND deleted_at IS NULL",
        (product_id, seller_id),
    ).fetchone()


def get_variant(
    db: sqlite3.Connection, seller_id: int, variant_id: int
) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM variants WHERE id = ? AND seller_id = ? AND deleted_at IS NULL",
        (variant_id, seller_id),
    ).fetchone()


def variant_listing(db: sqlite3.Connection, variant_id: int) -> sqlite3.Row | None:
    return db.execute(
        f"{LISTING_SELECT} WHERE l.variant_id = ? AND {LIVE_LISTING}", (variant_id,)
    ).fetchone()


LISTING_COLUMNS = {
    "kind",
    "price_cents",
    "currency",
    "quantity",
    "published",
    "offerable",
    "end_time",
    "sudden_death",
    "livestream_id",
}


def update_listing(
    db: sqlite3.Connection, clock: Clock, listing: sqlite3.Row, **changes
) -> sqlite3.Row:
    """Apply column changes, recompute the status and bump updated_at.

    A call without changes only bumps updated_at, as an edit on Whatnot's side
    that touches no field selvedge reads would.
    """
    unknown = set(changes) - LISTING_COLUMNS - {"sold"}
    if unknown:
        raise ValueError(f"unknown listing columns: {sorted(unknown)}")
    sold = changes.pop("sold", False)
    merged = {key: listing[key] for key in LISTING_COLUMNS} | changes
    merged["status"] = listing_status(
        merged["kind"], merged["quantity"], bool(merged["published"]), sold
    )
    merged["updated_at"] = clock.now_text()
    columns = sorted(merged)
    db.execute(
        f"UPDATE listings SET {', '.join(f'{name} = ?' for name in columns)} "
        "WHERE id = ?",
        [merged[name] for name in columns] + [listing["id"]],
    )
    return get_listing(db, listing["seller_id"], listing["id"])


def touch_product(db: sqlite3.Connection, clock: Clock, product_id: int) -> None:
    db.execute(
        "UPDATE products SET updated_at = ? WHERE id = ?",
        (clock.now_text(), product_id),
    )
