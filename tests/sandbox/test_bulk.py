"""Bulk operations: lifecycle, flattened JSONL, expiring links and faults."""

from __future__ import annotations

import json
import time

import requests

from tests.fixtures.processes import wait_until
from tests.sandbox.receiver import WebhookReceiver

RUN_QUERY = """
mutation Run($query: String!) {
  bulkOperationRunQuery(input: {query: $query}) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""
POLL = (
    "query Poll($id: ID!) { bulkOperation(id: $id) { id status type result { url } } }"
)
CURRENT = "query { currentBulkOperation { id status } }"
EXPORT = """
query {
  products {
    edges { node {
      id title
      variants { edges { node {
        id sku
        listings { edges { node { id status
          ... on BuyItNowListing { price { amount currency } } } } }
      } } }
    } }
  }
}
"""


def start(server, query=EXPORT, seller=None) -> dict:
    response = server.graphql(RUN_QUERY, {"query": query}, seller=seller)
    assert response.status_code == 200, response.text
    return response.json()["data"]["bulkOperationRunQuery"]


def finished(server, operation_id, seller=None) -> dict:
    def poll():
        node = server.graphql(POLL, {"id": operation_id}, seller=seller).json()["data"][
            "bulkOperation"
        ]
        return node if node["status"] != "IN_PROGRESS" else None

    return wait_until(poll, timeout=30, message="bulk operation did not finish")


def test_export_lifecycle_and_flattened_lines(sandbox):
    payload = start(sandbox)
    operation = payload["bulkOperation"]
    assert payload["userErrors"] == []
    assert operation["status"] == "IN_PROGRESS"
    current = sandbox.graphql(CURRENT).json()["data"]["currentBulkOperation"]
    assert current == {"id": operation["id"], "status": "IN_PROGRESS"}

    done = finished(sandbox, operation["id"])

    assert done["status"] == "COMPLETED"
    assert done["type"] == "QUERY"
    lines = [
        json.loads(line)
        for line in requests.get(done["result"]["url"], timeout=10).text.splitlines()
    ]
    store = sandbox.store()
    products = [line for line in lines if "title" in line]
    variants = [line for line in lines if "sku" in line]
    listings = [line for line in lines if "status" in line]
    assert [line["id"] for line in products] == [p["id"] for p in store["products"]]
    assert all("__parentId" not in line for line in products)
    assert {line["__parentId"] for line in variants} == {p["id"] for p in products}
    assert {line["id"] for line in listings} == {
        item["id"] for item in store["listings"]
    }
    assert {line["__parentId"] for line in listings} == {
        line["id"] for line in variants
    }
    assert all("edges" not in json.dumps(line) for line in lines)


def test_second_operation_while_running_is_a_user_error(sandbox):
    start(sandbox)

    second = start(sandbox)

    assert second["bulkOperation"] is None
    assert second["userErrors"][0]["field"] is None
    assert "already running" in second["userErrors"][0]["message"]
    # Another seller is not blocked.
    assert start(sandbox, seller=sandbox.sellers[1])["userErrors"] == []


def test_invalid_query_is_a_user_error(sandbox):
    payload = start(sandbox, query="query { products { edges { node { nope } } } }")

    assert payload["bulkOperation"] is None
    assert payload["userErrors"][0]["field"] == ["input", "query"]
    assert "nope" in payload["userErrors"][0]["message"]


def test_bulk_query_needs_the_scopes_of_its_fields(sandbox):
    tokens = sandbox.issue_oauth_tokens(sandbox.sellers[0], scope="read:inventory")

    response = sandbox.graphql(
        RUN_QUERY,
        {"query": "query { orders { edges { node { id } } } }"},
        token=tokens["access_token"],
    )

    error = response.json()["data"]["bulkOperationRunQuery"]["userErrors"][0]
    assert error["field"] == ["input", "query"]
    assert "read:orders" in error["message"]


def test_result_supports_range_requests(sandbox):
    done = finished(sandbox, start(sandbox)["bulkOperation"]["id"])
    whole = requests.get(done["result"]["url"], timeout=10).content

    part = requests.get(
        done["result"]["url"], headers={"Range": "bytes=10-29"}, timeout=10
    )

    assert part.status_code == 206
    assert part.content == whole[10:30]
    assert part.headers["Content-Range"] == f"bytes 10-29/{len(whole)}"


def test_result_link_expires(sandbox_factory):
    server = sandbox_factory(extra_args=["--bulk-result-ttl", "1"])
    done = finished(server, start(server)["bulkOperation"]["id"])
    assert requests.get(done["result"]["url"], timeout=10).status_code == 200
    time.sleep(1.2)

    expired = requests.get(done["result"]["url"], timeout=10)

    assert expired.status_code == 404
    assert "expired" in expired.json()["message"]


def test_cancel_stops_a_running_operation(sandbox_factory):
    server = sandbox_factory(extra_args=["--bulk-min-seconds", "3"])
    operation = start(server)["bulkOperation"]

    response = server.graphql(
        "mutation($id: ID!) { bulkOperationCancel(input: {id: $id}) { "
        "bulkOperation { status } userErrors { field message } } }",
        {"id": operation["id"]},
    )

    assert response.json()["data"]["bulkOperationCancel"]["bulkOperation"] == {
        "status": "CANCELLED"
    }
    time.sleep(3.5)
    node = server.graphql(POLL, {"id": operation["id"]}).json()["data"]["bulkOperation"]
    assert node["status"] == "CANCELLED"
    assert node["result"] is None


def test_forced_failure_statuses(sandbox):
    for status in ("FAILED", "CANCELLED", "COMPLETED_WITH_FAILURES"):
        sandbox.set_faults(bulk_status=status)

        done = finished(sandbox, start(sandbox)["bulkOperation"]["id"])

        assert done["status"] == status
        assert (done["result"] is not None) == (status == "COMPLETED_WITH_FAILURES")


def test_truncated_and_malformed_results(sandbox):
    sandbox.set_faults(bulk_truncated_rate=1.0)
    truncated = finished(sandbox, start(sandbox)["bulkOperation"]["id"])
    sandbox.set_faults(bulk_truncated_rate=0.0, bulk_malformed_rate=1.0)
    malformed = finished(sandbox, start(sandbox)["bulkOperation"]["id"])

    truncated_text = requests.get(truncated["result"]["url"], timeout=10).text
    malformed_lines = requests.get(
        malformed["result"]["url"], timeout=10
    ).text.splitlines()

    assert not truncated_text.endswith("\n")
    last = truncated_text.splitlines()[-1]
    try:
        json.loads(last)
        parsed = True
    except json.JSONDecodeError:
        parsed = False
    assert parsed is False
    assert malformed_lines
    for line in malformed_lines:
        try:
            json.loads(line)
            raise AssertionError(f"line parsed as JSON: {line}")
        except json.JSONDecodeError:
            pass


def test_bulk_mutation_runs_each_uploaded_line(sandbox):
    upload = sandbox.graphql(
        'mutation { uploadCreate(input: {filename: "changes.jsonl"}) { '
        "upload { url path } userErrors { message } } }"
    ).json()["data"]["uploadCreate"]["upload"]
    listings = sandbox.store()["listings"][:3]
    lines = [{"id": item["id"], "quantity": 2} for item in listings]
    body = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    assert requests.put(upload["url"], data=body, timeout=10).status_code == 204

    response = sandbox.graphql(
        "mutation($m: String!, $p: String!) { bulkOperationRunMutation("
        "input: {mutation: $m, uploadPath: $p}) { bulkOperation { id } "
        "userErrors { field message } } }",
        {
            "m": "mutation($id: ID!, $quantity: Int!) { listingAdjustQuantity("
            "input: {id: $id, quantity: $quantity}) { listing { id "
            "inventoryLevel { quantity } } userErrors { message } } }",
            "p": upload["path"],
        },
    )
    done = finished(
        sandbox,
        response.json()["data"]["bulkOperationRunMutation"]["bulkOperation"]["id"],
    )

    assert done["status"] == "COMPLETED_WITH_FAILURES"
    results = [
        json.loads(line)
        for line in requests.get(done["result"]["url"], timeout=10).text.splitlines()
    ]
    assert [result["__lineNumber"] for result in results] == [1, 2, 3, 4]
    quantities = {item["id"]: item["quantity"] for item in sandbox.store()["listings"]}
    for item in listings:
        assert quantities[item["id"]] == item["quantity"] + 2
    assert "not JSON" in results[3]["errors"][0]["message"]


def test_finished_webhook_is_sent(sandbox_factory):
    with WebhookReceiver() as receiver:
        server = sandbox_factory(extra_args=["--webhook-url", receiver.url])

        operation = start(server)["bulkOperation"]
        finished(server, operation["id"])

        def finished_webhooks():
            return [
                json.loads(item.body)
                for item in receiver.snapshot()
                if json.loads(item.body)["topic"] == "bulk_operation/finished"
            ]

        bodies = wait_until(finished_webhooks, timeout=10)
    assert bodies[0]["object"]["id"] == operation["id"]
    assert bodies[0]["object"]["status"] == "COMPLETED"
    assert bodies[0]["object"]["type"] == "QUERY"
