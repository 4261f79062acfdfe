"""Dashboard, listing detail, sync and sales pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tests.pages.factories import (
    ListingFactory,
    SaleFactory,
    SyncRunFactory,
    WhatnotConnectionFactory,
)
from whatnot.models import Listing, ListingEvent, SyncRun, WebhookEvent


def test_dashboard_shows_counts_connection_and_sales(seller_client, seller):
    WhatnotConnectionFactory(user=seller, whatnot_username="indigo_vault")
    ListingFactory.create_batch(3, seller=seller, status=Listing.Status.ACTIVE)
    ListingFactory(seller=seller, status=Listing.Status.SOLD)
    ListingFactory(seller=seller, sync_state=Listing.SyncState.CONFLICT)
    SaleFactory(seller=seller, listing__title="Sold Big E", price=Decimal("310.00"))
    SyncRunFactory(seller=seller, status=SyncRun.Status.FAILED)

    response = seller_client.get(reverse("whatnot:dashboard"))

    page = response.content.decode()
    assert response.context["total_listings"] == 6
    assert ("ACTIVE", "Active", 5) in response.context["status_counts"]
    assert ("SOLD", "Sold", 1) in response.context["status_counts"]
    assert ("conflict", "Conflict", 1) in response.context["sync_counts"]
    assert "indigo_vault" in page
    assert "Sold Big E" in page
    assert "310.00 USD" in page
    assert 'class="badge badge-failed"' in page


def test_dashboard_without_connection_offers_connect(seller_client):
    response = seller_client.get(reverse("whatnot:dashboard"))

    page = response.content.decode()
    assert "Your Whatnot store is not connected yet." in page
    assert reverse("accounts:settings") + "#whatnot" in page


def test_dashboard_never_shows_tokens(seller_client, seller):
    connection = WhatnotConnectionFactory(user=seller)

    page = seller_client.get(reverse("whatnot:dashboard")).content.decode()

    assert connection.access_token not in page
    assert connection.refresh_token not in page


def test_detail_shows_history_and_last_error(seller_client, seller):
    listing = ListingFactory(seller=seller)
    listing.sync_state = Listing.SyncState.FAILED
    listing.sync_error = "Whatnot rejected the price: amount must be > 0."
    listing.save()

    response = seller_client.get(reverse("whatnot:listing_detail", args=[listing.pk]))

    page = response.content.decode()
    assert "Whatnot rejected the price: amount must be &gt; 0." in page
    assert "Sync state changed" in page
    assert "Edit and retry" in page
    assert 'hx-trigger="every 1s"' not in page


def test_detail_polls_while_push_is_pending(seller_client, seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.PENDING)

    page = seller_client.get(
        reverse("whatnot:listing_detail", args=[listing.pk])
    ).content.decode()

    assert 'hx-trigger="every 1s"' in page
    assert reverse("whatnot:listing_sync_state", args=[listing.pk]) in page


def test_sync_state_partial_stops_polling_once_synced(seller_client, seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.SYNCED)

    response = seller_client.get(
        reverse("whatnot:listing_sync_state", args=[listing.pk])
    )

    page = response.content.decode()
    assert 'data-sync-state="synced"' in page
    assert "hx-trigger" not in page


def test_conflict_page_compares_both_versions(seller_client, seller):
    listing = ListingFactory(
        seller=seller,
        price=Decimal("100.00"),
        sync_state=Listing.SyncState.CONFLICT,
        remote_snapshot={"title": "Changed on Whatnot", "price": "85.00"},
    )

    response = seller_client.get(reverse("whatnot:listing_conflict", args=[listing.pk]))

    page = response.content.decode()
    assert "Changed on Whatnot" in page
    assert "85.00" in page
    assert "100.00" in page
    assert 'value="local"' in page
    assert 'value="remote"' in page


def test_conflict_page_rejects_unknown_choice(seller_client, seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.CONFLICT)

    response = seller_client.post(
        reverse("whatnot:listing_conflict", args=[listing.pk]), {"keep": "both"}
    )

    assert response.status_code == 400
    assert "&#x27;both&#x27; is not a choice" in response.content.decode()
    listing.refresh_from_db()
    assert listing.sync_state == Listing.SyncState.CONFLICT
    assert not ListingEvent.objects.filter(
        kind=ListingEvent.Kind.CONFLICT_RESOLVED
    ).exists()


def test_conflict_page_without_conflict_redirects(seller_client, seller):
    listing = ListingFactory(seller=seller)

    response = seller_client.get(reverse("whatnot:listing_conflict", args=[listing.pk]))

    assert response.status_code == 302


def test_sync_page_shows_running_progress(seller_client, connected_seller):
    run = SyncRunFactory(
        seller=connected_seller,
        status=SyncRun.Status.RUNNING,
        pages=4,
        created_count=180,
        updated_count=12,
    )

    page = seller_client.get(reverse("whatnot:sync_status")).content.decode()

    assert reverse("whatnot:sync_progress", args=[run.pk]) in page
    assert 'hx-trigger="every 1s"' in page
    assert "4 pages read" in page
    assert "180 new · 12 updated" in page
    assert reverse("whatnot:sync_now") in page


def test_sync_progress_stops_polling_when_finished(seller_client, seller):
    run = SyncRunFactory(
        seller=seller, status=SyncRun.Status.FAILED, error="Whatnot returned 503."
    )

    page = seller_client.get(
        reverse("whatnot:sync_progress", args=[run.pk])
    ).content.decode()

    assert 'data-run-status="failed"' in page
    assert "Whatnot returned 503." in page
    assert "hx-trigger" not in page


def test_sync_page_without_connection_hides_sync_button(seller_client):
    page = seller_client.get(reverse("whatnot:sync_status")).content.decode()

    assert "Connect your Whatnot store to sync it." in page
    assert 'name="kind"' not in page


def test_sync_now_without_connection_queues_nothing(seller_client, seller):
    response = seller_client.post(reverse("whatnot:sync_now"), follow=True)

    assert "Connect your Whatnot account before syncing" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_sync_now_rejects_get(seller_client):
    response = seller_client.get(reverse("whatnot:sync_now"))

    assert response.status_code == 405


def test_sales_list_shows_own_sales_newest_first(seller_client, seller, other_seller):
    now = timezone.now()
    SaleFactory(seller=seller, listing__title="Older", sold_at=now - timedelta(days=2))
    SaleFactory(
        seller=seller,
        listing__title="Newer",
        sold_at=now,
        quantity=2,
        price=Decimal("40.00"),
    )
    SaleFactory(seller=other_seller, listing__title="Not mine")

    response = seller_client.get(reverse("whatnot:sale_list"))

    page = response.content.decode()
    assert page.index("Newer") < page.index("Older")
    assert "Not mine" not in page
    assert response.context["totals"]["units"] == 3
    assert response.context["totals"]["revenue"] == Decimal("200.00")


def test_htmx_sync_now_without_connection_reloads_page(seller_client):
    response = seller_client.post(reverse("whatnot:sync_now"), HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == reverse("whatnot:sync_status")
    assert not SyncRun.objects.exists()


def test_sync_page_shows_webhook_health(seller_client, connected_seller):
    whatnot_id = connected_seller.whatnot_connection.whatnot_user_id
    for number, status in enumerate(["processed", "processed", "failed"]):
        WebhookEvent.objects.create(
            event_id=f"evt_health_{number}",
            topic="listing/updated",
            seller_whatnot_id=whatnot_id,
            body=b"{}",
            status=status,
        )

    page = seller_client.get(reverse("whatnot:sync_status")).content.decode()

    assert "Webhook deliveries" in page
    assert '<div class="stat">3</div>' in page
