"""The project's SDL and every GraphQL operation file under whatnot/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from graphql import OperationDefinitionNode, build_schema, parse, validate

WHATNOT = Path(settings.BASE_DIR) / "whatnot"
SCHEMA_PATH = WHATNOT / "graphql" / "schema.graphql"
OPERATION_FILES = sorted(
    path for path in WHATNOT.rglob("*.graphql") if path != SCHEMA_PATH
)


@pytest.fixture(scope="module")
def schema():
    return build_schema(SCHEMA_PATH.read_text())


def test_schema_has_the_assumed_sync_fields(schema):
    listing_filter = schema.type_map["ListingFilterInput"].fields
    sort_keys = schema.type_map["ListingSortKeys"].values

    assert str(listing_filter["updatedAt"].type) == "DateFilterInput"
    assert set(sort_keys) == {"CREATED_AT", "UPDATED_AT"}


def test_schema_keeps_the_documented_shapes(schema):
    assert str(schema.type_map["BuyItNowListing"].fields["price"].type) == "Money!"
    assert str(schema.type_map["AuctionListing"].fields["startingPrice"].type) == (
        "Money!"
    )
    assert set(schema.type_map["Money"].fields) == {"amount", "currency"}
    assert "listingCreate" not in schema.mutation_type.fields


def test_sandbox_serves_the_same_schema(schema):
    from whatnot.sandbox.graphql_api.schema import SCHEMA_PATH as served

    assert served.resolve() == SCHEMA_PATH.resolve()


@pytest.mark.parametrize(
    "path", OPERATION_FILES, ids=[str(p.relative_to(WHATNOT)) for p in OPERATION_FILES]
)
def test_operation_file_validates(schema, path):
    document = parse(path.read_text())

    errors = validate(schema, document)

    assert errors == [], f"{path}: {[error.message for error in errors]}"
    assert any(isinstance(d, OperationDefinitionNode) for d in document.definitions)


def test_invalid_operation_is_caught(schema):
    document = parse(
        "query { listings(first: 1) { edges { node { price { amount } } } } }"
    )

    errors = validate(schema, document)

    assert errors
    assert "price" in errors[0].message
