"""Orders: a buyer purchases a listing, or a seller cancels or ships an order."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass

from . import inventory
from .values import Clock

BUYER_WORDS = (
    "denim",
    "indigo",
    "selvedge",
    "rivet",
    "chainstitch",
    "raw",
    "fade",
    "loomstate",
    "redline",
    "bige",
    "orange_tab",
    "workwear",
    "vintage",
    "thrift",
)
BUYER_SUFFIXES = ("hunter", "head", "fan", "collector", "picker", "digger", "nerd")
FIRST_NAMES = ("Sam", "Alex", "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie")
LAST_NAMES = ("Example", "Sample", "Tester", "Placeholder", "Demo")
CITIES = (
    ("Springfield", "OR", "97477"),
    ("Portland", "ME", "04101"),
    ("Austin", "TX", "78701"),
    ("Madison", "WI", "53703"),
    ("Asheville", "NC", "28801"),
    ("Boise", "ID", "83702"),
)
SHIPPING_CENTS = (850, 950, 1099, 1250)
TAX_RATE = 0.085


@dataclass(frozen=True)
class Buyer:
    id: int
    username: str


def random_buyer(rng: random.Random) -> Buyer:
    username = (
        f"{rng.choice(BUYER_WORDS)}_{rng.choice(BUYER_SUFFIXES)}_{rng.randint(1, 99)}"
    )
    return Buyer(id=rng.randint(3_000_000, 3_999_999), username=username)


def random_address(rng: random.Random) -> dict:
    city, state, zip_code = rng.choice(CITIES)
    return {
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "line1": f"{rng.randint(10, 999)} Sample Street",
        "line2": None,
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": "US",
    }


def record_sale(
    db: sqlite3.Connection,
    clock: Clock,
    rng: random.Random,
    listing: sqlite3.Row,
    *,
    quantity: int = 1,
    created_at: str | None = None,
    status: str = "PROCESSING",
    price_cents: int | None = None,
    touch_listing: bool = True,
) -> int:
    """Insert an order for the listing and take the quantity off it.

    The order's price is the listing's price unless given (an auction's
    hammer price, an accepted offer). A listing whose quantity reaches 0 is
    SOLD_OUT (an auction is SOLD).
    """
    buyer = random_buyer(rng)
    unit_cents = price_cents or listing["price_cents"] or 100
    subtotal = unit_cents * quantity
    created_at = created_at or clock.now_text()
    channel, livestream_id = "MARKETPLACE", None
    if listing["livestream_id"]:
        channel, livestream_id = "LIVESTREAM", listing["livestream_id"]
    cursor = db.execute(
        "INSERT INTO orders (seller_id, listing_id, variant_id, product_id, title, "
        "external_id, customer_id, customer_username, quantity, price_cents, "
        "shipping_cents, tax_cents, currency, status, sales_channel, livestream_id, "
        "is_giveaway, shipping_address, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            listing["seller_id"],
            listing["id"],
            listing["variant_id"],
            listing["product_id"],
            listing["title"],
            listing["external_id"],
            buyer.id,
            buyer.username,
            quantity,
            unit_cents,
            rng.choice(SHIPPING_CENTS),
            round(subtotal * TAX_RATE),
            listing["currency"],
            status,
            channel,
            livestream_id,
            int(listing["kind"] == "GIVEAWAY"),
            json.dumps(random_address(rng)),
            created_at,
            created_at,
        ),
    )
    if touch_listing:
        inventory.update_listing(
            db,
            clock,
            listing,
            quantity=max(listing["quantity"] - quantity, 0),
            sold=True,
        )
    return cursor.lastrowid


def get_order(db: sqlite3.Connection, seller_id: int, order_id: int):
    return db.execute(
        "SELECT * FROM orders WHERE id = ? AND seller_id = ?", (order_id, seller_id)
    ).fetchone()


def cancel_order(db: sqlite3.Connection, clock: Clock, order: sqlite3.Row) -> None:
    """Cancel the order and put its quantity back on the listing."""
    now = clock.now_text()
    db.execute(
        "UPDATE orders SET status = 'CANCELLED', cancelled_at = ?, updated_at = ? "
        "WHERE id = ?",
        (now, now, order["id"]),
    )
    listing = inventory.get_listing(db, order["seller_id"], order["listing_id"])
    if listing is not None:
        inventory.update_listing(
            db, clock, listing, quantity=listing["quantity"] + order["quantity"]
        )


def add_tracking(
    db: sqlite3.Connection, clock: Clock, order: sqlite3.Row, courier: str, code: str
) -> None:
    db.execute(
        "UPDATE orders SET tracking_courier = ?, tracking_code = ?, "
        "status = 'SHIPPED', updated_at = ? WHERE id = ?",
        (courier, code, clock.now_text(), order["id"]),
    )
