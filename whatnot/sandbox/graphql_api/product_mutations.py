"""productCreate, productUpdate, productDelete and the variant and media mutations."""

from __future__ import annotations

import json

from .. import inventory
from ..payloads import listing_object
from ..values import global_id
from . import nodes
from .validation import (
    UserErrors,
    check_listing,
    check_media,
    check_options,
    check_product_fields,
    decode_id,
)


def store_currency(context) -> str:
    with context.read() as db:
        row = db.execute(
            "SELECT currency_code FROM sellers WHERE id = ?", (context.seller_id,)
        ).fetchone()
    return row["currency_code"]


def check_variant(
    errors: UserErrors, path: list, variant: dict, currency: str, offerable: bool
) -> dict:
    """Check a ProductVariantInput; return its columns and its listing's changes."""
    listings = variant.get("listings") or []
    # An existing variant may leave its listing as it is; a new one needs one.
    if not listings and variant.get("id") is None:
        errors.add([*path, "listings"], "Each variant needs one listing.")
    elif len(listings) > 1:
        errors.add(
            [*path, "listings"],
            f"A variant has at most one listing (got {len(listings)}).",
        )
    listing_changes = None
    listing_id = None
    if listings:
        listing = listings[0]
        listing_path = [*path, "listings", 0]
        listing_id = decode_id(
            errors, [*listing_path, "id"], listing.get("id"), "Listing"
        )
        listing_changes = check_listing(
            errors,
            listing_path,
            listing,
            creating=listing.get("id") is None,
            currency=currency,
        )
        if listing_changes.get("kind") == "BUY_IT_NOW":
            listing_changes.setdefault("offerable", offerable)
    return {
        "id": decode_id(errors, [*path, "id"], variant.get("id"), "ProductVariant"),
        "sku": variant.get("sku"),
        "options": check_options(errors, [*path, "options"], variant.get("options")),
        "listing": listing_changes,
        "listing_id": listing_id,
    }


def create_listing(db, context, events, variant_id: int, changes: dict) -> None:
    listing_id = inventory.insert_listing(
        db,
        context.clock,
        context.seller_id,
        variant_id,
        kind=changes["kind"],
        price_cents=changes["price_cents"],
        currency=store_currency_in(db, context.seller_id),
        quantity=changes["quantity"],
        published=changes.get("published", False),
        offerable=changes.get("offerable", False),
        end_time=changes.get("end_time"),
        sudden_death=changes.get("sudden_death"),
    )
    row = inventory.get_listing(db, context.seller_id, listing_id)
    events.append((context.seller_id, "listing/created", listing_object(row)))


def store_currency_in(db, seller_id: int) -> str:
    return db.execute(
        "SELECT currency_code FROM sellers WHERE id = ?", (seller_id,)
    ).fetchone()["currency_code"]


def insert_media_items(db, context, product_id: int, media: list[dict]) -> None:
    for item in media:
        inventory.insert_media(
            db,
            context.clock,
            context.seller_id,
            product_id,
            source=item["source"],
            alt=item["alt"],
        )


def product_create(_root, info, input, media):
    context = info.context
    currency = store_currency(context)
    errors = UserErrors()
    if input.get("id") is not None:
        errors.add(
            ["input", "id"],
            "Leave id out when creating a product; productUpdate changes one.",
        )
    columns = check_product_fields(errors, input)
    media_items = check_media(errors, ["media"], media)
    offerable = bool(input.get("offerable"))
    variants = [
        check_variant(
            errors, ["input", "variants", index], variant, currency, offerable
        )
        for index, variant in enumerate(input.get("variants") or [])
    ]
    for index, variant in enumerate(variants):
        if variant["id"] is not None or variant["listing_id"] is not None:
            errors.add(
                ["input", "variants", index, "id"],
                "Leave ids out of the variants and listings of a new product.",
            )
    if errors:
        return errors.payload(product=True)
    with context.sandbox.change() as (db, events):
        product_id = inventory.insert_product(
            db, context.clock, context.seller_id, **columns
        )
        insert_media_items(db, context, product_id, media_items)
        if not variants:
            inventory.insert_variant(db, context.clock, context.seller_id, product_id)
        for variant in variants:
            variant_id = inventory.insert_variant(
                db,
                context.clock,
                context.seller_id,
                product_id,
                sku=variant["sku"],
                options=variant["options"],
            )
            create_listing(db, context, events, variant_id, variant["listing"])
        row = inventory.get_product(db, context.seller_id, product_id)
    return {"product": nodes.product_node(row), "userErrors": []}


