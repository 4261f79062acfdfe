"""The Seller API schema and the GraphQL operations selvedge sends.

Each operation is one ``.graphql`` file in ``operations/``. Fragments that
several operations share live in ``operations/fragments.graphql``; an operation
gets only the fragments it spreads, because GraphQL rejects a document with an
unused fragment.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    build_schema,
    parse,
    visit,
)

OPERATIONS_DIR = Path(__file__).resolve().parent / "operations"
FRAGMENTS_FILE = "fragments.graphql"


def schema_path() -> Path:
    return Path(settings.BASE_DIR) / "whatnot" / "graphql" / "schema.graphql"


@cache
def load_schema_text() -> str:
    return schema_path().read_text()


@cache
def load_schema() -> GraphQLSchema:
    return build_schema(load_schema_text())


def operation_names() -> list[str]:
    """Return the name of every operation file, without the suffix."""
    return sorted(
        path.stem
        for path in OPERATIONS_DIR.glob("*.graphql")
        if path.name != FRAGMENTS_FILE
    )


@cache
def load_document(name: str) -> DocumentNode:
    """Parse operation ``name`` and append the shared fragments it uses."""
    path = OPERATIONS_DIR / f"{name}.graphql"
    if not path.is_file():
        raise KeyError(f"no GraphQL operation named {name!r} in {OPERATIONS_DIR}")
    document = parse(path.read_text())
    shared = _shared_fragments()
    local = {
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    needed: list[str] = []
    pending = list(_spread_names(document) - local)
    while pending:
        fragment_name = pending.pop()
        if fragment_name in needed or fragment_name not in shared:
            continue
        needed.append(fragment_name)
        pending.extend(_spread_names(shared[fragment_name]) - local)
    definitions = [*document.definitions, *(shared[name] for name in sorted(needed))]
    return DocumentNode(definitions=tuple(definitions))


@cache
def operation_name(name: str) -> str:
    """Return the GraphQL operation name in file ``name``, e.g. ListingsPage."""
    for definition in load_document(name).definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    raise KeyError(f"operation file {name!r} defines no named operation")


@cache
def _shared_fragments() -> dict[str, FragmentDefinitionNode]:
    document = parse((OPERATIONS_DIR / FRAGMENTS_FILE).read_text())
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *args) -> None:
        self.names.add(node.name.value)


def _spread_names(node) -> set[str]:
    collector = _SpreadCollector()
    visit(node, collector)
    return collector.names
