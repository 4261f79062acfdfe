"""The executable schema: whatnot/graphql/schema.graphql with resolvers bound."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from graphql import (
    GraphQLError,
    GraphQLSchema,
    StringValueNode,
    build_schema,
)

from ..values import format_timestamp, normalize_timestamp
from .fields import FIELD_RESOLVERS
from .listing_mutations import LISTING_MUTATIONS
from .order_mutations import ORDER_MUTATIONS
from .product_mutations import PRODUCT_MUTATIONS
from .queries import QUERY_RESOLVERS

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


def serialize_datetime(value):
    if isinstance(value, datetime):
        return format_timestamp(value)
    return str(value)


def parse_datetime(value):
    if not isinstance(value, str):
        raise TypeError(f"DateTime must be an ISO 8601 string, got {value!r}")
    try:
        return normalize_timestamp(value)
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is not an ISO 8601 timestamp with an offset, "
            "e.g. 2026-03-12T09:15:00Z"
        ) from exc


def parse_datetime_literal(node, _variables=None):
    if not isinstance(node, StringValueNode):
        raise TypeError("DateTime must be a string literal")
    return parse_datetime(node.value)


def unsupported(field_name: str):
    def resolve(*_args, **_kwargs):
        raise GraphQLError(
            f"{field_name} is not available in the sandbox.",
            extensions={"code": "NOT_IMPLEMENTED"},
        )

    return resolve


def mutation_resolvers() -> dict:
    from .. import bulk

    return {
        **PRODUCT_MUTATIONS,
        **LISTING_MUTATIONS,
        **ORDER_MUTATIONS,
        **bulk.BULK_MUTATIONS,
    }


def bind(schema: GraphQLSchema) -> GraphQLSchema:
    # graphql-core 3.3 reads coerce_*; the older names are set for 3.2.
    scalar = schema.type_map["DateTime"]
    scalar.serialize = scalar.coerce_output_value = serialize_datetime
    scalar.parse_value = scalar.coerce_input_value = parse_datetime
    scalar.parse_literal = parse_datetime_literal
    scalar.coerce_input_literal = parse_datetime_literal
    roots = {"Query": QUERY_RESOLVERS, "Mutation": mutation_resolvers()}
    for root_name, resolvers in roots.items():
        for name, field in schema.type_map[root_name].fields.items():
            field.resolve = resolvers.get(name) or unsupported(f"{root_name}.{name}")
    for type_name, resolvers in FIELD_RESOLVERS.items():
        fields = schema.type_map[type_name].fields
        for name, resolver in resolvers.items():
            fields[name].resolve = resolver
    return schema


def schema_text() -> str:
    return SCHEMA_PATH.read_text()


@cache
def executable_schema() -> GraphQLSchema:
    return bind(build_schema(schema_text()))
