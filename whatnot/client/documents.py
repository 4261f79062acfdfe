"""The Seller API schema and the GraphQL operations selvedge sends.

Each operation is one self-contained ``.graphql`` file in ``operations/``, so
that every file validates on its own. A fragment that several operations use
(ListingFields, MoneyFields) is repeated in each of them; a test checks that
the copies stay identical.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from graphql import (
    DocumentNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
)

OPERATIONS_DIR = Path(__file__).resolve().parent / "operations"


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
    return sorted(path.stem for path in OPERATIONS_DIR.glob("*.graphql"))


@cache
def load_document(name: str) -> DocumentNode:
    """Parse the operation file ``operations/<name>.graphql``."""
    path = OPERATIONS_DIR / f"{name}.graphql"
    if not path.is_file():
        raise KeyError(f"no GraphQL operation named {name!r} in {OPERATIONS_DIR}")
    return parse(path.read_text())


@cache
def operation_name(name: str) -> str:
    """Return the GraphQL operation name in file ``name``, e.g. ListingsPage."""
    for definition in load_document(name).definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    raise KeyError(f"operation file {name!r} defines no named operation")
