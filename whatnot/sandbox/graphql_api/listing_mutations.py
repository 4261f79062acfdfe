"""listingUpdate, listingDelete, listingPublish/Unpublish, quantity and livestreams."""

from __future__ import annotations

from .. import inventory
from ..payloads import listing_object, livestream_listing_object
from ..values import InvalidGlobalId, parse_global_id
from . import nodes
from .product_mutations import store_currency
from .queries import livestream_by_pk
from .validation import MAX_QUANTITY, UserErrors, check_listing, decode_id


def find_listing(db, context, errors: UserErrors, value) -> object | None:
    """Return the caller's listing, or None after a userError on ["input", "id"]."""
    if value is None:
        errors.add(["input", "id"], "Give the id of the listing.")
        return None
    pk = decode_id(errors, ["input", "id"], value, "Listing")
    if pk is None:
        return None
    row = inventory.get_listing(db, context.seller_id, pk)
    if row is None:
        errors.add(["input", "id"], f"Listing not found: {value}.")
    return row


def listing_payload(context, row) -> dict:
    return {"listing": nodes.listing_node(row, context.public_url), "userErrors": []}


def change_listing(context, input_id, errors: UserErrors, changes_for) -> dict:
    """Load the listing, let changes_for check it and name column changes, save.

    changes_for(row) returns the changes or None after adding userErrors.
    """
    with context.sandbox.change() as (db, events):
        row = find_listing(db, context, errors, input_id)
        changes = changes_for(row) if row is not None else None
        if errors or changes is None:
            return errors.payload(listing=True)
        updated = inventory.update_listing(db, context.clock, row, **changes)
        events.append((context.seller_id, "listing/updated", listing_object(updated)))
    return listing_payload(context, updated)


def listing_update(_root, info, input):
    context = info.context
    currency = store_currency(context)
    errors = UserErrors()
    changes = check_listing(errors, ["input"], input, creating=False, currency=currency)
    if errors:
        return errors.payload(listing=True)
    if input.get("productVariantId") is not None:
        errors.add(
            ["input", "productVariantId"],
            "A listing can't move to another variant; leave productVariantId out.",
        )
        return errors.payload(listing=True)

    def checked(row):
        if changes.get("published") and row["status"] == "SOLD":
            errors.add(
                ["input", "published"], "A sold auction can't be published again."
            )
            return None
        return changes

    return change_listing(context, input.get("id"), errors, checked)


def listing_publish(_root, info, input):
    errors = UserErrors()

    def checked(row):
        if row["quantity"] <= 0:
            errors.add(
                ["input", "id"],
                "A listing with quantity 0 can't be published; raise its "
                "quantity with listingAdjustQuantity first.",
            )
            return None
        return {"published": True}

    return change_listing(info.context, input["id"], errors, checked)


def listing_unpublish(_root, info, input):
    return change_listing(
        info.context, input["id"], UserErrors(), lambda row: {"published": False}
    )


def listing_adjust_quantity(_root, info, input):
    errors = UserErrors()
    delta = input["quantity"]

    def checked(row):
        quantity = row["quantity"] + delta
        if quantity < 0:
            errors.add(
                ["input", "quantity"],
                f"The listing has {row['quantity']}; subtracting {-delta} "
                "would make it negative.",
            )
            return None
        if quantity > MAX_QUANTITY:
            errors.add(
                ["input", "quantity"],
                f"The quantity would be {quantity}; the maximum is {MAX_QUANTITY}.",
            )
            return None
        return {"quantity": quantity}

    return change_listing(info.context, input["id"], errors, checked)


def listing_delete(_root, info, input):
    context = info.context
    errors = UserErrors()
    with context.sandbox.change() as (db, _events):
        row = find_listing(db, context, errors, input["id"])
        if row is None:
            return errors.payload(deletedListingId=True)
        now = context.clock.now_text()
        db.execute(
            "UPDATE listings SET deleted_at = ?, updated_at = ? WHERE id = ?",
            (now, now, row["id"]),
        )
    return {"deletedListingId": input["id"], "userErrors": []}


def livestream_change(info, input, assign: bool):
    context = info.context
    errors = UserErrors()
    try:
        livestream_pk = parse_global_id(input["livestreamId"], "Livestream")[1]
    except InvalidGlobalId as exc:
        errors.add(["input", "livestreamId"], f"{exc}.")
        return errors.payload(listing=True, livestream=True)
    with context.sandbox.change() as (db, events):
        livestream = livestream_by_pk(db, context.seller_id, livestream_pk)
        if livestream is None:
            errors.add(
                ["input", "livestreamId"],
                f"Livestream not found: {input['livestreamId']}.",
            )
        row = find_listing(db, context, errors, input["id"])
        if errors:
            return errors.payload(listing=True, livestream=True)
        if not assign and row["livestream_id"] != livestream_pk:
            errors.add(["input", "id"], "The listing is not in this livestream.")
            return errors.payload(listing=True, livestream=True)
        updated = inventory.update_listing(
            db, context.clock, row, livestream_id=livestream_pk if assign else None
        )
        topic = "livestream/product_added" if assign else "livestream/product_removed"
        events.append(
            (
                context.seller_id,
                topic,
                livestream_listing_object(livestream_pk, updated),
            )
        )
    return {
        "listing": nodes.listing_node(updated, context.public_url),
        "livestream": livestream,
        "userErrors": [],
    }


def listing_assign_to_livestream(_root, info, input):
    return livestream_change(info, input, assign=True)


def listing_remove_from_livestream(_root, info, input):
    return livestream_change(info, input, assign=False)


LISTING_MUTATIONS = {
    "listingUpdate": listing_update,
    "listingDelete": listing_delete,
    "listingPublish": listing_publish,
    "listingUnpublish": listing_unpublish,
    "listingAdjustQuantity": listing_adjust_quantity,
    "listingAssignToLivestream": listing_assign_to_livestream,
    "listingRemoveFromLivestream": listing_remove_from_livestream,
}
