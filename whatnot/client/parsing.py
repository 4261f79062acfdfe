"""Turn Seller API JSON into the dataclasses of ``types``.

Every parser raises ResponseFormatError naming the path of the bad value, so a
page with one broken listing can skip that listing and keep the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from .errors import PaginationError, ResponseFormatError
from .types import (
    ListingPage,
    Money,
    OrderPage,
    RemoteListing,
    RemoteOrder,
    RemoteOrderItem,
    RemoteProduct,
    RemoteUser,
    RemoteVariant,
)

CENTS = Decimal("0.01")

LISTING_KINDS = {
    "BuyItNowListing": "BUY_IT_NOW",
    "AuctionListing": "AUCTION",
    "GiveawayListing": "GIVEAWAY",
}


def parse_money(value, path: str) -> Money | None:
    """Convert ``{amount: <integer cents>, currency}`` to Decimal major units.

    NOTE: dividing by 100 assumes a currency with two decimal places, which
    holds for the currencies Whatnot sells in (USD, CAD, GBP, EUR, AUD).
    """
    if value is None:
        return None
    amount = _required(value, "amount", path)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ResponseFormatError(
            f"{path}.amount: expected an integer number of cents, got {amount!r}"
        )
    currency = _required(value, "currency", path)
    if not isinstance(currency, str) or len(currency) != 3:
        raise ResponseFormatError(
            f"{path}.currency: expected a three-letter ISO 4217 code, got {currency!r}"
        )
    return Money(amount=(Decimal(amount) / 100).quantize(CENTS), currency=currency)


def parse_datetime(value, path: str) -> datetime:
    """Parse an ISO 8601 timestamp; one without an offset is taken as UTC."""
    if not isinstance(value, str):
        raise ResponseFormatError(f"{path}: expected an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ResponseFormatError(
            f"{path}: {value!r} is not an ISO 8601 timestamp"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_listing(node, path: str = "listing") -> RemoteListing:
    if not isinstance(node, dict):
        raise ResponseFormatError(f"{path}: expected an object, got {node!r}")
    typename = _required(node, "__typename", path)
    kind = LISTING_KINDS.get(typename)
    if kind is None:
        raise ResponseFormatError(
            f"{path}.__typename: unknown listing type {typename!r}"
        )
    price_key = "startingPrice" if kind == "AUCTION" else "price"
    inventory = _required(node, "inventoryLevel", path)
    quantity = _required(inventory, "quantity", f"{path}.inventoryLevel")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ResponseFormatError(
            f"{path}.inventoryLevel.quantity: expected a whole number of 0 or "
            f"more, got {quantity!r}"
        )
    return RemoteListing(
        id=_string_id(_required(node, "id", path), f"{path}.id"),
        kind=kind,
        title=node.get("title") or "",
        description=node.get("description") or "",
        published=bool(_required(node, "published", path)),
        status=node.get("status") or "",
        quantity=quantity,
        url=node.get("url") or "",
        price=parse_money(node.get(price_key), f"{path}.{price_key}"),
        offerable=bool(node.get("offerable") or False),
        created_at=parse_datetime(
            _required(node, "createdAt", path), f"{path}.createdAt"
        ),
        updated_at=parse_datetime(
            _required(node, "updatedAt", path), f"{path}.updatedAt"
        ),
        variant=_parse_variant(node.get("productVariant"), f"{path}.productVariant"),
        raw=node,
    )


def parse_listing_page(data) -> ListingPage:
    """Parse ``data.listings``; nodes that fail to parse land in ``invalid``."""
    connection = _required(data, "listings", "data")
    if connection is None:
        raise ResponseFormatError("data.listings: missing")
    listings, invalid = [], []
    for index, edge in enumerate(_required(connection, "edges", "listings")):
        path = f"listings.edges[{index}].node"
        node = edge.get("node") if isinstance(edge, dict) else None
        try:
            listings.append(parse_listing(node, path))
        except ResponseFormatError as exc:
            node_id = node.get("id") if isinstance(node, dict) else None
            invalid.append((str(node_id or ""), str(exc)))
    has_next, end_cursor = _page_info(connection, "listings")
    return ListingPage(listings, has_next, end_cursor, invalid)


def parse_user(data) -> RemoteUser:
    user = _required(data, "me", "data")
    if user is None:
        raise ResponseFormatError("data.me: the token belongs to no user")
    return RemoteUser(
        id=_string_id(_required(user, "id", "me"), "me.id"),
        username=user.get("username") or "",
        display_name=user.get("displayName") or "",
        currency_code=user.get("currencyCode") or "",
        country_code=user.get("countryCode") or "",
    )


def parse_order(node, path: str = "order") -> RemoteOrder:
    if not isinstance(node, dict):
        raise ResponseFormatError(f"{path}: expected an object, got {node!r}")
    channel = node.get("salesChannel") or {}
    items = []
    item_edges = (node.get("items") or {}).get("edges") or []
    for index, edge in enumerate(item_edges):
        item_path = f"{path}.items.edges[{index}].node"
        items.append(_parse_order_item(_required(edge, "node", item_path), item_path))
    cancelled_at = node.get("cancelledAt")
    return RemoteOrder(
        id=_string_id(_required(node, "id", path), f"{path}.id"),
        status=node.get("status") or "",
        is_giveaway=bool(node.get("isGiveaway") or False),
        sales_channel=channel.get("type") or "",
        subtotal=parse_money(node.get("subtotal"), f"{path}.subtotal"),
        shipping_price=parse_money(node.get("shippingPrice"), f"{path}.shippingPrice"),
        taxes=parse_money(node.get("taxation"), f"{path}.taxation"),
        total=parse_money(node.get("total"), f"{path}.total"),
        created_at=parse_datetime(
            _required(node, "createdAt", path), f"{path}.createdAt"
        ),
        updated_at=parse_datetime(
            _required(node, "updatedAt", path), f"{path}.updatedAt"
        ),
        cancelled_at=(
            parse_datetime(cancelled_at, f"{path}.cancelledAt")
            if cancelled_at
            else None
        ),
        items=tuple(items),
    )


def parse_order_page(data) -> OrderPage:
    connection = _required(data, "orders", "data")
    if connection is None:
        raise ResponseFormatError("data.orders: missing")
    orders, invalid = [], []
    for index, edge in enumerate(_required(connection, "edges", "orders")):
        path = f"orders.edges[{index}].node"
        node = edge.get("node") if isinstance(edge, dict) else None
        try:
            orders.append(parse_order(node, path))
        except ResponseFormatError as exc:
            node_id = node.get("id") if isinstance(node, dict) else None
            invalid.append((str(node_id or ""), str(exc)))
    has_next, end_cursor = _page_info(connection, "orders")
    return OrderPage(orders, has_next, end_cursor, invalid)


def check_next_cursor(
    name: str, has_next_page: bool, end_cursor: str | None, previous: str | None
) -> None:
    """Raise PaginationError when a page claims a next page but gives no new
    cursor, which would otherwise request the same page forever."""
    if has_next_page and (not end_cursor or end_cursor == previous):
        raise PaginationError(
            f"Whatnot's {name} page after cursor {previous!r} reports a next page "
            f"but its endCursor is {end_cursor!r}; stopping instead of requesting "
            "the same page again"
        )


def listing_from_payload(data, operation: str, path: tuple[str, ...]) -> RemoteListing:
    """Follow ``path`` (e.g. ``("listingUpdate", "listing")``) to a listing."""
    node = data
    for key in path:
        node = _required(node, key, operation)
    if node is None:
        raise ResponseFormatError(f"{operation}: {'.'.join(path)} is null")
    return parse_listing(node, ".".join(path))


def _parse_variant(node, path: str) -> RemoteVariant | None:
    if node is None:
        return None
    options = tuple(
        (str(option.get("name") or ""), str(option.get("value") or ""))
        for option in node.get("options") or ()
    )
    return RemoteVariant(
        id=_string_id(_required(node, "id", path), f"{path}.id"),
        sku=node.get("sku") or "",
        options=options,
        product=_parse_product(node.get("product"), f"{path}.product"),
    )


def _parse_product(node, path: str) -> RemoteProduct | None:
    if node is None:
        return None
    taxonomy = node.get("productTaxonomyNode") or {}
    created_at = node.get("createdAt")
    updated_at = node.get("updatedAt")
    return RemoteProduct(
        id=_string_id(_required(node, "id", path), f"{path}.id"),
        title=node.get("title") or "",
        description=node.get("description") or "",
        external_id=node.get("externalId") or "",
        taxonomy_node_id=str(taxonomy.get("id") or ""),
        created_at=parse_datetime(created_at, f"{path}.createdAt")
        if created_at
        else None,
        updated_at=parse_datetime(updated_at, f"{path}.updatedAt")
        if updated_at
        else None,
    )


def _parse_order_item(node, path: str) -> RemoteOrderItem:
    quantity = node.get("quantity")
    if quantity is None:
        quantity = 1
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ResponseFormatError(
            f"{path}.quantity: expected a whole number, got {quantity!r}"
        )
    return RemoteOrderItem(
        id=_string_id(_required(node, "id", path), f"{path}.id"),
        quantity=quantity,
        price=parse_money(node.get("price"), f"{path}.price"),
        product_id=str((node.get("product") or {}).get("id") or ""),
        listing_id=str((node.get("listing") or {}).get("id") or ""),
    )


def _page_info(connection, name: str) -> tuple[bool, str | None]:
    info = _required(connection, "pageInfo", name)
    has_next = _required(info, "hasNextPage", f"{name}.pageInfo")
    end_cursor = info.get("endCursor")
    return bool(has_next), (str(end_cursor) if end_cursor is not None else None)


def _required(node, key: str, path: str):
    if not isinstance(node, dict):
        raise ResponseFormatError(f"{path}: expected an object, got {node!r}")
    if key not in node:
        raise ResponseFormatError(f"{path}.{key}: missing")
    return node[key]


def _string_id(value, path: str) -> str:
    if value is None or value == "":
        raise ResponseFormatError(f"{path}: missing id")
    return str(value)
