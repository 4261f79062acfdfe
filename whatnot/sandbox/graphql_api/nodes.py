"""Store rows as GraphQL objects: dicts keyed by field name.

Keys that start with an underscore carry row ids for the resolvers of nested
fields (product, variants, listings, ...); GraphQL never shows them.
"""

from __future__ import annotations

import json
import sqlite3

from .. import taxonomy
from ..values import global_id, money

LISTING_TYPENAMES = {
    "BUY_IT_NOW": "BuyItNowListing",
    "AUCTION": "AuctionListing",
    "GIVEAWAY": "GiveawayListing",
}


def listing_url(public_url: str, listing_id: int) -> str:
    return f"{public_url}/listing/{global_id('Listing', listing_id)}"


def listing_node(row: sqlite3.Row, public_url: str) -> dict:
    node = {
        "__typename": LISTING_TYPENAMES[row["kind"]],
        "id": global_id("Listing", row["id"]),
        "title": row["title"],
        "description": row["description"],
        "published": bool(row["published"]),
        "status": row["status"],
        "inventoryLevel": {"quantity": row["quantity"]},
        "url": listing_url(public_url, row["id"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "offerable": bool(row["offerable"]),
        "_variant_id": row["variant_id"],
    }
    if row["kind"] == "BUY_IT_NOW":
        node["price"] = money(row["price_cents"], row["currency"])
    elif row["kind"] == "AUCTION":
        node["startingPrice"] = money(row["price_cents"], row["currency"])
        node["endTime"] = row["end_time"]
        node["suddenDeathEnabled"] = bool(row["sudden_death"])
    return node


def product_node(row: sqlite3.Row) -> dict:
    return {
        "__typename": "Product",
        "id": global_id("Product", row["id"]),
        "title": row["title"],
        "description": row["description"],
        "externalId": row["external_id"],
        "weight": row["weight"],
        "weightUnit": row["weight_unit"],
        "hazardousMaterial": row["hazardous_material"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "shippingProfile": None,
        "_pk": row["id"],
        "_taxonomy_node_id": row["taxonomy_node_id"],
    }


def variant_node(row: sqlite3.Row) -> dict:
    return {
        "__typename": "ProductVariant",
        "id": global_id("ProductVariant", row["id"]),
        "sku": row["sku"],
        "options": json.loads(row["options"] or "[]"),
        "_pk": row["id"],
        "_product_id": row["product_id"],
    }


def media_node(row: sqlite3.Row) -> dict:
    return {
        "__typename": "MediaImage",
        "id": global_id("MediaImage", row["id"]),
        "alt": row["alt"],
        "image": {"url": row["source"]},
        "source": row["source"],
    }


def seller_node(row: sqlite3.Row, public_url: str) -> dict:
    return {
        "__typename": "User",
        "id": global_id("User", row["id"]),
        "username": row["username"],
        "displayName": row["display_name"],
        "currencyCode": row["currency_code"],
        "countryCode": row["country_code"],
        "image": {"url": f"{public_url}/sandbox/avatars/{row['username']}.png"},
        "features": {"auctions": True},
    }


def order_node(row: sqlite3.Row, sees_customer_data: bool) -> dict:
    currency = row["currency"]
    subtotal = row["price_cents"] * row["quantity"]
    address = json.loads(row["shipping_address"]) if sees_customer_data else None
    tracking = None
    if sees_customer_data and row["tracking_code"]:
        tracking = {
            "courier": row["tracking_courier"],
            "trackingCode": row["tracking_code"],
        }
    return {
        "__typename": "Order",
        "id": global_id("Order", row["id"]),
        "customer": {
            "__typename": "User",
            "id": global_id("User", row["customer_id"]),
            "username": row["customer_username"],
            "displayName": row["customer_username"],
            "currencyCode": currency,
            "countryCode": "US",
            "image": None,
            "features": None,
        },
        "shippingAddress": address,
        "trackingInfo": tracking,
        "subtotal": money(subtotal, currency),
        "shippingPrice": money(row["shipping_cents"], currency),
        "taxation": money(row["tax_cents"], currency),
        "total": money(subtotal + row["shipping_cents"] + row["tax_cents"], currency),
        "isGiveaway": bool(row["is_giveaway"]),
        "salesChannel": {
            "type": row["sales_channel"],
            "reference": global_id("Livestream", row["livestream_id"])
            if row["livestream_id"]
            else None,
        },
        "status": row["status"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "cancelledAt": row["cancelled_at"],
        "_item": order_item_node(row),
    }


def order_item_node(row: sqlite3.Row) -> dict:
    currency = row["currency"]
    return {
        "__typename": "OrderItem",
        "id": global_id("OrderItem", row["id"]),
        "price": money(row["price_cents"], currency),
        "quantity": row["quantity"],
        "subtotal": money(row["price_cents"] * row["quantity"], currency),
        "isPickup": False,
        "_pk": row["id"],
        "_product_id": row["product_id"],
        "_variant_id": row["variant_id"],
        "_listing_id": row["listing_id"],
    }


def livestream_node(row: sqlite3.Row, num_orders: int) -> dict:
    return {
        "__typename": "Livestream",
        "id": global_id("Livestream", row["id"]),
        "title": row["title"],
        "status": row["status"],
        "createdAt": row["created_at"],
        "numOrders": num_orders,
    }


def bulk_operation_node(row: sqlite3.Row, public_url: str) -> dict:
    result = None
    if row["result_key"]:
        result = {"url": f"{public_url}/sandbox/bulk/{row['result_key']}"}
    return {
        "__typename": "BulkOperation",
        "id": global_id("BulkOperation", row["id"]),
        "status": row["status"],
        "type": row["type"],
        "result": result,
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def taxonomy_node(node: taxonomy.TaxonomyNode) -> dict:
    return {
        "__typename": "ProductTaxonomyNode",
        "id": global_id("ProductTaxonomyNode", node.id),
        "name": node.name,
        "isRoot": node.parent_id is None,
        "isLeaf": taxonomy.is_leaf(node.id),
        "available": node.available,
        "_pk": node.id,
        "_parent_id": node.parent_id,
    }


def attribute_node(attribute: taxonomy.Attribute) -> dict:
    return {
        "__typename": "ProductAttribute",
        "id": global_id("ProductAttribute", attribute.id),
        "name": attribute.name,
        "valueType": attribute.value_type,
        "options": list(attribute.options) or None,
        "required": attribute.required,
        "_pk": attribute.id,
    }
