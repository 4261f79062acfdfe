"""Webhook objects: snake_case keys, global ids and money as decimal strings."""

from __future__ import annotations

import json
import sqlite3

from . import inventory
from .values import global_id, webhook_money


def listing_object(listing: sqlite3.Row) -> dict:
    kind = listing["kind"]
    body = {
        "id": global_id("Listing", listing["id"]),
        "product_id": global_id("Product", listing["product_id"]),
        "product_variant_id": global_id("ProductVariant", listing["variant_id"]),
        "title": listing["title"],
        "listing_type": kind,
        "status": listing["status"],
        "published": bool(listing["published"]),
        "quantity": listing["quantity"],
        "price": None,
        "offerable": bool(listing["offerable"]),
        "external_id": listing["external_id"],
        "created_at": listing["created_at"],
        "updated_at": listing["updated_at"],
    }
    if kind == "BUY_IT_NOW":
        body["price"] = webhook_money(listing["price_cents"], listing["currency"])
    elif kind == "AUCTION":
        body["starting_price"] = webhook_money(
            listing["price_cents"], listing["currency"]
        )
        body["end_time"] = listing["end_time"]
        body["sudden_death_enabled"] = bool(listing["sudden_death"])
    return body


def order_object(order: sqlite3.Row, include_customer_data: bool) -> dict:
    currency = order["currency"]
    subtotal = order["price_cents"] * order["quantity"]
    total = subtotal + order["shipping_cents"] + order["tax_cents"]
    tracking = None
    if order["tracking_code"]:
        tracking = {
            "courier": order["tracking_courier"],
            "tracking_code": order["tracking_code"],
        }
    return {
        "id": global_id("Order", order["id"]),
        "status": order["status"],
        "created_at": order["created_at"],
        "updated_at": order["updated_at"],
        "cancelled_at": order["cancelled_at"],
        "is_giveaway": bool(order["is_giveaway"]),
        "sales_channel": {
            "type": order["sales_channel"],
            "reference": global_id("Livestream", order["livestream_id"])
            if order["livestream_id"]
            else None,
        },
        "customer": {
            "id": global_id("User", order["customer_id"]),
            "username": order["customer_username"],
        },
        "items": [
            {
                "id": global_id("OrderItem", order["id"]),
                "product_id": global_id("Product", order["product_id"]),
                "product_variant_id": global_id("ProductVariant", order["variant_id"]),
                "listing_id": global_id("Listing", order["listing_id"]),
                "title": order["title"],
                "quantity": order["quantity"],
                "price": webhook_money(order["price_cents"], currency),
                "subtotal": webhook_money(subtotal, currency),
                "is_pickup": False,
            }
        ],
        "subtotal": webhook_money(subtotal, currency),
        "shipping_price": webhook_money(order["shipping_cents"], currency),
        "taxes": webhook_money(order["tax_cents"], currency),
        "total": webhook_money(total, currency),
        "shipping_address": json.loads(order["shipping_address"])
        if include_customer_data
        else None,
        "tracking_info": tracking if include_customer_data else None,
    }


def product_sold_object(order: sqlite3.Row) -> dict:
    return {
        "product_id": global_id("Product", order["product_id"]),
        "order_id": global_id("Order", order["id"]),
        "external_id": order["external_id"],
        "quantity": order["quantity"],
    }


def bulk_operation_object(operation: sqlite3.Row) -> dict:
    return {
        "id": global_id("BulkOperation", operation["id"]),
        "status": operation["status"],
        "type": operation["type"],
        "created_at": operation["created_at"],
        "updated_at": operation["updated_at"],
    }


def livestream_listing_object(livestream_id: int, listing: sqlite3.Row) -> dict:
    return {
        "livestream_id": global_id("Livestream", livestream_id),
        "listing_id": global_id("Listing", listing["id"]),
        "product_id": global_id("Product", listing["product_id"]),
        "product_variant_id": global_id("ProductVariant", listing["variant_id"]),
    }


def sale_events(
    db: sqlite3.Connection, seller_id: int, order_id: int, include_customer: bool
) -> list[tuple[int, str, dict]]:
    """order/created, product/sold and listing/updated for a new order."""
    order = db.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    events = [
        (seller_id, "order/created", order_object(order, include_customer)),
        (seller_id, "product/sold", product_sold_object(order)),
    ]
    listing = inventory.get_listing(db, seller_id, order["listing_id"])
    if listing is not None:
        events.append((seller_id, "listing/updated", listing_object(listing)))
    return events
