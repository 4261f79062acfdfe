"""Keyset pagination: cursors, page cap, sort keys, filters and changes mid-walk."""

from __future__ import annotations

import pytest

from tests.fixtures.sandbox import running_sandbox
from tests.sandbox.helpers import LISTINGS_PAGE, data, walk_listings


@pytest.fixture(scope="module")
def shared_sandbox(tmp_path_factory):
    """A read-only sandbox for the tests below that change nothing."""
    with running_sandbox(
        sellers=2,
        listings_per_seller=30,
        rate_limit=0,
        data_dir=tmp_path_factory.mktemp("sbx"),
    ) as server:
        yield server


def test_forward_walk_returns_every_listing_once(shared_sandbox):
    walked = walk_listings(shared_sandbox)

    store = shared_sandbox.store()["listings"]
    assert [node["id"] for node in walked] == [listing["id"] for listing in store]
    assert len(walked) == 30


def test_backward_walk_matches_forward_walk(shared_sandbox):
    forward = [node["id"] for node in walk_listings(shared_sandbox)]
    backward, before = [], None
    while True:
        page = data(
            shared_sandbox.graphql(LISTINGS_PAGE, {"last": 8, "before": before})
        )
        backward = [edge["node"]["id"] for edge in page["listings"]["edges"]] + backward
        if not page["listings"]["pageInfo"]["hasPreviousPage"]:
            break
        before = page["listings"]["pageInfo"]["startCursor"]

    assert backward == forward


def test_reverse_sorts_newest_first(shared_sandbox):
    forward = [node["id"] for node in walk_listings(shared_sandbox)]

    reversed_walk = [node["id"] for node in walk_listings(shared_sandbox, reverse=True)]

    assert reversed_walk == list(reversed(forward))


def test_page_info_flags_on_middle_page(shared_sandbox):
    first = data(shared_sandbox.graphql(LISTINGS_PAGE, {"first": 10}))["listings"]
    second = data(
        shared_sandbox.graphql(
            LISTINGS_PAGE, {"first": 10, "after": first["pageInfo"]["endCursor"]}
        )
    )["listings"]

    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["startCursor"] == second["edges"][0]["cursor"]


def test_sort_by_updated_at_orders_by_change_time(shared_sandbox):
    walked = walk_listings(shared_sandbox, sortKey="UPDATED_AT")

    stamps = [node["updatedAt"] for node in walked]
    assert stamps == sorted(stamps)
    assert len(walked) == 30


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"first": 101}, "first"),
        ({"last": 500}, "last"),
        ({"first": -1}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "bm90IGpzb24="}, "before"),
    ],
    ids=["first-over-cap", "last-over-cap", "negative", "bad-after", "bad-before"],
)
def test_bad_page_arguments_name_the_argument(shared_sandbox, variables, argument):
    response = shared_sandbox.graphql(LISTINGS_PAGE, variables)

    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert error["message"].startswith(argument)
    assert response.json()["data"]["listings"] is None


def test_page_of_exactly_the_cap_is_allowed(shared_sandbox):
    page = data(shared_sandbox.graphql(LISTINGS_PAGE, {"first": 100}))["listings"]

    assert len(page["edges"]) == 30
    assert page["pageInfo"]["hasNextPage"] is False


def test_cursor_of_other_sort_key_is_rejected(shared_sandbox):
    page = data(shared_sandbox.graphql(LISTINGS_PAGE, {"first": 2}))["listings"]

    response = shared_sandbox.graphql(
        LISTINGS_PAGE,
        {"first": 2, "after": page["pageInfo"]["endCursor"], "sortKey": "UPDATED_AT"},
    )

    error = response.json()["errors"][0]
    assert error["extensions"]["argument"] == "after"
    assert "sortKey CREATED_AT" in error["message"]


def test_filters_by_id_and_created_at(shared_sandbox):
    store = shared_sandbox.store()["listings"]
    wanted = [store[3]["id"], store[9]["id"]]
    middle = store[15]["created_at"]

    by_id = walk_listings(shared_sandbox, filter={"id": {"in": wanted}})
    newer = walk_listings(shared_sandbox, filter={"createdAt": {"gt": middle}})
    not_in = walk_listings(shared_sandbox, filter={"id": {"notIn": wanted}})

    assert [node["id"] for node in by_id] == wanted
    assert [node["id"] for node in newer] == [item["id"] for item in store[16:]]
    assert len(not_in) == 28


def test_filter_with_invalid_id_names_the_field(shared_sandbox):
    response = shared_sandbox.graphql(
        LISTINGS_PAGE, {"first": 5, "filter": {"id": {"equals": "nonsense"}}}
    )

    error = response.json()["errors"][0]
    assert error["extensions"]["argument"] == "filter.id.equals"


def test_invalid_timestamp_in_filter_is_a_graphql_error(shared_sandbox):
    response = shared_sandbox.graphql(
        LISTINGS_PAGE, {"first": 5, "filter": {"updatedAt": {"gt": "yesterday"}}}
    )

    assert response.status_code == 200
    assert (
        "'yesterday' is not an ISO 8601 timestamp"
        in response.json()["errors"][0]["message"]
    )


def test_sellers_see_only_their_own_listings(shared_sandbox):
    first_seller, second_seller = shared_sandbox.sellers

    first_ids = {
        node["id"] for node in walk_listings(shared_sandbox, seller=first_seller)
    }
    second_ids = {
        node["id"] for node in walk_listings(shared_sandbox, seller=second_seller)
    }

    assert first_ids
    assert second_ids
    assert first_ids.isdisjoint(second_ids)


def test_walk_stays_consistent_while_listings_change(sandbox_factory):
    """Listings edited between pages are neither skipped nor repeated."""
    sandbox = sandbox_factory(rate_limit=0)
    store_ids = [listing["id"] for listing in sandbox.store()["listings"]]
    seen, after, page_number = [], None, 0
    while True:
        page = data(sandbox.graphql(LISTINGS_PAGE, {"first": 5, "after": after}))
        seen += [edge["node"]["id"] for edge in page["listings"]["edges"]]
        # Edit one listing already seen and one not yet reached.
        sandbox.edit_listing(store_ids[page_number], price="99.00")
        sandbox.touch_listing(store_ids[-1 - page_number])
        page_number += 1
        if not page["listings"]["pageInfo"]["hasNextPage"]:
            break
        after = page["listings"]["pageInfo"]["endCursor"]

    assert seen == store_ids
    assert len(set(seen)) == len(seen)


def test_updated_at_filter_finds_changed_listings(sandbox):
    listings = sandbox.store()["listings"]
    since = max(listing["updated_at"] for listing in listings)
    sandbox.edit_listing(listings[2]["id"], quantity=4)
    sandbox.touch_listing(listings[5]["id"])

    changed = walk_listings(
        sandbox, sortKey="UPDATED_AT", filter={"updatedAt": {"gt": since}}
    )

    assert [node["id"] for node in changed] == [listings[2]["id"], listings[5]["id"]]
    assert changed[0]["inventoryLevel"]["quantity"] == 4
