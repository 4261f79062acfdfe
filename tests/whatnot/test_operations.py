from __future__ import annotations

from collections import defaultdict

import pytest
from graphql import parse, print_ast, validate

from whatnot.client.documents import (
    load_document,
    load_schema,
    operation_name,
    operation_names,
)

EXPECTED_OPERATIONS = {
    "listing",
    "listing_publish",
    "listing_unpublish",
    "listing_update",
    "listings_page",
    "me",
    "orders_page",
    "product_by_external_id",
    "product_create",
    "product_update",
}


def test_every_expected_operation_has_a_file():
    assert set(operation_names()) >= EXPECTED_OPERATIONS


@pytest.mark.parametrize("name", operation_names())
def test_operation_validates_against_schema(name):
    errors = validate(load_schema(), load_document(name))

    assert [error.message for error in errors] == []


def test_schema_rejects_price_on_listing_interface():
    document = parse("query { listing(id: 1) { id price { amount } } }")

    errors = validate(load_schema(), document)

    assert len(errors) == 1
    assert "Cannot query field 'price' on type 'Listing'" in errors[0].message


def test_shared_fragment_copies_are_identical():
    copies: dict[str, set[str]] = defaultdict(set)
    for name in operation_names():
        for definition in load_document(name).definitions:
            if definition.kind == "fragment_definition":
                copies[definition.name.value].add(print_ast(definition))

    assert {"ListingFields", "MoneyFields"} <= set(copies)
    assert {name: len(texts) for name, texts in copies.items() if len(texts) > 1} == {}


def test_unknown_operation_names_the_folder():
    with pytest.raises(KeyError, match="no GraphQL operation named 'listngs'"):
        load_document("listngs")


@pytest.mark.parametrize("name", operation_names())
def test_operation_file_has_one_named_operation(name):
    operations = [
        definition
        for definition in load_document(name).definitions
        if definition.kind == "operation_definition"
    ]

    assert len(operations) == 1
    assert operation_name(name) == operations[0].name.value
