"""Whatnot product categories a seller can list in.

The categories are the fashion branch of Whatnot's published product taxonomy
(version 1.1.4) that the sandbox serves, so a listing that passes the form
uses a category the Seller API accepts. Only nodes marked available can hold
a listing.

Listings store a category as Whatnot's taxonomy id, the base64 of
"ProductTaxonomyNode:<number>", which is what the Seller API returns for a
product's productTaxonomyNode and expects in ProductCategoryInput.taxonomyId.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache

from .sandbox.taxonomy import NODES, breadcrumb

NODE_TYPE = "ProductTaxonomyNode"


@dataclass(frozen=True)
class Category:
    id: str
    number: int
    label: str
    path: str


def taxonomy_id(number: int) -> str:
    """Return Whatnot's taxonomy id for a category number."""
    return base64.b64encode(f"{NODE_TYPE}:{number}".encode()).decode()


def category_number(value: str) -> int | None:
    """Return the category number in a taxonomy id or a plain number, or None
    when the value is neither."""
    value = (value or "").strip()
    if value.isdigit():
        return int(value)
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except ValueError:
        # binascii.Error for bad base64, UnicodeDecodeError for bytes that are
        # not UTF-8, and plain ValueError for non-ASCII input are all
        # ValueErrors.
        return None
    type_name, _, number = decoded.partition(":")
    if type_name != NODE_TYPE or not number.isdigit():
        return None
    return int(number)


@cache
def listable_categories() -> tuple[Category, ...]:
    """Return the categories that accept listings, sorted by breadcrumb."""
    categories = [
        Category(
            id=taxonomy_id(node.id),
            number=node.id,
            label=node.name,
            path=breadcrumb(node.id),
        )
        for node in NODES.values()
        if node.available
    ]
    return tuple(sorted(categories, key=lambda category: category.path))


def category_choices() -> list[tuple[str, str]]:
    return [(category.id, category.path) for category in listable_categories()]


def find_category(value: str) -> Category | None:
    """Return the listable category a taxonomy id or number names, or None."""
    number = category_number(value)
    for category in listable_categories():
        if category.number == number:
            return category
    return None


def category_path(value: str) -> str:
    """Return the breadcrumb of a category, or the value itself when the
    taxonomy does not list it."""
    category = find_category(value)
    return category.path if category else value


def listing_taxonomy_id(listing) -> str:
    """Return a listing's taxonomy id, falling back to its product's, because a
    sync stores the category on the product."""
    if listing.taxonomy_node_id:
        return listing.taxonomy_node_id
    variant = listing.variant
    if variant is not None and variant.product_id:
        return variant.product.taxonomy_node_id
    return ""
