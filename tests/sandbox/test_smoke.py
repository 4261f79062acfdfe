"""A first pass over the sandbox: it starts, serves GraphQL and admin calls."""

from __future__ import annotations

LISTINGS_QUERY = """
query Listings($first: Int, $after: String) {
  listings(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id title ... on BuyItNowListing { price { amount currency } } } }
  }
}
"""


def test_sandbox_serves_listings_of_token_owner(sandbox):
    response = sandbox.graphql(LISTINGS_QUERY, {"first": 5})

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    edges = body["data"]["listings"]["edges"]
    assert len(edges) == 5
    store_ids = {listing["id"] for listing in sandbox.store()["listings"]}
    assert {edge["node"]["id"] for edge in edges} <= store_ids
