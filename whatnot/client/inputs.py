"""Variables for the Seller API mutations, built from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class ListingDraft:
    """What productCreate needs for a product with one variant and its
    buy-it-now listing. ``external_id`` lets a retried create find the product
    an interrupted attempt made."""

    external_id: str
    title: str
    description: str
    taxonomy_node_id: str
    price: Decimal
    currency: str
    quantity: int
    sku: str = ""
    offerable: bool = False


def money_input(amount: Decimal, currency: str) -> dict:
    """Return a MoneyInput: the amount in integer cents, which must be > 0."""
    cents = int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if cents <= 0:
        raise ValueError(f"price {amount} {currency} must be more than zero")
    return {"amount": cents, "currencyCode": currency}


def product_create_variables(draft: ListingDraft) -> dict:
    listing = {
        "buyItNow": {
            "price": money_input(draft.price, draft.currency),
            "offerable": draft.offerable,
        },
        "inventoryLevel": {"quantity": draft.quantity},
        "published": False,
    }
    variant: dict = {"listings": [listing]}
    if draft.sku:
        variant["sku"] = draft.sku
    return {
        "input": {
            "title": draft.title,
            "description": draft.description,
            "productCategory": {"taxonomyId": draft.taxonomy_node_id},
            "externalId": draft.external_id,
            "offerable": draft.offerable,
            "variants": [variant],
        },
        # NOTE: selvedge pushes no images; productCreate requires the list.
        "media": [],
    }


def listing_update_variables(
    listing_id: str,
    *,
    quantity: int,
    price: Decimal | None = None,
    currency: str = "USD",
    offerable: bool | None = None,
) -> dict:
    """ListingInput for listingUpdate. inventoryLevel is non-null in the
    schema, so the quantity is always sent."""
    listing: dict = {"id": listing_id, "inventoryLevel": {"quantity": quantity}}
    if price is not None:
        buy_it_now: dict = {"price": money_input(price, currency)}
        if offerable is not None:
            buy_it_now["offerable"] = offerable
        listing["buyItNow"] = buy_it_now
    return {"input": listing}


def product_update_variables(
    product_id: str, *, title: str, description: str, taxonomy_node_id: str
) -> dict:
    """ProductInput for productUpdate; title, description and productCategory
    are non-null in the schema, so all three are sent."""
    return {
        "input": {
            "id": product_id,
            "title": title,
            "description": description,
            "productCategory": {"taxonomyId": taxonomy_node_id},
        }
    }
