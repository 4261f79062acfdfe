"""Typed Seller API results. Money is Decimal in major units, times are aware
datetimes in UTC and every Whatnot id is a string."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class RemoteProduct:
    id: str
    title: str
    description: str
    external_id: str
    taxonomy_node_id: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class RemoteVariant:
    id: str
    sku: str
    options: tuple[tuple[str, str], ...]
    product: RemoteProduct | None


@dataclass(frozen=True)
class RemoteListing:
    """A listing as Whatnot returns it.

    ``kind`` is BUY_IT_NOW, AUCTION or GIVEAWAY. ``price`` is the buy-it-now
    price or the auction's starting price, and None for a giveaway.
    """

    id: str
    kind: str
    title: str
    description: str
    published: bool
    status: str
    quantity: int
    url: str
    price: Money | None
    offerable: bool
    created_at: datetime
    updated_at: datetime
    variant: RemoteVariant | None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def product(self) -> RemoteProduct | None:
        return self.variant.product if self.variant else None

    def snapshot(self) -> dict:
        """Return the JSON form kept on a listing in conflict."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "published": self.published,
            "status": self.status,
            "quantity": self.quantity,
            "price": str(self.price.amount) if self.price else None,
            "currency": self.price.currency if self.price else None,
            "offerable": self.offerable,
            "url": self.url,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class ListingPage:
    listings: list[RemoteListing]
    has_next_page: bool
    end_cursor: str | None
    # Nodes that could not be parsed, as (Whatnot id or "", reason).
    invalid: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RemoteUser:
    id: str
    username: str
    display_name: str
    currency_code: str
    country_code: str


@dataclass(frozen=True)
class RemoteOrderItem:
    id: str
    quantity: int
    price: Money | None
    product_id: str
    listing_id: str


@dataclass(frozen=True)
class RemoteOrder:
    id: str
    status: str
    is_giveaway: bool
    sales_channel: str
    subtotal: Money | None
    shipping_price: Money | None
    taxes: Money | None
    total: Money | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    items: tuple[RemoteOrderItem, ...]


@dataclass(frozen=True)
class OrderPage:
    orders: list[RemoteOrder]
    has_next_page: bool
    end_cursor: str | None
    invalid: list[tuple[str, str]] = field(default_factory=list)
