"""The effect of each webhook topic on selvedge's mirror of a seller's store.

Every handler runs inside the transaction that marks the event processed, takes
the seller the event belongs to, and is written to be safe against events that
arrive out of order: listings and orders change only when the event carries a
newer remote updated_at than the stored row, and a sale is recorded once per
order and product.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from whatnot.models import Listing, Order, Product, ProductVariant, Sale, WebhookEvent
from whatnot.webhooks.envelope import parse_timestamp

MAX_TITLE_LENGTH = 1000


class WebhookProcessingError(Exception):
    """The event cannot be applied, and retrying will not change that."""


class TransientWebhookError(Exception):
    """The event cannot be applied yet; a later attempt may succeed."""


# Payload readers. Each raises WebhookProcessingError naming the field.


def _required_id(payload: dict, key: str) -> str:
    value = payload.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise WebhookProcessingError(f"the payload has no {key!r} string: {value!r}")
    return value


def _optional_id(payload: dict, key: str) -> str:
    value = payload.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def _money(payload: dict, key: str) -> tuple[Decimal | None, str | None]:
    """Read a Money object ``{"amount": "185.00", "currency": "USD"}``."""
    value = payload.get(key)
    if value is None:
        return None, None
    if not isinstance(value, dict) or "amount" not in value:
        raise WebhookProcessingError(
            f"{key!r} is {value!r}; expected an object with amount and currency"
        )
    try:
        amount = Decimal(str(value["amount"]))
    except InvalidOperation:
        raise WebhookProcessingError(
            f"{key}.amount {value['amount']!r} is not a decimal number"
        ) from None
    if not amount.is_finite():
        raise WebhookProcessingError(f"{key}.amount {value['amount']!r} is not finite")
    currency = value.get("currency")
    if currency is not None and (not isinstance(currency, str) or len(currency) != 3):
        raise WebhookProcessingError(
            f"{key}.currency {currency!r} is not an ISO 4217 code"
        )
    return amount.quantize(Decimal("0.01")), currency


def _quantity(payload: dict, key: str, default: int | None = None) -> int | None:
    value = payload.get(key, default)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise WebhookProcessingError(
            f"{key!r} is {value!r}; expected a non-negative integer"
        )
    return value


def _remote_updated_at(payload: dict, event: WebhookEvent) -> datetime:
    updated_at = parse_timestamp(payload.get("updated_at")) or event.event_timestamp
    if updated_at is None:
        raise WebhookProcessingError(
            "the payload has no readable updated_at and the envelope no "
            "timestamp, so its order against other events is unknown"
        )
    return updated_at


def _check_owner(row, seller, kind: str) -> None:
    if row is not None and row.seller_id != seller.pk:
        raise WebhookProcessingError(
            f"{kind} {row.whatnot_id} belongs to another seller (user {row.seller_id})"
        )


# listing/created and listing/updated


def _listing_fields(payload: dict, remote_updated_at: datetime) -> dict:
    fields: dict = {
        "remote_updated_at": remote_updated_at,
        "raw": payload,
        "last_synced_at": timezone.now(),
    }
    if isinstance(payload.get("title"), str):
        fields["title"] = payload["title"][:MAX_TITLE_LENGTH]
    if payload.get("listing_type") in Listing.Kind.values:
        fields["kind"] = payload["listing_type"]
    if payload.get("status") in Listing.Status.values:
        fields["status"] = payload["status"]
    for flag in ("published", "offerable"):
        if isinstance(payload.get(flag), bool):
            fields[flag] = payload[flag]
    quantity = _quantity(payload, "quantity")
    if quantity is not None:
        fields["quantity"] = quantity
    created_at = parse_timestamp(payload.get("created_at"))
    if created_at is not None:
        fields["remote_created_at"] = created_at
    # An auction has a starting price instead of a price.
    price_key = "starting_price" if fields.get("kind") == "AUCTION" else "price"
    amount, currency = _money(payload, price_key)
    if amount is not None:
        fields["price"] = amount
        fields["currency"] = currency or "USD"
    return fields


def _variant_for(seller, payload: dict) -> ProductVariant | None:
    """Return the listing's variant, creating it and its product when missing."""
    variant_id = _optional_id(payload, "product_variant_id")
    if not variant_id:
        return None
    variant = (
        ProductVariant.objects.select_related("product")
        .filter(whatnot_id=variant_id)
        .first()
    )
    if variant is None:
        product_id = _optional_id(payload, "product_id")
        if not product_id:
            return None
        product, _ = Product.objects.get_or_create(
            whatnot_id=product_id,
            defaults={
                "seller": seller,
                "title": str(payload.get("title") or "")[:MAX_TITLE_LENGTH],
                "external_id": _optional_id(payload, "external_id")[:255],
            },
        )
        _check_owner(product, seller, "product")
        variant, _ = ProductVariant.objects.get_or_create(
            whatnot_id=variant_id, defaults={"product": product}
        )
    _check_owner(variant.product, seller, "product")
    return variant


