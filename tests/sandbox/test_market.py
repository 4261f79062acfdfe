"""The market simulator and the admin endpoints that act for Whatnot."""

from __future__ import annotations

from tests.fixtures.processes import wait_until
from tests.sandbox.helpers import data

ORDERS = """
query { orders(first: 100, reverse: true) { edges { node {
  id status createdAt total { amount currency }
  items { edges { node {
    quantity listing { id status inventoryLevel { quantity } }
  } } }
} } } }
"""


def test_sale_decrements_quantity_and_sells_out(sandbox):
    listing = next(
        item
        for item in sandbox.store()["listings"]
        if item["status"] == "ACTIVE" and item["quantity"] == 1
    )

    orders = sandbox.trigger_sales(listing_id=listing["id"])

    assert len(orders) == 1
    after = sandbox.listing(listing["id"])
    assert after["quantity"] == 0
    assert after["status"] in ("SOLD_OUT", "SOLD")
    newest = data(sandbox.graphql(ORDERS))["orders"]["edges"][0]["node"]
    assert newest["id"] == orders[0]
    assert newest["status"] == "PROCESSING"
    item = newest["items"]["edges"][0]["node"]
    assert item["listing"]["id"] == listing["id"]
    assert item["listing"]["inventoryLevel"]["quantity"] == 0
    # A sold-out listing sells no more.
    assert sandbox.trigger_sales(listing_id=listing["id"]) == []


def test_sales_stay_in_the_sellers_store(sandbox):
    first, second = sandbox.sellers
    before = len(sandbox.store(second)["orders"])

    orders = sandbox.trigger_sales(seller=first, count=3)

    first_orders = {order["id"] for order in sandbox.store(first)["orders"]}
    assert set(orders) <= first_orders
    assert len(sandbox.store(second)["orders"]) == before


def test_simulate_ticks_sell_and_edit(sandbox):
    before = sandbox.store()

    result = sandbox.simulate(ticks=5, seller=sandbox.sellers[0])

    after = sandbox.store()
    assert result["orders"]
    assert len(after["orders"]) == len(before["orders"]) + len(result["orders"])
    changed = {item["id"] for item in after["listings"]} & set(
        result["edited_listings"]
    )
    assert changed == set(result["edited_listings"])


def test_background_simulator_creates_orders(sandbox_factory):
    server = sandbox_factory(extra_args=["--simulate-interval", "0.3"])
    before = sum(len(server.store(seller)["orders"]) for seller in server.sellers)

    wait_until(
        lambda: (
            sum(len(server.store(seller)["orders"]) for seller in server.sellers)
            > before
        ),
        timeout=15,
        message="the simulator sold nothing",
    )


def test_admin_edit_is_seen_by_graphql(sandbox):
    listing = sandbox.store()["listings"][0]

    edited = sandbox.edit_listing(
        listing["id"], title="Levi's 501 Big E 1966", quantity=3
    )

    node = data(
        sandbox.graphql(
            "query($id: ID!) { listing(id: $id) { title updatedAt "
            "inventoryLevel { quantity } } }",
            {"id": listing["id"]},
        )
    )["listing"]
    assert node["title"] == "Levi's 501 Big E 1966"
    assert node["inventoryLevel"]["quantity"] == 3
    assert node["updatedAt"] == edited["updated_at"]
    assert edited["updated_at"] > listing["updated_at"]


def test_another_sellers_listing_is_not_found(sandbox):
    first, second = sandbox.sellers
    foreign = sandbox.store(second)["listings"][0]["id"]

    node = data(
        sandbox.graphql(
            "query($id: ID!) { listing(id: $id) { id } }", {"id": foreign}, seller=first
        )
    )

    assert node["listing"] is None
    order = sandbox.store(second)["orders"][0]["id"]
    assert (
        data(
            sandbox.graphql(
                "query($id: ID!) { order(id: $id) { id } }", {"id": order}, seller=first
            )
        )["order"]
        is None
    )


def test_request_log_records_api_calls(sandbox):
    sandbox.clear_requests_log()
    sandbox.graphql("query Me { me { id } }")

    log = sandbox.requests_log()

    assert len(log) == 1
    assert log[0]["endpoint"] == "graphql"
    assert log[0]["status"] == 200
    assert log[0]["seller"] == sandbox.sellers[0]
