"""Whatnot product categories a seller can list in.

The categories are the fashion branch of Whatnot's published product taxonomy
(version 1.1.4) that the sandbox serves, so a listing that passes the form
uses a category the Seller API accepts. Only nodes marked available can hold
a listing. A category's id is the Seller API's global id,
base64("ProductTaxonomyNode:<number>"), because that is what a synced product
carries and what productCreate's taxonomyId takes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache

from .sandbox.taxonomy import NODES, breadcrumb


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    path: str


@cache
def listable_categories() -> tuple[Category, ...]:
    """Return the categories that accept listings, sorted by breadcrumb."""
    categories = [
        Category(
            id=taxonomy_global_id(node.id), label=node.name, path=breadcrumb(node.id)
        )
        for node in NODES.values()
        if node.available
    ]
    return tuple(sorted(categories, key=lambda category: category.path))


def taxonomy_global_id(number: int) -> str:
    return base64.b64encode(f"ProductTaxonomyNode:{number}".encode()).decode()


def category_choices() -> list[tuple[str, str]]:
    return [(category.id, category.path) for category in listable_categories()]


def category_path(category_id: str) -> str:
    """Return the breadcrumb of a category id, or the id itself when the
    taxonomy does not list it."""
    for category in listable_categories():
        if category.id == category_id:
            return category.path
    return category_id
