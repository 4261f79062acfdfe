"""Whatnot product categories a seller can list in.

The categories come from Whatnot's published product taxonomy (a JSON file of
``{"version", "categories": [{"id", "type", "label", "parent_id",
"allows_inventory"}]}``). When the project holds a copy at TAXONOMY_PATH, it is
read from there; otherwise the fashion subset below, taken from taxonomy 1.1.4,
is used. Only categories with ``allows_inventory`` can hold a listing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

TAXONOMY_PATH = Path("whatnot") / "data" / "taxonomy.json"

# Whatnot product taxonomy 1.1.4, the men's and women's fashion branches.
FASHION_SUBSET = {
    "version": "1.1.4",
    "categories": [
        {
            "id": 654,
            "label": "Men's Fashion",
            "parent_id": None,
            "allows_inventory": False,
        },
        {
            "id": 16,
            "label": "Men's Vintage Clothing",
            "parent_id": 654,
            "allows_inventory": True,
        },
        {
            "id": 270,
            "label": "Men's Modern",
            "parent_id": 654,
            "allows_inventory": True,
        },
        {
            "id": 655,
            "label": "Other Men's Fashion",
            "parent_id": 654,
            "allows_inventory": True,
        },
        {
            "id": 2494,
            "label": "Men's Formalwear",
            "parent_id": 654,
            "allows_inventory": True,
        },
        {
            "id": 656,
            "label": "Women's Fashion",
            "parent_id": None,
            "allows_inventory": False,
        },
        {
            "id": 657,
            "label": "Women's Vintage Clothing",
            "parent_id": 656,
            "allows_inventory": False,
        },
        {
            "id": 658,
            "label": "Y2K",
            "parent_id": 657,
            "allows_inventory": True,
        },
        {
            "id": 659,
            "label": "Women's True Vintage",
            "parent_id": 657,
            "allows_inventory": True,
        },
        {
            "id": 146,
            "label": "Women's Contemporary",
            "parent_id": 656,
            "allows_inventory": True,
        },
        {
            "id": 147,
            "label": "Other Women's Fashion",
            "parent_id": 656,
            "allows_inventory": True,
        },
    ],
}


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    path: str


def parse_taxonomy(document: dict) -> tuple[Category, ...]:
    """Return the categories that allow inventory, with their breadcrumb paths,
    sorted by path."""
    nodes = {node["id"]: node for node in document["categories"]}

    def breadcrumb(node: dict) -> str:
        labels = []
        seen = set()
        while node is not None and node["id"] not in seen:
            seen.add(node["id"])
            labels.append(node["label"])
            node = nodes.get(node.get("parent_id"))
        return " > ".join(reversed(labels))

    listable = [
        Category(id=str(node["id"]), label=node["label"], path=breadcrumb(node))
        for node in nodes.values()
        if node.get("allows_inventory")
    ]
    return tuple(sorted(listable, key=lambda category: category.path))


@cache
def listable_categories() -> tuple[Category, ...]:
    path = Path(settings.BASE_DIR) / TAXONOMY_PATH
    if path.exists():
        return parse_taxonomy(json.loads(path.read_text(encoding="utf-8")))
    return parse_taxonomy(FASHION_SUBSET)


def category_choices() -> list[tuple[str, str]]:
    return [(category.id, category.path) for category in listable_categories()]


def category_path(category_id: str) -> str:
    """Return the breadcrumb of a category id, or the id itself when the
    taxonomy does not list it."""
    for category in listable_categories():
        if category.id == category_id:
            return category.path
    return category_id
