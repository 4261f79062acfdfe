"""Resolvers of nested object fields: a product's variants, a listing's variant..."""

from __future__ import annotations

from .. import inventory, taxonomy
from . import nodes
from .pagination import page_request, paginate_list


def created_key(row) -> tuple:
    return (row["created_at"], row["id"])


def nested_page(info, args, rows, to_node) -> dict:
    request = page_request(args, bulk=info.context.bulk)
    return paginate_list(rows, request, key_of=created_key, to_node=to_node)


def product_variants(product, info, **args):
    with info.context.read() as db:
        rows = db.execute(
            "SELECT * FROM variants WHERE product_id = ? AND deleted_at IS NULL",
            (product["_pk"],),
        ).fetchall()
    return nested_page(info, args, rows, nodes.variant_node)


def product_media(product, info, **args):
    with info.context.read() as db:
        rows = db.execute(
            "SELECT * FROM media WHERE product_id = ? AND deleted_at IS NULL",
            (product["_pk"],),
        ).fetchall()
    return nested_page(info, args, rows, nodes.media_node)


def product_taxonomy_node(product, info):
    node = taxonomy.NODES.get(product["_taxonomy_node_id"])
    return nodes.taxonomy_node(node) if node else None


def variant_product(variant, info):
    with info.context.read() as db:
        row = inventory.get_product(db, info.context.seller_id, variant["_product_id"])
    return nodes.product_node(row) if row else None


def variant_listings(variant, info, **args):
    context = info.context
    with context.read() as db:
        rows = db.execute(
            f"{inventory.LISTING_SELECT} WHERE l.variant_id = ? "
            f"AND {inventory.LIVE_LISTING}",
            (variant["_pk"],),
        ).fetchall()
    return nested_page(
        info, args, rows, lambda row: nodes.listing_node(row, context.public_url)
    )


def variant_media(variant, info, **args):
    # Media belongs to the product; a variant shows all of its product's images.
    return product_media({"_pk": variant["_product_id"]}, info, **args)


def variant_inventory_level(variant, info):
    with info.context.read() as db:
        row = inventory.variant_listing(db, variant["_pk"])
    return {"quantity": row["quantity"] if row else 0}


def listing_variant(listing, info):
    with info.context.read() as db:
        row = inventory.get_variant(db, info.context.seller_id, listing["_variant_id"])
    return nodes.variant_node(row) if row else None


def order_items(order, info, **args):
    item = order["_item"]
    request = page_request(args, bulk=info.context.bulk)
    return paginate_list(
        [item], request, key_of=lambda node: ("", node["_pk"]), to_node=lambda n: n
    )


def item_product(item, info):
    with info.context.read() as db:
        row = inventory.get_product(db, info.context.seller_id, item["_product_id"])
    return nodes.product_node(row) if row else None


def item_variant(item, info):
    with info.context.read() as db:
        row = inventory.get_variant(db, info.context.seller_id, item["_variant_id"])
    return nodes.variant_node(row) if row else None


def item_listing(item, info):
    context = info.context
    with context.read() as db:
        row = inventory.get_listing(db, context.seller_id, item["_listing_id"])
    return nodes.listing_node(row, context.public_url) if row else None


def taxonomy_parent(node, info):
    parent = taxonomy.NODES.get(node["_parent_id"]) if node["_parent_id"] else None
    return nodes.taxonomy_node(parent) if parent else None


def taxonomy_children(node, info):
    return [nodes.taxonomy_node(child) for child in taxonomy.children(node["_pk"])]


def taxonomy_attributes(node, info):
    return [nodes.attribute_node(item) for item in taxonomy.attributes_for(node["_pk"])]


FIELD_RESOLVERS = {
    "Product": {
        "variants": product_variants,
        "media": product_media,
        "productTaxonomyNode": product_taxonomy_node,
    },
    "ProductVariant": {
        "product": variant_product,
        "listings": variant_listings,
        "media": variant_media,
        "inventoryLevel": variant_inventory_level,
    },
    "BuyItNowListing": {"productVariant": listing_variant},
    "AuctionListing": {"productVariant": listing_variant},
    "GiveawayListing": {"productVariant": listing_variant},
    "Order": {"items": order_items},
    "OrderItem": {
        "product": item_product,
        "variant": item_variant,
        "listing": item_listing,
    },
    "ProductTaxonomyNode": {
        "parent": taxonomy_parent,
        "children": taxonomy_children,
        "productAttributes": taxonomy_attributes,
    },
}
