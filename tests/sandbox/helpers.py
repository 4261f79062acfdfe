"""GraphQL documents and small helpers shared by the sandbox tests."""

from __future__ import annotations

import base64

LISTINGS_PAGE = """
query Listings(
  $first: Int, $last: Int, $after: String, $before: String, $reverse: Boolean,
  $sortKey: ListingSortKeys, $filter: ListingFilterInput
) {
  listings(first: $first, last: $last, after: $after, before: $before,
           reverse: $reverse, sortKey: $sortKey, filter: $filter) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id title status createdAt updatedAt
        inventoryLevel { quantity }
        ... on BuyItNowListing { price { amount currency } }
        ... on AuctionListing { startingPrice { amount currency } }
      }
    }
  }
}
"""

PRODUCT_CREATE = """
mutation Create($input: ProductInput!, $media: [CreateMediaInput!]!) {
  productCreate(input: $input, media: $media) {
    product {
      id title
      variants { edges { node { id listings { edges { node {
        id status published
        ... on BuyItNowListing { price { amount currency } }
      } } } } } }
    }
    userErrors { field message }
  }
}
"""


def taxonomy_id(node: int) -> str:
    return base64.b64encode(f"ProductTaxonomyNode:{node}".encode()).decode()


def product_input(**overrides) -> dict:
    values = {
        "title": "Levi's 501 Redline Selvedge 1980s 32x32",
        "description": "Button fly, even fading, chain-stitched hem intact.",
        "productCategory": {"taxonomyId": taxonomy_id(16)},
        "externalId": "SELVEDGE-TEST-1",
        "variants": [
            {
                "sku": "501-3232",
                "listings": [
                    {
                        "buyItNow": {"price": {"amount": 18500, "currencyCode": "USD"}},
                        "inventoryLevel": {"quantity": 1},
                    }
                ],
            }
        ],
    }
    values.update(overrides)
    return values


def data(response) -> dict:
    """The data of a successful GraphQL response, failing loudly otherwise."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def walk_listings(server, *, seller=None, page_size=7, **variables) -> list[dict]:
    nodes, after = [], None
    while True:
        page = data(
            server.graphql(
                LISTINGS_PAGE,
                {"first": page_size, "after": after, **variables},
                seller=seller,
            )
        )["listings"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