def apply_variant_update(
    db, context, events, errors, path, product_id, variant
) -> None:
    """Update or add one variant of an existing product, with its listing."""
    clock, seller_id = context.clock, context.seller_id
    if variant["id"] is None:
        variant_id = inventory.insert_variant(
            db,
            clock,
            seller_id,
            product_id,
            sku=variant["sku"],
            options=variant["options"],
        )
        create_listing(db, context, events, variant_id, variant["listing"])
        return
    row = inventory.get_variant(db, seller_id, variant["id"])
    if row is None or row["product_id"] != product_id:
        errors.add([*path, "id"], "Variant not found on this product.")
        return
    db.execute(
        "UPDATE variants SET sku = ?, options = ?, updated_at = ? WHERE id = ?",
        (variant["sku"], json.dumps(variant["options"]), clock.now_text(), row["id"]),
    )
    current = inventory.variant_listing(db, row["id"])
    if variant["listing"] is None:
        return
    if variant["listing_id"] is None:
        if current is not None:
            errors.add(
                [*path, "listings", 0, "id"],
                "This variant already has a listing; give its id to change it.",
            )
            return
        create_listing(db, context, events, row["id"], variant["listing"])
        return
    if current is None or current["id"] != variant["listing_id"]:
        errors.add([*path, "listings", 0, "id"], "Listing not found on this variant.")
        return
    updated = inventory.update_listing(db, clock, current, **variant["listing"])
    events.append((seller_id, "listing/updated", listing_object(updated)))


class Rollback(Exception):
    """Raised inside a write to undo it when a check fails midway."""


def product_update(_root, info, input, media=None):
    context = info.context
    currency = store_currency(context)
    errors = UserErrors()
    product_id = decode_id(errors, ["input", "id"], input.get("id"), "Product")
    if input.get("id") is None:
        errors.add(["input", "id"], "Give the id of the product to update.")
    columns = check_product_fields(errors, input)
    media_items = check_media(errors, ["media"], media)
    offerable = bool(input.get("offerable"))
    variants = [
        check_variant(
            errors, ["input", "variants", index], variant, currency, offerable
        )
        for index, variant in enumerate(input.get("variants") or [])
    ]
    if errors:
        return errors.payload(product=True)
    try:
        with context.sandbox.change() as (db, events):
            if inventory.get_product(db, context.seller_id, product_id) is None:
                errors.add(["input", "id"], f"Product not found: {input['id']}.")
                raise Rollback
            columns["attributes"] = json.dumps(columns["attributes"])
            assignments = ", ".join(f"{name} = ?" for name in columns)
            db.execute(
                f"UPDATE products SET {assignments}, updated_at = ? WHERE id = ?",
                [*columns.values(), context.clock.now_text(), product_id],
            )
            insert_media_items(db, context, product_id, media_items)
            touched = {
                variant["listing_id"] for variant in variants if variant["listing_id"]
            }
            for index, variant in enumerate(variants):
                apply_variant_update(
                    db,
                    context,
                    events,
                    errors,
                    ["input", "variants", index],
                    product_id,
                    variant,
                )
            if errors:
                raise Rollback
            bump_product_listings(db, context, events, product_id, skip=touched)
            row = inventory.get_product(db, context.seller_id, product_id)
    except Rollback:
        return errors.payload(product=True)
    return {"product": nodes.product_node(row), "userErrors": []}


def bump_product_listings(db, context, events, product_id: int, skip: set) -> None:
    """Bump the product's listings, because each shows its product's title."""
    rows = db.execute(
        inventory.live_listings("v.product_id = ?"),
        (product_id,),
    ).fetchall()
    for row in rows:
        if row["id"] in skip:
            continue
        updated = inventory.update_listing(db, context.clock, row)
        events.append((context.seller_id, "listing/updated", listing_object(updated)))


def product_delete(_root, info, input):
    context = info.context
    errors = UserErrors()
    product_id = decode_id(errors, ["input", "id"], input["id"], "Product")
    if errors:
        return errors.payload(deletedProductId=True)
    with context.sandbox.change() as (db, _events):
        if inventory.get_product(db, context.seller_id, product_id) is None:
            errors.add(["input", "id"], f"Product not found: {input['id']}.")
            return errors.payload(deletedProductId=True)
        now = context.clock.now_text()
        db.execute(
            "UPDATE products SET deleted_at = ?, updated_at = ? WHERE id = ?",
            (now, now, product_id),
        )
        db.execute(
            "UPDATE variants SET deleted_at = ? WHERE product_id = ?", (now, product_id)
        )
        db.execute(
            "UPDATE listings SET deleted_at = ?, updated_at = ? WHERE variant_id IN "
            "(SELECT id FROM variants WHERE product_id = ?)",
            (now, now, product_id),
        )
    return {"deletedProductId": input["id"], "userErrors": []}


