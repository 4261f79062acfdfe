"""The listing export query runs as a sandbox bulk operation and its JSONL
result ingests through the whatnot-export importer."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests
from django.utils.dateparse import parse_datetime

from research.ingest import get_importer, ingest_file
from research.ingest.importers.whatnot_export import LISTING_EXPORT_QUERY
from research.models import MarketListing

pytestmark = pytest.mark.django_db

RUN_QUERY = """
mutation ($input: BulkOperationRunQueryInput!) {
  bulkOperationRunQuery(input: $input) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""
POLL_QUERY = "query ($id: ID!) { bulkOperation(id: $id) { id status result { url } } }"


def export_file(sandbox, seller: str, path) -> None:
    started = sandbox.graphql(
        RUN_QUERY, {"input": {"query": LISTING_EXPORT_QUERY}}, seller=seller
    ).json()
    payload = started["data"]["bulkOperationRunQuery"]
    assert payload["userErrors"] == [], payload
    operation_id = payload["bulkOperation"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        operation = sandbox.graphql(POLL_QUERY, {"id": operation_id}, seller=seller)
        operation = operation.json()["data"]["bulkOperation"]
        if operation["status"] != "IN_PROGRESS":
            break
        time.sleep(0.2)
    assert operation["status"] == "COMPLETED", operation
    response = requests.get(operation["result"]["url"], timeout=30)
    response.raise_for_status()
    path.write_bytes(response.content)


def test_sandbox_export_ingests_every_listing(sandbox, tmp_path):
    seller = sandbox.sellers[0]
    path = tmp_path / "export.jsonl"
    export_file(sandbox, seller, path)
    store = sandbox.store(seller)

    report = ingest_file(path, get_importer("whatnot-export"))

    assert report.rejected_lines == []
    assert report.created == len(store["listings"])
    assert report.parent_lines > 0
    for listing in store["listings"]:
        row = MarketListing.objects.get(platform="whatnot", external_id=listing["id"])
        assert row.title == listing["title"]
        assert row.price == Decimal(listing["price"]["amount"])
        assert row.sold is (listing["status"] in ("SOLD", "SOLD_OUT"))
        assert row.source_updated_at == parse_datetime(listing["updated_at"])
        assert row.extra["product_id"] == listing["product_id"]


def test_sandbox_export_twice_unchanged(sandbox, tmp_path):
    seller = sandbox.sellers[0]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    export_file(sandbox, seller, first)
    ingest_file(first, get_importer("whatnot-export"))
    export_file(sandbox, seller, second)

    report = ingest_file(second, get_importer("whatnot-export"))

    assert report.created == report.updated == report.rejected == 0
    assert report.unchanged == len(sandbox.store(seller)["listings"])


def test_truncated_export_rejects_last_line(sandbox, tmp_path):
    seller = sandbox.sellers[0]
    sandbox.set_faults(bulk_truncated_rate=1.0)
    path = tmp_path / "export.jsonl"
    export_file(sandbox, seller, path)
    last_line = len(path.read_bytes().splitlines())

    report = ingest_file(path, get_importer("whatnot-export"))

    [rejected] = report.rejected_lines
    assert rejected["line"] == last_line
    assert rejected["reason"].startswith("truncated line")
    stored = MarketListing.objects.filter(platform="whatnot").count()
    assert stored == report.created
    assert stored >= len(sandbox.store(seller)["listings"]) - 1
