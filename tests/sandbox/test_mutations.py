"""Mutations: product and listing changes, userErrors and their webhooks."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import PRODUCT_CREATE, data, product_input, taxonomy_id

LISTING_UPDATE = """
mutation Update($input: ListingInput!) {
  listingUpdate(input: $input) {
    listing { id status published updatedAt inventoryLevel { quantity }
      ... on BuyItNowListing { price { amount currency } } }
    userErrors { field message }
  }
}
"""
PUBLISH = """
mutation Publish($id: ID!) {
  listingPublish(input: {id: $id}) { listing { id status published }
    userErrors { field message } }
}
"""
UNPUBLISH = PUBLISH.replace("listingPublish", "listingUnpublish")


def create(server, **overrides) -> dict:
    media = [
        {"source": "https://images.example.invalid/a.jpg", "mediaContentType": "IMAGE"}
    ]
    return data(
        server.graphql(
            PRODUCT_CREATE, {"input": product_input(**overrides), "media": media}
        )
    )["productCreate"]


def created_listing(payload) -> dict:
    variant = payload["product"]["variants"]["edges"][0]["node"]
    return variant["listings"]["edges"][0]["node"]


def test_product_create_makes_an_unpublished_listing(sandbox):
    payload = create(sandbox)

    assert payload["userErrors"] == []
    listing = created_listing(payload)
    assert listing["status"] == "INACTIVE"
    assert listing["published"] is False
    assert listing["price"] == {"amount": 18500, "currency": "USD"}
    stored = sandbox.listing(listing["id"])
    assert stored["external_id"] == "SELVEDGE-TEST-1"
    assert (
        sandbox.webhook_deliveries(topic="listing/created")[-1]["body"]["object"]["id"]
        == listing["id"]
    )


BAD_INPUTS = [
    ({"title": "   "}, ["input", "title"]),
    ({"title": "x" * 1000}, ["input", "title"]),
    ({"description": ""}, ["input", "description"]),
    (
        {"productCategory": {"taxonomyId": taxonomy_id(99999)}},
        ["input", "productCategory", "taxonomyId"],
    ),
    (
        {"productCategory": {"categoryId": "654"}},
        ["input", "productCategory", "categoryId"],
    ),
    ({"productCategory": {}}, ["input", "productCategory"]),
    ({"weight": 0}, ["input", "weight"]),
    (
        {
            "variants": [
                {
                    "listings": [
                        {
                            "buyItNow": {"price": {"amount": 0, "currencyCode": "USD"}},
                            "inventoryLevel": {"quantity": 1},
                        }
                    ]
                }
            ]
        },
        ["input", "variants", "0", "listings", "0", "buyItNow", "price", "amount"],
    ),
    (
        {
            "variants": [
                {
                    "listings": [
                        {
                            "buyItNow": {
                                "price": {"amount": 500, "currencyCode": "EUR"}
                            },
                            "inventoryLevel": {"quantity": 1},
                        }
                    ]
                }
            ]
        },
        [
            "input",
            "variants",
            "0",
            "listings",
            "0",
            "buyItNow",
            "price",
            "currencyCode",
        ],
    ),
    (
        {"variants": [{"listings": [{"inventoryLevel": {"quantity": 1}}]}]},
        ["input", "variants", "0", "listings", "0", "buyItNow"],
    ),
    ({"variants": [{"listings": []}]}, ["input", "variants", "0", "listings"]),
    (
        {"attributes": [{"id": "UHJvZHVjdEF0dHJpYnV0ZToy", "value": "Pristine"}]},
        ["input", "attributes", "0", "value"],
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    BAD_INPUTS,
    ids=[
        "blank-title",
        "long-title",
        "blank-description",
        "unknown-taxonomy",
        "category-without-listings",
        "no-category",
        "zero-weight",
        "zero-price",
        "other-currency",
        "no-price",
        "no-listing",
        "unknown-condition",
    ],
)
def test_bad_product_input_is_a_user_error(sandbox, overrides, field):
    before = len(sandbox.store()["products"])

    payload = create(sandbox, **overrides)

    assert payload["product"] is None
    assert [error["field"] for error in payload["userErrors"]] == [field]
    assert len(sandbox.store()["products"]) == before


def test_listing_update_publish_and_unpublish(sandbox):
    listing = created_listing(create(sandbox))

    updated = data(
        sandbox.graphql(
            LISTING_UPDATE,
            {
                "input": {
                    "id": listing["id"],
                    "buyItNow": {"price": {"amount": 21000, "currencyCode": "USD"}},
                    "inventoryLevel": {"quantity": 2},
                }
            },
        )
    )["listingUpdate"]
    published = data(sandbox.graphql(PUBLISH, {"id": listing["id"]}))["listingPublish"]
    unpublished = data(sandbox.graphql(UNPUBLISH, {"id": listing["id"]}))[
        "listingUnpublish"
    ]

    assert updated["listing"]["price"]["amount"] == 21000
    assert updated["listing"]["inventoryLevel"]["quantity"] == 2
    assert published["listing"]["status"] == "ACTIVE"
    assert unpublished["listing"] == {
        "id": listing["id"],
        "status": "INACTIVE",
        "published": False,
    }
    topics = [item["topic"] for item in sandbox.webhook_deliveries()]
    assert topics.count("listing/updated") == 3


def test_listing_update_rejects_bad_values(sandbox):
    listing = created_listing(create(sandbox))

    payload = data(
        sandbox.graphql(
            LISTING_UPDATE,
            {
                "input": {
                    "id": listing["id"],
                    "buyItNow": {"price": {"amount": -5, "currencyCode": "USD"}},
                    "inventoryLevel": {"quantity": 0},
                    "published": True,
                }
            },
        )
    )["listingUpdate"]

    fields = [error["field"] for error in payload["userErrors"]]
    assert ["input", "buyItNow", "price", "amount"] in fields
    assert ["input", "published"] in fields
    assert sandbox.listing(listing["id"])["price_cents"] == 18500


def test_mutations_cannot_reach_another_sellers_listing(sandbox):
    foreign = sandbox.store(sandbox.sellers[1])["listings"][0]

    payload = data(
        sandbox.graphql(PUBLISH, {"id": foreign["id"]}, seller=sandbox.sellers[0])
    )["listingPublish"]

    assert payload["listing"] is None
    assert payload["userErrors"][0]["field"] == ["input", "id"]
    assert "not found" in payload["userErrors"][0]["message"]


def test_invalid_id_is_a_user_error(sandbox):
    payload = data(sandbox.graphql(PUBLISH, {"id": "not-base64!"}))["listingPublish"]

    assert payload["userErrors"][0]["field"] == ["input", "id"]


def test_adjust_quantity_cannot_go_negative(sandbox):
    listing = created_listing(create(sandbox))
    mutation = (
        "mutation($id: ID!, $q: Int!) { listingAdjustQuantity(input: "
        "{id: $id, quantity: $q}) { listing { inventoryLevel { quantity } } "
        "userErrors { field message } } }"
    )

    raised = data(sandbox.graphql(mutation, {"id": listing["id"], "q": 3}))
    negative = data(sandbox.graphql(mutation, {"id": listing["id"], "q": -10}))

    assert raised["listingAdjustQuantity"]["listing"]["inventoryLevel"] == {
        "quantity": 4
    }
    assert negative["listingAdjustQuantity"]["userErrors"][0]["field"] == [
        "input",
        "quantity",
    ]


def test_product_update_changes_the_listing_title(sandbox):
    payload = create(sandbox)
    product_id = payload["product"]["id"]
    listing = created_listing(payload)

    updated = data(
        sandbox.graphql(
            "mutation($input: ProductInput!) { productUpdate(input: $input) { "
            "product { id title } userErrors { field message } } }",
            {
                "input": product_input(
                    id=product_id, title="Levi's 501 1966 Redline", variants=None
                )
            },
        )
    )["productUpdate"]

    assert updated["userErrors"] == []
    assert sandbox.listing(listing["id"])["title"] == "Levi's 501 1966 Redline"


def test_order_cancel_restocks_and_tracking_is_rejected(sandbox):
    listing = next(
        item for item in sandbox.store()["listings"] if item["status"] == "ACTIVE"
    )
    order_id = sandbox.trigger_sales(listing_id=listing["id"])[0]

    cancelled = data(
        sandbox.graphql(
            "mutation($id: ID!) { orderCancel(input: {id: $id}) { order { status "
            "cancelledAt } userErrors { field message } } }",
            {"id": order_id},
        )
    )["orderCancel"]
    tracking = data(
        sandbox.graphql(
            'mutation($ids: [ID!]!) { addTrackingCode(input: {courier: "USPS", '
            'orderIds: $ids, trackingCode: "9400"}) { orders { id } '
            "userErrors { field message } } }",
            {"ids": [order_id]},
        )
    )["addTrackingCode"]

    assert cancelled["order"]["status"] == "CANCELLED"
    assert cancelled["order"]["cancelledAt"]
    assert sandbox.listing(listing["id"])["quantity"] == listing["quantity"]
    assert tracking["userErrors"][0]["field"] == ["input", "orderIds", "0"]


def test_add_tracking_code_ships_the_order(sandbox):
    order_id = sandbox.trigger_sales(seller=sandbox.sellers[0])[0]

    bad = data(
        sandbox.graphql(
            'mutation($ids: [ID!]!) { addTrackingCode(input: {courier: "DHL", '
            'orderIds: $ids, trackingCode: "1"}) { userErrors { field } } }',
            {"ids": [order_id]},
        )
    )["addTrackingCode"]
    good = data(
        sandbox.graphql(
            'mutation($ids: [ID!]!) { addTrackingCode(input: {courier: "ups", '
            'orderIds: $ids, trackingCode: "1Z999"}) { orders { status } '
            "userErrors { field } } }",
            {"ids": [order_id]},
        )
    )["addTrackingCode"]

    assert bad["userErrors"] == [{"field": ["input", "courier"]}]
    assert good["orders"] == [{"status": "SHIPPED"}]
