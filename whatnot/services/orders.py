"""Store Whatnot orders and their sales, keyed by Whatnot id. Buyer details are
never requested nor stored."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from whatnot.client.types import RemoteOrder, RemoteOrderItem
from whatnot.models import Listing, Order, Sale

logger = logging.getLogger(__name__)

ORDER_FIELDS = (
    "status",
    "subtotal",
    "shipping_price",
    "taxes",
    "total",
    "currency",
    "sales_channel",
    "is_giveaway",
    "remote_created_at",
    "remote_updated_at",
    "cancelled_at",
)


@dataclass
class OrdersOutcome:
    # Orders created or changed.
    stored: int = 0
    # Primary keys of sales created or changed, for follow-up work.
    sale_ids: list[int] = field(default_factory=list)


SALE_FIELDS = (
    "order",
    "listing",
    "listing_whatnot_id",
    "quantity",
    "price",
    "currency",
)


def upsert_orders(seller, remotes: list[RemoteOrder]) -> OrdersOutcome:
    """Create or update the seller's orders and one Sale per order line.

    Runs in the caller's transaction. When another process (a webhook)
    inserts one of the same rows meanwhile, the page is stored row by row.
    """
    latest = {remote.id: remote for remote in remotes}
    try:
        with transaction.atomic():
            return _upsert_page(seller, list(latest.values()))
    except IntegrityError:
        logger.info(
            "Orders of seller %s were inserted concurrently; storing the page "
            "row by row",
            seller.pk,
        )
    outcome = OrdersOutcome()
    for remote in latest.values():
        with transaction.atomic():
            sale_ids = _upsert_one(seller, remote)
        if sale_ids is not None:
            outcome.stored += 1
            outcome.sale_ids.extend(sale_ids)
    return outcome


def _upsert_page(seller, remotes: list[RemoteOrder]) -> OrdersOutcome:
    existing = Order.objects.in_bulk(
        [remote.id for remote in remotes], field_name="whatnot_id"
    )
    new, changed, stored = [], [], []
    for remote in remotes:
        order = existing.get(remote.id)
        if order is not None and not _owned(order, seller, remote):
            continue
        if order is not None and order.remote_updated_at == remote.updated_at:
            continue
        values = _order_values(remote)
        if order is None:
            order = Order(seller=seller, whatnot_id=remote.id, **values)
            new.append(order)
        else:
            for name, value in values.items():
                setattr(order, name, value)
            order.updated_at = timezone.now()
            changed.append(order)
        stored.append((order, remote))
    Order.objects.bulk_create(new)
    if changed:
        Order.objects.bulk_update(changed, [*ORDER_FIELDS, "updated_at"])
    sale_ids = _store_sales(seller, stored)
    return OrdersOutcome(stored=len(stored), sale_ids=sale_ids)


def _store_sales(seller, stored: list[tuple[Order, RemoteOrder]]) -> list[int]:
    listings = _listings_by_whatnot_id(seller, [remote for _, remote in stored])
    existing = {
        (sale.order_whatnot_id, sale.product_whatnot_id): sale
        for sale in Sale.objects.filter(
            order_whatnot_id__in=[remote.id for _, remote in stored]
        )
    }
    new: dict[tuple[str, str], Sale] = {}
    changed = []
    for order, remote in stored:
        for item in remote.items:
            key = (remote.id, item.product_id)
            values = _sale_values(order, remote, item, listings.get(item.listing_id))
            sale = existing.get(key)
            if sale is None:
                new[key] = Sale(
                    seller=seller,
                    order_whatnot_id=remote.id,
                    product_whatnot_id=item.product_id,
                    **values,
                )
            else:
                for name, value in values.items():
                    setattr(sale, name, value)
                changed.append(sale)
    created = Sale.objects.bulk_create(list(new.values()))
    if changed:
        Sale.objects.bulk_update(changed, [*SALE_FIELDS, "sold_at"])
    if any(sale.pk is None for sale in created):
        created = Sale.objects.filter(
            order_whatnot_id__in=[remote.id for _, remote in stored]
        ).only("pk")
    return [sale.pk for sale in [*created, *changed]]


def _upsert_one(seller, remote: RemoteOrder) -> list[int] | None:
    """Store one order; return its sale ids, or None when it was skipped."""
    order = Order.objects.filter(whatnot_id=remote.id).first()
    if order is not None and not _owned(order, seller, remote):
        return None
    order, _ = Order.objects.update_or_create(
        whatnot_id=remote.id, defaults={"seller": seller, **_order_values(remote)}
    )
    listings = _listings_by_whatnot_id(seller, [remote])
    sale_ids = []
    for item in remote.items:
        sale, _ = Sale.objects.update_or_create(
            order_whatnot_id=remote.id,
            product_whatnot_id=item.product_id,
            defaults={
                "seller": seller,
                **_sale_values(order, remote, item, listings.get(item.listing_id)),
            },
        )
        sale_ids.append(sale.pk)
    return sale_ids


def _owned(order: Order, seller, remote: RemoteOrder) -> bool:
    if order.seller_id == seller.pk:
        return True
    logger.error(
        "Whatnot order %s belongs to seller %s in selvedge, not to seller %s; skipped",
        remote.id,
        order.seller_id,
        seller.pk,
    )
    return False


def _listings_by_whatnot_id(seller, remotes: list[RemoteOrder]) -> dict:
    listing_ids = {
        item.listing_id
        for remote in remotes
        for item in remote.items
        if item.listing_id
    }
    if not listing_ids:
        return {}
    return (
        Listing.objects.filter(seller=seller)
        .only("pk", "whatnot_id")
        .in_bulk(list(listing_ids), field_name="whatnot_id")
    )


def _order_values(remote: RemoteOrder) -> dict:
    currency = next(
        (money.currency for money in (remote.total, remote.subtotal) if money),
        "USD",
    )
    return {
        "status": remote.status,
        "subtotal": remote.subtotal.amount if remote.subtotal else None,
        "shipping_price": (
            remote.shipping_price.amount if remote.shipping_price else None
        ),
        "taxes": remote.taxes.amount if remote.taxes else None,
        "total": remote.total.amount if remote.total else None,
        "currency": currency,
        "sales_channel": remote.sales_channel,
        "is_giveaway": remote.is_giveaway,
        "remote_created_at": remote.created_at,
        "remote_updated_at": remote.updated_at,
        "cancelled_at": remote.cancelled_at,
    }


def _sale_values(
    order: Order, remote: RemoteOrder, item: RemoteOrderItem, listing
) -> dict:
    return {
        "order": order,
        "listing": listing,
        "listing_whatnot_id": item.listing_id,
        "quantity": item.quantity,
        "price": item.price.amount if item.price else None,
        "currency": item.price.currency if item.price else order.currency,
        "sold_at": remote.created_at,
    }
