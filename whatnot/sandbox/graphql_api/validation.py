"""Input checks for mutations. Each problem becomes a userError naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from .. import taxonomy
from ..values import InvalidGlobalId, parse_global_id, parse_timestamp

MAX_TEXT_LENGTH = 1000
MAX_QUANTITY = 10_000
COURIERS = ("USPS", "UPS", "FEDEX")


class UserErrors:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, path: list | None, message: str) -> None:
        """Record a problem; path None means no single field is at fault."""
        field = None if path is None else [str(part) for part in path]
        self.items.append({"field": field, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)

    def payload(self, **empty_fields) -> dict:
        return {**dict.fromkeys(empty_fields), "userErrors": self.items}


def decode_id(errors: UserErrors, path: list, value, type_name: str) -> int | None:
    if value is None:
        return None
    try:
        return parse_global_id(value, type_name)[1]
    except InvalidGlobalId as exc:
        errors.add(path, f"{exc}.")
        return None


def check_text(errors: UserErrors, path: list, value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        errors.add(path, f"{label} can't be blank.")
    elif len(text) >= MAX_TEXT_LENGTH:
        errors.add(
            path,
            f"{label} must be under {MAX_TEXT_LENGTH} characters (got {len(text)}).",
        )
    return text


def check_category(errors: UserErrors, path: list, category: dict) -> int | None:
    taxonomy_id, category_id = category.get("taxonomyId"), category.get("categoryId")
    if (taxonomy_id is None) == (category_id is None):
        errors.add(path, "Give exactly one of taxonomyId and categoryId.")
        return None
    if taxonomy_id is not None:
        node_id = decode_id(
            errors, [*path, "taxonomyId"], taxonomy_id, "ProductTaxonomyNode"
        )
        field_path = [*path, "taxonomyId"]
    else:
        field_path = [*path, "categoryId"]
        node_id = number_or_global_id(errors, field_path, category_id)
    if node_id is None:
        return None
    node = taxonomy.NODES.get(node_id)
    if node is None:
        known = ", ".join(str(key) for key in sorted(taxonomy.NODES))
        errors.add(
            field_path,
            f"Unknown taxonomy node {node_id}; productTaxonomyNodes lists the valid "
            f"ones ({known}).",
        )
        return None
    if not node.available:
        errors.add(
            field_path,
            f"Taxonomy node {node_id} ({node.name}) takes no listings; pick one of its "
            f"children, e.g. {taxonomy.DEFAULT_NODE_ID}.",
        )
        return None
    return node_id


def number_or_global_id(errors: UserErrors, path: list, value: str) -> int | None:
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return decode_id(errors, path, text, "ProductTaxonomyNode")


def check_money(
    errors: UserErrors, path: list, money: dict, currency: str
) -> int | None:
    amount = money.get("amount")
    code = (money.get("currencyCode") or "").upper()
    valid = True
    if amount is None or amount <= 0:
        errors.add(
            [*path, "amount"],
            f"The amount must be greater than 0, in cents (got {amount}).",
        )
        valid = False
    if code != currency:
        errors.add(
            [*path, "currencyCode"],
            f"The currency must be {currency}, the store's currency "
            f"(got {money.get('currencyCode')!r}).",
        )
        valid = False
    return amount if valid else None


def check_quantity(errors: UserErrors, path: list, quantity: int) -> None:
    if quantity < 0:
        errors.add(path, f"The quantity can't be negative (got {quantity}).")
    elif quantity > MAX_QUANTITY:
        errors.add(
            path, f"The quantity must be at most {MAX_QUANTITY} (got {quantity})."
        )


def check_listing(
    errors: UserErrors, path: list, listing: dict, *, creating: bool, currency: str
) -> dict:
    """Check a ListingInput; return the listing columns it sets."""
    buy_it_now, auction = listing.get("buyItNow"), listing.get("auction")
    changes: dict = {}
    if buy_it_now is not None and auction is not None:
        errors.add([*path, "auction"], "Give either buyItNow or auction, not both.")
    elif creating and buy_it_now is None and auction is None:
        errors.add([*path, "buyItNow"], "Give buyItNow or auction to set the price.")
    if buy_it_now is not None:
        cents = check_money(
            errors, [*path, "buyItNow", "price"], buy_it_now["price"], currency
        )
        changes.update(
            kind="BUY_IT_NOW", price_cents=cents, end_time=None, sudden_death=None
        )
        if buy_it_now.get("offerable") is not None:
            changes["offerable"] = bool(buy_it_now["offerable"])
    if auction is not None:
        cents = check_money(
            errors,
            [*path, "auction", "startingPrice"],
            auction["startingPrice"],
            currency,
        )
        end_time = auction["endTime"]
        if parse_timestamp(end_time) <= datetime.now(UTC):
            errors.add(
                [*path, "auction", "endTime"],
                f"The auction must end in the future (got {end_time}).",
            )
        changes.update(
            kind="AUCTION",
            price_cents=cents,
            end_time=end_time,
            sudden_death=bool(auction.get("suddenDeathEnabled")),
            offerable=False,
        )
    quantity = listing["inventoryLevel"]["quantity"]
    check_quantity(errors, [*path, "inventoryLevel", "quantity"], quantity)
    changes["quantity"] = quantity
    if listing.get("published") is not None:
        changes["published"] = bool(listing["published"])
        if listing["published"] and quantity == 0:
            errors.add(
                [*path, "published"], "A listing with quantity 0 can't be published."
            )
    return changes


def check_attributes(errors: UserErrors, path: list, attributes: list | None) -> list:
    checked = []
    for index, item in enumerate(attributes or []):
        item_path = [*path, index]
        pk = decode_id(errors, [*item_path, "id"], item["id"], "ProductAttribute")
        if pk is None:
            continue
        attribute = taxonomy.ATTRIBUTES.get(pk)
        if attribute is None:
            errors.add(
                [*item_path, "id"],
                f"Unknown product attribute {pk}; see productAttributes.",
            )
            continue
        value = item["value"].strip()
        if attribute.options and value not in attribute.options:
            errors.add(
                [*item_path, "value"],
                f"{attribute.name} must be one of {', '.join(attribute.options)} "
                f"(got {value!r}).",
            )
            continue
        checked.append({"id": item["id"], "name": attribute.name, "value": value})
    return checked


def check_media(errors: UserErrors, path: list, media: list | None) -> list[dict]:
    checked = []
    for index, item in enumerate(media or []):
        source = (item.get("source") or "").strip()
        parts = urlsplit(source)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.add(
                [*path, index, "source"],
                f"The image source must be an http(s) URL (got {source!r}).",
            )
            continue
        checked.append({"source": source, "alt": item.get("alt")})
    return checked


def check_options(errors: UserErrors, path: list, options: list | None) -> list[dict]:
    checked = []
    for index, option in enumerate(options or []):
        name, value = option["name"].strip(), option["value"].strip()
        if not name:
            errors.add([*path, index, "name"], "The option name can't be blank.")
        if not value:
            errors.add([*path, index, "value"], "The option value can't be blank.")
        checked.append({"name": name, "value": value})
    return checked


def check_product_fields(errors: UserErrors, product: dict) -> dict:
    """Check the product-level fields of a ProductInput; return its columns."""
    path = ["input"]
    columns = {
        "title": check_text(errors, [*path, "title"], product["title"], "Title"),
        "description": check_text(
            errors, [*path, "description"], product["description"], "Description"
        ),
        "taxonomy_node_id": check_category(
            errors, [*path, "productCategory"], product["productCategory"]
        ),
        "attributes": check_attributes(
            errors, [*path, "attributes"], product.get("attributes")
        ),
        "external_id": product.get("externalId"),
        "hazardous_material": product.get("hazardousMaterial"),
        "weight": product.get("weight"),
        "weight_unit": product.get("weightUnit"),
    }
    weight = product.get("weight")
    if weight is not None and weight <= 0:
        errors.add(
            [*path, "weight"], f"The weight must be greater than 0 (got {weight})."
        )
    dimensions = product.get("dimensions")
    if dimensions is not None:
        for name in ("length", "width", "height"):
            if dimensions[name] <= 0:
                errors.add(
                    [*path, "dimensions", name],
                    f"The {name} must be greater than 0 (got {dimensions[name]}).",
                )
        if weight is None or product.get("weightUnit") is None:
            errors.add(
                [*path, "dimensions"], "Dimensions need a weight and a weightUnit."
            )
    external_id = product.get("externalId")
    if external_id is not None and len(external_id) > 255:
        errors.add(
            [*path, "externalId"], "The externalId must be at most 255 characters."
        )
    return columns


def check_courier(errors: UserErrors, path: list, courier: str) -> str:
    name = courier.strip().upper()
    if name not in COURIERS:
        errors.add(
            path, f"The courier must be one of {', '.join(COURIERS)} (got {courier!r})."
        )
    return name
