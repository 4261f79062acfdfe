"""addTrackingCode and orderCancel."""

from __future__ import annotations

from .. import inventory, sales
from ..payloads import listing_object, order_object
from . import nodes
from .validation import UserErrors, check_courier, decode_id


def add_tracking_code(_root, info, input):
    context = info.context
    errors = UserErrors()
    courier = check_courier(errors, ["input", "courier"], input["courier"])
    code = input["trackingCode"].strip()
    if not code:
        errors.add(["input", "trackingCode"], "The tracking code can't be blank.")
    if not input["orderIds"]:
        errors.add(["input", "orderIds"], "Give at least one order id.")
    order_ids = [
        decode_id(errors, ["input", "orderIds", index], value, "Order")
        for index, value in enumerate(input["orderIds"])
    ]
    if errors:
        return errors.payload(orders=True)
    include_customer = context.sandbox.config.webhook_customer_data
    with context.sandbox.change() as (db, events):
        rows = []
        for index, pk in enumerate(order_ids):
            row = sales.get_order(db, context.seller_id, pk)
            if row is None:
                errors.add(
                    ["input", "orderIds", index],
                    f"Order not found: {input['orderIds'][index]}.",
                )
            elif row["status"] == "CANCELLED":
                errors.add(
                    ["input", "orderIds", index],
                    "A cancelled order can't get a tracking code.",
                )
            rows.append(row)
        if errors:
            return errors.payload(orders=True)
        updated = []
        for row in rows:
            sales.add_tracking(db, context.clock, row, courier, code)
            fresh = sales.get_order(db, context.seller_id, row["id"])
            events.append(
                (
                    context.seller_id,
                    "order/updated",
                    order_object(fresh, include_customer),
                )
            )
            updated.append(nodes.order_node(fresh, context.sees_customer_data))
    return {"orders": updated, "userErrors": []}


def order_cancel(_root, info, input):
    context = info.context
    errors = UserErrors()
    pk = decode_id(errors, ["input", "id"], input["id"], "Order")
    if errors:
        return errors.payload(order=True)
    include_customer = context.sandbox.config.webhook_customer_data
    with context.sandbox.change() as (db, events):
        row = sales.get_order(db, context.seller_id, pk)
        if row is None:
            errors.add(["input", "id"], f"Order not found: {input['id']}.")
        elif row["status"] in ("CANCELLED", "SHIPPED", "DELIVERED", "COMPLETED"):
            errors.add(
                ["input", "id"],
                f"An order in status {row['status']} can't be cancelled.",
            )
        if errors:
            return errors.payload(order=True)
        sales.cancel_order(db, context.clock, row)
        fresh = sales.get_order(db, context.seller_id, pk)
        events.append(
            (context.seller_id, "order/updated", order_object(fresh, include_customer))
        )
        listing = inventory.get_listing(db, context.seller_id, fresh["listing_id"])
        if listing is not None:
            events.append(
                (context.seller_id, "listing/updated", listing_object(listing))
            )
    return {
        "order": nodes.order_node(fresh, context.sees_customer_data),
        "userErrors": [],
    }


ORDER_MUTATIONS = {
    "addTrackingCode": add_tracking_code,
    "orderCancel": order_cancel,
}
