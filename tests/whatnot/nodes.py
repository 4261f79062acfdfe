"""Seller API JSON in the shape the operations select, for parsing and upsert
tests that need no server."""

from __future__ import annotations

from whatnot.client.parsing import parse_listing


def listing_node(
    listing_id: str = "TGlzdGluZzox",
    *,
    typename: str = "BuyItNowListing",
    title: str = "1990s Levi's 501 34x32",
    description: str = "Medium wash, big E tab.",
    price_cents: int | None = 8500,
    quantity: int = 1,
    published: bool = True,
    status: str = "ACTIVE",
    updated_at: str = "2026-03-01T12:00:00Z",
    product_id: str | None = None,
    variant_id: str | None = None,
) -> dict:
    node = {
        "__typename": typename,
        "id": listing_id,
        "title": title,
        "description": description,
        "published": published,
        "status": status,
        "inventoryLevel": {"quantity": quantity},
        "url": f"https://www.whatnot.com/listing/{listing_id}",
        "createdAt": "2026-02-01T09:30:00Z",
        "updatedAt": updated_at,
        "productVariant": {
            "id": variant_id or f"variant-{listing_id}",
            "sku": f"SKU-{listing_id}",
            "options": [{"name": "Size", "value": "34x32"}],
            "product": {
                "id": product_id or f"product-{listing_id}",
                "title": title,
                "description": description,
                "externalId": None,
                "createdAt": "2026-02-01T09:30:00Z",
                "updatedAt": updated_at,
                "productTaxonomyNode": {"id": "UHJvZHVjdFRheG9ub215Tm9kZToxNg=="},
            },
        },
    }
    money = {"amount": price_cents, "currency": "USD"} if price_cents else None
    if typename == "BuyItNowListing":
        node["offerable"] = False
        node["price"] = money
    elif typename == "AuctionListing":
        node["startingPrice"] = money
        node["endTime"] = None
    return node


def remote_listing(listing_id: str = "TGlzdGluZzox", **overrides):
    return parse_listing(listing_node(listing_id, **overrides))


def listings_data(nodes: list[dict], *, has_next: bool, end_cursor: str | None):
    return {
        "listings": {
            "pageInfo": {"hasNextPage": has_next, "endCursor": end_cursor},
            "edges": [{"node": node} for node in nodes],
        }
    }
