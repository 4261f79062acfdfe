"""The small part of Whatnot's product taxonomy that vintage denim uses.

Node ids, names and parents are those of Whatnot's published taxonomy (version
1.1.4, the fashion branch). The product attributes are the sandbox's own: Whatnot
attaches attributes to taxonomy nodes, but their real ids and options are not
published.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TaxonomyNode:
    id: int
    name: str
    parent_id: int | None
    available: bool


@dataclass(frozen=True)
class Attribute:
    id: int
    name: str
    value_type: str
    options: tuple[str, ...] = field(default=())
    required: bool = False


NODES = {
    node.id: node
    for node in (
        TaxonomyNode(654, "Men's Fashion", None, False),
        TaxonomyNode(16, "Men's Vintage Clothing", 654, True),
        TaxonomyNode(270, "Men's Modern", 654, True),
        TaxonomyNode(655, "Other Men's Fashion", 654, True),
        TaxonomyNode(656, "Women's Fashion", None, False),
        TaxonomyNode(657, "Women's Vintage Clothing", 656, False),
        TaxonomyNode(658, "Y2K", 657, True),
        TaxonomyNode(659, "Women's True Vintage", 657, True),
        TaxonomyNode(146, "Women's Contemporary", 656, True),
    )
}

CONDITIONS = (
    "New with tags",
    "New without tags",
    "Excellent",
    "Very good",
    "Good",
    "Fair",
)
ERAS = ("1950s", "1960s", "1970s", "1980s", "1990s", "2000s", "2010s", "2020s")
COUNTRIES = ("USA", "Mexico", "Japan", "Italy", "Turkey", "Other")

ATTRIBUTES = {
    attribute.id: attribute
    for attribute in (
        Attribute(1, "Brand", "string", required=True),
        Attribute(2, "Condition", "enum", CONDITIONS, required=True),
        Attribute(3, "Era", "enum", ERAS),
        Attribute(4, "Country of manufacture", "enum", COUNTRIES),
        Attribute(5, "Waist (in)", "string"),
        Attribute(6, "Inseam (in)", "string"),
        Attribute(7, "Selvedge", "boolean", ("true", "false")),
    )
}

DEFAULT_NODE_ID = 16


def children(node_id: int) -> list[TaxonomyNode]:
    return [node for node in NODES.values() if node.parent_id == node_id]


def is_leaf(node_id: int) -> bool:
    return not children(node_id)


def attributes_for(node_id: int) -> list[Attribute]:
    """Every listable fashion node takes the denim attributes."""
    node = NODES.get(node_id)
    if node is None or not node.available:
        return []
    return list(ATTRIBUTES.values())


def breadcrumb(node_id: int) -> str:
    names = []
    node = NODES.get(node_id)
    while node is not None:
        names.append(node.name)
        node = NODES.get(node.parent_id) if node.parent_id else None
    return " > ".join(reversed(names))


def taxonomy_text() -> str:
    """The public taxonomy file's format: one "<id> - A > B" line per node."""
    lines = [f"{node_id} - {breadcrumb(node_id)}" for node_id in sorted(NODES)]
    return "\n".join(lines) + "\n"