def apply_listing_event(event: WebhookEvent, seller, payload) -> None:
    """Create or update the listing when the event is newer than the stored row.

    A listing with local edits not yet pushed (pending or conflict) keeps its
    local fields: the newer Whatnot version goes to remote_snapshot, where the
    push code compares the two.
    """
    if not isinstance(payload, dict):
        raise WebhookProcessingError("the payload is not a JSON object")
    whatnot_id = _required_id(payload, "id")
    remote_updated_at = _remote_updated_at(payload, event)
    listing = Listing.objects.select_for_update().filter(whatnot_id=whatnot_id).first()
    _check_owner(listing, seller, "listing")
    if listing is not None and listing.sync_state in (
        Listing.SyncState.PENDING,
        Listing.SyncState.CONFLICT,
    ):
        snapshot = listing.remote_snapshot or {}
        known = [parse_timestamp(snapshot.get("updated_at")), listing.remote_updated_at]
        newest = max((moment for moment in known if moment), default=None)
        if newest is None or remote_updated_at > newest:
            listing.remote_snapshot = payload
            listing.save(update_fields=["remote_snapshot", "updated_at"])
        return
    if (
        listing is not None
        and listing.remote_updated_at is not None
        and remote_updated_at <= listing.remote_updated_at
    ):
        return
    fields = _listing_fields(payload, remote_updated_at)
    fields["variant"] = _variant_for(seller, payload)
    fields["sync_state"] = Listing.SyncState.SYNCED
    fields["sync_error"] = ""
    if listing is None:
        fields.setdefault("title", "")
        _create_once(Listing, seller=seller, whatnot_id=whatnot_id, **fields)
        return
    if fields["variant"] is None:
        del fields["variant"]
    for name, value in fields.items():
        setattr(listing, name, value)
    listing.save()


def _create_once(model, **fields):
    """Insert a row keyed by a unique whatnot_id.

    A concurrent worker that inserted the same id first turns this attempt into
    a transient failure, so the retry compares against that row.
    """
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as exc:
        raise TransientWebhookError(
            f"{model.__name__} {fields['whatnot_id']} was created concurrently"
        ) from exc


# product/sold


def _sold_listing(seller, payload: dict) -> Listing | None:
    listings = Listing.objects.select_for_update().filter(seller=seller)
    listing_id = _optional_id(payload, "listing_id")
    if listing_id:
        return listings.filter(whatnot_id=listing_id).first()
    variant_id = _optional_id(payload, "product_variant_id")
    if variant_id:
        return listings.filter(variant__whatnot_id=variant_id).order_by("pk").first()
    product_id = _required_id(payload, "product_id")
    by_product = listings.filter(variant__product__whatnot_id=product_id)
    # A product with several variants has several listings; the event does not
    # say which one sold, so the first one that still has stock takes the sale.
    return (
        by_product.filter(quantity__gt=0).order_by("pk").first()
        or by_product.order_by("pk").first()
    )


