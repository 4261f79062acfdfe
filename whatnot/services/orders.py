"""Store Whatnot orders and their sales, keyed by Whatnot id. Buyer details are
never requested nor stored."""

from __future__ import annotations

import logging

from whatnot.client.types import RemoteOrder
from whatnot.models import Listing, Order, Sale

logger = logging.getLogger(__name__)


def upsert_orders(seller, remotes: list[RemoteOrder]) -> int:
    """Create or update the seller's orders and one Sale per order line;
    return how many orders were created or changed."""
    existing = Order.objects.in_bulk(
        [remote.id for remote in remotes], field_name="whatnot_id"
    )
    listing_ids = {item.listing_id for remote in remotes for item in remote.items}
    listings = Listing.objects.filter(seller=seller).in_bulk(
        [listing_id for listing_id in listing_ids if listing_id],
        field_name="whatnot_id",
    )
    stored = 0
    for remote in remotes:
        order = existing.get(remote.id)
        if order is not None and order.seller_id != seller.pk:
            logger.error(
                "Whatnot order %s belongs to seller %s in selvedge, not to "
                "seller %s; skipped",
                remote.id,
                order.seller_id,
                seller.pk,
            )
            continue
        if order is not None and order.remote_updated_at == remote.updated_at:
            continue
        order, _ = Order.objects.update_or_create(
            whatnot_id=remote.id, defaults=_order_values(seller, remote)
        )
        for item in remote.items:
            _store_sale(seller, order, remote, item, listings.get(item.listing_id))
        stored += 1
    return stored


def _order_values(seller, remote: RemoteOrder) -> dict:
    currency = next(
        (
            money.currency
            for money in (remote.total, remote.subtotal)
            if money is not None
        ),
        "USD",
    )
    return {
        "seller": seller,
        "status": remote.status,
        "subtotal": remote.subtotal.amount if remote.subtotal else None,
        "shipping_price": remote.shipping_price.amount
        if remote.shipping_price
        else None,
        "taxes": remote.taxes.amount if remote.taxes else None,
        "total": remote.total.amount if remote.total else None,
        "currency": currency,
        "sales_channel": remote.sales_channel,
        "is_giveaway": remote.is_giveaway,
        "remote_created_at": remote.created_at,
        "remote_updated_at": remote.updated_at,
        "cancelled_at": remote.cancelled_at,
    }


def _store_sale(seller, order: Order, remote: RemoteOrder, item, listing) -> None:
    Sale.objects.update_or_create(
        order_whatnot_id=remote.id,
        product_whatnot_id=item.product_id,
        defaults={
            "seller": seller,
            "order": order,
            "listing": listing,
            "listing_whatnot_id": item.listing_id,
            "quantity": item.quantity,
            "price": item.price.amount if item.price else None,
            "currency": item.price.currency if item.price else order.currency,
            "sold_at": remote.created_at,
        },
    )
