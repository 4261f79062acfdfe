"""Sync runs and sales over the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.pages.factories import SaleFactory, SyncRunFactory
from whatnot.models import SyncRun


def test_sync_runs_newest_first_with_counts(api_client, seller):
    now = timezone.now()
    SyncRunFactory(seller=seller, queued_at=now - timedelta(hours=1), pages=3)
    SyncRunFactory(
        seller=seller,
        queued_at=now,
        status=SyncRun.Status.RUNNING,
        pages=1,
        created_count=50,
    )

    body = api_client.get("/api/sync-runs/").json()

    assert [run["status"] for run in body["results"]] == ["running", "succeeded"]
    assert body["results"][0]["created_count"] == 50


def test_sync_runs_filter_by_status(api_client, seller):
    SyncRunFactory(seller=seller, status=SyncRun.Status.FAILED, error="timed out")
    SyncRunFactory(seller=seller)

    body = api_client.get("/api/sync-runs/?status=failed").json()

    assert [run["error"] for run in body["results"]] == ["timed out"]


def test_start_sync_without_connection_is_field_keyed_400(api_client):
    response = api_client.post("/api/sync-runs/", {"kind": "full"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Connect your Whatnot account before syncing: selvedge has no working "
            "access to your store."
        ]
    }
    assert not SyncRun.objects.exists()


def test_start_sync_rejects_unknown_kind(api_client):
    response = api_client.post("/api/sync-runs/", {"kind": "reconcile"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"kind": ['"reconcile" is not a valid choice.']}


def test_start_sync_is_throttled(api_client, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    allowed = int(rates["sync_start"].split("/")[0])

    statuses = [
        api_client.post("/api/sync-runs/", {}, format="json").status_code
        for _ in range(allowed + 1)
    ]

    assert statuses[:allowed] == [400] * allowed
    assert statuses[allowed] == 429


def test_sync_run_list_not_throttled(api_client, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    allowed = int(rates["sync_start"].split("/")[0])

    statuses = {
        api_client.get("/api/sync-runs/").status_code for _ in range(allowed + 1)
    }

    assert statuses == {200}


def test_sales_list_with_money_as_strings(api_client, seller):
    SaleFactory(seller=seller, price=Decimal("75.5"), listing__title="Sold 505")

    row = api_client.get("/api/sales/").json()["results"][0]

    assert row["price"] == "75.50"
    assert row["listing_title"] == "Sold 505"
    assert row["sold_at"].endswith("Z")


def test_sales_filter_by_date(api_client, seller):
    now = timezone.now()
    SaleFactory(seller=seller, sold_at=now - timedelta(days=10))
    recent = SaleFactory(seller=seller, sold_at=now - timedelta(hours=1))

    since = (now - timedelta(days=1)).isoformat()
    body = api_client.get("/api/sales/", {"sold_after": since}).json()

    assert [row["id"] for row in body["results"]] == [recent.pk]


def test_sales_filter_rejects_bad_date(api_client):
    response = api_client.get("/api/sales/?sold_after=yesterday")

    assert response.status_code == 400
    assert list(response.json()) == ["sold_after"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sold_before", "9999-12-31T23:59:59-05:00"),
        ("sold_after", "0001-01-01T00:00:00+05:00"),
    ],
)
def test_sales_filter_rejects_time_outside_utc(api_client, name, value):
    response = api_client.get("/api/sales/", {name: value})

    assert response.status_code == 400
    assert "outside the dates that can be stored" in response.json()[name][0]