def apply_product_sold(event: WebhookEvent, seller, payload) -> None:
    """Record the sale once and take the sold units off the listing's stock.

    The sale is unique per order and product, and the stock changes only when
    the sale is new, so a replayed or repeated event changes nothing. The price
    is the payload's price when it has one, otherwise the listing's price;
    order events later overwrite it with the order line's price.
    """
    if not isinstance(payload, dict):
        raise WebhookProcessingError("the payload is not a JSON object")
    order_id = _required_id(payload, "order_id")
    product_id = _required_id(payload, "product_id")
    quantity = _quantity(payload, "quantity", default=1)
    if quantity == 0:
        raise WebhookProcessingError("'quantity' is 0; a sale needs at least 1 unit")
    listing = _sold_listing(seller, payload)
    if listing is None:
        raise TransientWebhookError(
            f"no listing of product {product_id} is stored for seller {seller.pk} "
            "yet; its listing event may still be on its way"
        )
    # NOTE: when the order event was processed before this one, nothing
    # carries the order line's price over, so an auction sale keeps the
    # listing's starting price until the order is updated again.
    price, currency = _money(payload, "price")
    sale, created = Sale.objects.get_or_create(
        order_whatnot_id=order_id,
        product_whatnot_id=product_id,
        defaults={
            "seller": seller,
            "listing": listing,
            "order": Order.objects.filter(seller=seller, whatnot_id=order_id).first(),
            "listing_whatnot_id": listing.whatnot_id or "",
            "quantity": quantity,
            "price": price if price is not None else listing.price,
            "currency": currency or listing.currency,
            "sold_at": event.event_timestamp or event.received_at,
        },
    )
    if not created:
        _check_owner_of_sale(sale, seller)
        return
    listing.quantity = max(listing.quantity - quantity, 0)
    if listing.quantity == 0:
        listing.status = Listing.Status.SOLD_OUT
    listing.save(update_fields=["quantity", "status", "updated_at"])


def _check_owner_of_sale(sale: Sale, seller) -> None:
    if sale.seller_id != seller.pk:
        raise WebhookProcessingError(
            f"the sale of order {sale.order_whatnot_id} belongs to another seller"
        )


# order/created and order/updated


def _order_fields(payload: dict, remote_updated_at: datetime) -> dict:
    """Map an order payload to Order fields. Buyer details are never read."""
    fields: dict = {"remote_updated_at": remote_updated_at}
    if isinstance(payload.get("status"), str):
        fields["status"] = payload["status"][:32]
    currencies = []
    for key in ("subtotal", "shipping_price", "taxes", "total"):
        amount, currency = _money(payload, key)
        fields[key] = amount
        if currency:
            currencies.append(currency)
    if currencies:
        fields["currency"] = currencies[-1]
    channel = payload.get("sales_channel")
    if isinstance(channel, dict) and isinstance(channel.get("type"), str):
        fields["sales_channel"] = channel["type"][:32]
    if isinstance(payload.get("is_giveaway"), bool):
        fields["is_giveaway"] = payload["is_giveaway"]
    fields["remote_created_at"] = parse_timestamp(payload.get("created_at"))
    fields["cancelled_at"] = parse_timestamp(payload.get("cancelled_at"))
    return fields


def apply_order_event(event: WebhookEvent, seller, payload) -> None:
    """Create or update the order when the event is newer than the stored row,
    then attach the order's sales and give them the order lines' prices."""
    if not isinstance(payload, dict):
        raise WebhookProcessingError("the payload is not a JSON object")
    whatnot_id = _required_id(payload, "id")
    remote_updated_at = _remote_updated_at(payload, event)
    order = Order.objects.select_for_update().filter(whatnot_id=whatnot_id).first()
    _check_owner(order, seller, "order")
    if (
        order is not None
        and order.remote_updated_at is not None
        and remote_updated_at <= order.remote_updated_at
    ):
        return
    fields = _order_fields(payload, remote_updated_at)
    if order is None:
        order = _create_once(Order, seller=seller, whatnot_id=whatnot_id, **fields)
    else:
        for name, value in fields.items():
            setattr(order, name, value)
        order.save()
    sales = Sale.objects.filter(seller=seller, order_whatnot_id=whatnot_id)
    sales.filter(order__isnull=True).update(order=order)
    items = payload.get("items")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        price, currency = _money(item, "price")
        product_id = _optional_id(item, "product_id")
        if price is not None and product_id:
            sales.filter(product_whatnot_id=product_id).update(
                price=price, currency=currency or order.currency
            )


# bulk_operation/finished


def apply_bulk_operation_finished(event: WebhookEvent, seller, payload) -> None:
    """Hand the finished bulk operation to the bulk-export task after commit."""
    if not isinstance(payload, dict):
        raise WebhookProcessingError("the payload is not a JSON object")
    operation_id = _required_id(payload, "id")
    # Imported here because whatnot.tasks imports this module's callers.
    from whatnot.tasks.bulk import follow_bulk_operation_task

    transaction.on_commit(
        partial(follow_bulk_operation_task.delay, seller.pk, operation_id)
    )