def product_variant_create(_root, info, input, media=None):
    context = info.context
    currency = store_currency(context)
    errors = UserErrors()
    product_id = decode_id(
        errors, ["input", "productId"], input.get("productId"), "Product"
    )
    if input.get("productId") is None:
        errors.add(["input", "productId"], "Give the productId to add the variant to.")
    variant = check_variant(errors, ["input"], input, currency, offerable=False)
    if variant["id"] is not None:
        errors.add(["input", "id"], "Leave id out when creating a variant.")
    media_items = check_media(errors, ["media"], media)
    if errors:
        return errors.payload(productVariant=True)
    with context.sandbox.change() as (db, events):
        if inventory.get_product(db, context.seller_id, product_id) is None:
            errors.add(
                ["input", "productId"], f"Product not found: {input['productId']}."
            )
            return errors.payload(productVariant=True)
        variant_id = inventory.insert_variant(
            db,
            context.clock,
            context.seller_id,
            product_id,
            sku=variant["sku"],
            options=variant["options"],
        )
        create_listing(db, context, events, variant_id, variant["listing"])
        insert_media_items(db, context, product_id, media_items)
        row = inventory.get_variant(db, context.seller_id, variant_id)
    return {"productVariant": nodes.variant_node(row), "userErrors": []}


def product_variant_update(_root, info, input):
    context = info.context
    currency = store_currency(context)
    errors = UserErrors()
    if input.get("id") is None:
        errors.add(["input", "id"], "Give the id of the variant to update.")
    variant = check_variant(errors, ["input"], input, currency, offerable=False)
    if errors:
        return errors.payload(productVariant=True)
    try:
        with context.sandbox.change() as (db, events):
            row = inventory.get_variant(db, context.seller_id, variant["id"])
            if row is None:
                errors.add(["input", "id"], f"Variant not found: {input['id']}.")
                raise Rollback
            apply_variant_update(
                db, context, events, errors, ["input"], row["product_id"], variant
            )
            if errors:
                raise Rollback
            row = inventory.get_variant(db, context.seller_id, variant["id"])
    except Rollback:
        return errors.payload(productVariant=True)
    return {"productVariant": nodes.variant_node(row), "userErrors": []}


def product_variant_delete(_root, info, input):
    context = info.context
    errors = UserErrors()
    variant_id = decode_id(errors, ["input", "id"], input["id"], "ProductVariant")
    if errors:
        return errors.payload(deletedProductVariantId=True)
    with context.sandbox.change() as (db, _events):
        if inventory.get_variant(db, context.seller_id, variant_id) is None:
            errors.add(["input", "id"], f"Variant not found: {input['id']}.")
            return errors.payload(deletedProductVariantId=True)
        now = context.clock.now_text()
        db.execute("UPDATE variants SET deleted_at = ? WHERE id = ?", (now, variant_id))
        db.execute(
            "UPDATE listings SET deleted_at = ?, updated_at = ? WHERE variant_id = ?",
            (now, now, variant_id),
        )
    return {"deletedProductVariantId": input["id"], "userErrors": []}


def media_delete(_root, info, input):
    context = info.context
    errors = UserErrors()
    media_id = decode_id(errors, ["input", "id"], input["id"], "MediaImage")
    if errors:
        return errors.payload(deletedMediaId=True)
    with context.sandbox.change() as (db, _events):
        cursor = db.execute(
            "UPDATE media SET deleted_at = ? WHERE id = ? AND seller_id = ? "
            "AND deleted_at IS NULL",
            (context.clock.now_text(), media_id, context.seller_id),
        )
    if cursor.rowcount == 0:
        errors.add(["input", "id"], f"Media not found: {input['id']}.")
        return errors.payload(deletedMediaId=True)
    return {"deletedMediaId": global_id("MediaImage", media_id), "userErrors": []}


PRODUCT_MUTATIONS = {
    "productCreate": product_create,
    "productUpdate": product_update,
    "productDelete": product_delete,
    "productVariantCreate": product_variant_create,
    "productVariantUpdate": product_variant_update,
    "productVariantDelete": product_variant_delete,
    "mediaDelete": media_delete,
}
