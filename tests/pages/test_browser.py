"""A seller syncs, edits a price and watches the push reach Whatnot, in a real
browser against a live server, a Celery worker and the sandbox over HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.fixtures.browser import log_in
from tests.fixtures.processes import running_worker
from tests.fixtures.sandbox import running_sandbox
from tests.pages.factories import SellerFactory, WhatnotConnectionFactory
from whatnot.models import Listing

PASSWORD = "correct-horse-battery-staple"
SYNC_TIMEOUT_MS = 90_000


@pytest.fixture
def whatnot_stack(transactional_db, tmp_path, settings):
    """The sandbox, a worker that talks to it, and a seller connected to it."""
    with running_sandbox(
        sellers=1, listings_per_seller=5, data_dir=tmp_path
    ) as sandbox:
        settings.WHATNOT_BASE_URL = sandbox.base_url
        username = sandbox.sellers[0]
        grant = sandbox.issue_oauth_tokens(username)
        seller = SellerFactory(username="browser-seller")
        WhatnotConnectionFactory(
            user=seller,
            whatnot_username=username,
            access_token=grant["access_token"],
            refresh_token=grant["refresh_token"],
            access_token_expires_at=timezone.now()
            + timedelta(seconds=grant["expires_in"]),
            scopes=grant["scope"],
        )
        with running_worker(WHATNOT_BASE_URL=sandbox.base_url) as worker:
            yield sandbox, seller, worker


@pytest.mark.browser
@pytest.mark.slow
def test_price_edit_reaches_whatnot(page, live_server, whatnot_stack):
    sandbox, seller, worker = whatnot_stack
    log_in(page, live_server.url, seller.username, PASSWORD)

    page.goto(f"{live_server.url}/sync/")
    page.get_by_role("button", name="Full resync").click()
    page.wait_for_selector(
        '#sync-progress[data-run-status="succeeded"]', timeout=SYNC_TIMEOUT_MS
    )
    listing = Listing.objects.filter(seller=seller).order_by("pk").first()
    assert listing is not None, worker.log_text()[-3000:]

    page.goto(f"{live_server.url}/inventory/{listing.pk}/edit/")
    page.get_by_label("Price (USD)").fill("123.45")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector('[data-sync-state="pending"], [data-sync-state="synced"]')
    page.wait_for_selector('[data-sync-state="synced"]', timeout=SYNC_TIMEOUT_MS)

    listing.refresh_from_db()
    assert listing.price == Decimal("123.45")
    assert listing.sync_state == Listing.SyncState.SYNCED
    remote = sandbox.listing(listing.whatnot_id)
    assert remote["price_cents"] == 12345, remote
    assert page.get_by_text("Changed price.").count() == 1
    assert listing.events.filter(from_state="pending", to_state="synced").exists()
    page.reload()
    assert page.locator("table .badge-synced").count() == 1
