"""A new seller signs up, connects a sandbox store over OAuth, syncs, edits a
price, creates a listing with comps on screen and sees a sale, in Chromium
against the live server, a real Celery worker and the sandbox over HTTP."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import Role, WhatnotConnection
from tests.e2e.helpers import screenshot
from tests.fixtures.processes import wait_until
from whatnot.models import Listing, Sale, SyncRun

pytestmark = [pytest.mark.browser, pytest.mark.slow]

POSHMARK_FILE = (
    settings.BASE_DIR.parent / "shared/data/real/poshmark_mens_jeans_2020.csv"
)
PASSWORD = "vintage-selvedge-501"
SYNC_TIMEOUT_MS = 90_000
NEW_TITLE = "Levi's 501 vintage 1990s jeans W32 L30"


def sign_up(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("input[name=email]", f"{username}@example.test")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def connect_store(page, base_url: str, store: str) -> None:
    page.goto(f"{base_url}/settings/")
    page.get_by_role("button", name="Connect Whatnot").click()
    page.wait_for_url("**/seller-api/rest/oauth/authorize**")
    page.select_option("#seller", store)
    page.click("#approve", no_wait_after=True)
    page.wait_for_url("**/settings/", timeout=60_000)


def wait_for_sync(page, base_url: str, stack) -> None:
    page.goto(f"{base_url}/sync/")
    progress = page.locator("#sync-progress")
    progress.wait_for()
    try:
        page.wait_for_selector(
            '#sync-progress[data-run-status="succeeded"]', timeout=SYNC_TIMEOUT_MS
        )
    except Exception as exc:
        raise AssertionError(f"the sync did not finish:\n{stack.logs()}") from exc


def wait_for_synced(page, stack) -> None:
    try:
        page.wait_for_selector('[data-sync-state="synced"]', timeout=SYNC_TIMEOUT_MS)
    except Exception as exc:
        raise AssertionError(f"the push did not finish:\n{stack.logs()}") from exc


def test_seller_journey(page, live_server, whatnot_settings):
    stack = whatnot_settings
    sandbox = stack.sandbox
    store = sandbox.sellers[0]
    base = live_server.url
    page.set_default_timeout(45_000)
    call_command("import_listings", str(POSHMARK_FILE), platform="poshmark")
    cache.clear()

    # Sign up: the new account is a seller.
    sign_up(page, base, "denim-dealer")
    user = get_user_model().objects.get(username="denim-dealer")
    assert user.has_role(Role.SELLER)

    # Connect the sandbox store through its consent page.
    connect_store(page, base, store)
    assert "Connected" in page.locator("#whatnot").inner_text()
    connection = WhatnotConnection.objects.get(user=user)
    assert connection.whatnot_username == store
    assert connection.kind == WhatnotConnection.Kind.OAUTH

    # The first sync was queued on connect and finishes on the sync page.
    wait_for_sync(page, base, stack)
    screenshot(page, "seller-01-first-sync")
    first_run = SyncRun.objects.get(seller=user)
    assert first_run.kind == SyncRun.Kind.FULL
    remote = sandbox.store(store)["listings"]
    assert Listing.objects.filter(seller=user).count() == len(remote)
    assert f"{len(remote)} new" in page.locator("#sync-progress").inner_text()

    # Search the inventory for one listing by its Whatnot id.
    target = remote[1]
    page.goto(f"{base}/inventory/")
    page.fill("#id_q", target["id"])
    page.wait_for_url(re.compile(r".*q=.*"))
    results = page.locator("#listing-results")
    results.get_by_text("1 listing", exact=True).wait_for()
    link = results.get_by_role("link", name=target["title"][:80])
    assert link.count() == 1
    screenshot(page, "seller-02-search")

    # Change its price; the push reaches the sandbox.
    link.click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Price (USD)").fill("187.50")
    page.get_by_role("button", name="Save changes").click()
    wait_for_synced(page, stack)
    screenshot(page, "seller-03-price-pushed")
    listing = Listing.objects.get(seller=user, whatnot_id=target["id"])
    assert listing.price == Decimal("187.50")
    assert sandbox.listing(target["id"])["price_cents"] == 18750
    dumped = {row["id"]: row for row in sandbox.store(store)["listings"]}
    assert dumped[target["id"]]["price_cents"] == 18750

    # Create a listing: the comps price range shows while filling the form.
    page.goto(f"{base}/inventory/new/")
    page.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_label("Brand").fill("Levi's")
    page.get_by_label("Brand").press("Tab")
    low = page.locator('#listing-comps [data-comps="price_low"]')
    low.wait_for()
    high = page.locator('#listing-comps [data-comps="price_high"]')
    assert re.fullmatch(r"\$\d+(\.\d+)?", low.inner_text())
    assert Decimal(low.inner_text()[1:]) <= Decimal(high.inner_text()[1:])
    page.get_by_label("Description").fill("Light wash, button fly, no holes.")
    page.select_option("#id_taxonomy_node_id", index=1)
    page.get_by_label("Price (USD)").fill("95.00")
    page.get_by_label("Quantity").fill("2")
    screenshot(page, "seller-04-new-listing-comps")
    page.get_by_role("button", name="Create listing").click()
    wait_for_synced(page, stack)
    created = Listing.objects.get(seller=user, title=NEW_TITLE)
    assert created.whatnot_id
    on_sandbox = sandbox.listing(created.whatnot_id)
    assert on_sandbox["title"] == NEW_TITLE
    assert on_sandbox["price_cents"] == 9500
    assert on_sandbox["quantity"] == 2

    # A buyer purchases the edited listing; the webhook brings the sale in
    # without a sync, and a reload shows the new quantity and status.
    quantity_before = dumped[target["id"]]["quantity"]
    orders = sandbox.trigger_sales(seller=store, listing_id=target["id"])
    assert len(orders) == 1
    wait_until(
        lambda: Sale.objects.filter(order_whatnot_id=orders[0]).exists(),
        timeout=60,
        message=f"no webhook stored the sale:\n{stack.logs()}",
    )
    assert SyncRun.objects.filter(seller=user).count() == 1
    remote_after = sandbox.listing(target["id"])
    assert remote_after["quantity"] == quantity_before - 1
    wait_until(
        lambda: Listing.objects.get(pk=listing.pk).quantity == quantity_before - 1,
        timeout=60,
        message=f"the listing's quantity did not change:\n{stack.logs()}",
    )
    page.goto(f"{base}/inventory/{listing.pk}/")
    details = page.locator("main").inner_text()
    assert f"Quantity\n{quantity_before - 1}" in details
    listing.refresh_from_db()
    assert listing.status == remote_after["status"]
    assert listing.get_status_display() in details
    screenshot(page, "seller-05-sold-listing")
    page.goto(f"{base}/sales/")
    sales = page.locator("main")
    assert orders[0] in sales.inner_text()
    assert target["title"][:40] in sales.inner_text()
    screenshot(page, "seller-06-sales")
