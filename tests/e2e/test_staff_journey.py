"""Staff replay webhooks that failed because their seller was not connected
yet, and see a seller flagged "needs reconnect" once Whatnot revokes its
tokens, in the admin against the live server, a worker and the sandbox."""

from __future__ import annotations

import pytest

from accounts.models import WhatnotConnection
from tests.e2e.helpers import connect_with_oauth_tokens, screenshot
from tests.fixtures.browser import log_in
from tests.fixtures.processes import wait_until
from tests.pages.factories import SellerFactory
from whatnot.models import Sale, WebhookEvent
from whatnot.services.sync import queue_sync

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct-horse-battery-staple"


def unfinished_events(event_ids) -> list[str]:
    finished = [WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED]
    return list(
        WebhookEvent.objects.filter(event_id__in=event_ids)
        .exclude(status__in=finished)
        .values_list("event_id", flat=True)
    )


def test_staff_journey(page, live_server, staff_user, whatnot_settings):
    stack = whatnot_settings
    sandbox = stack.sandbox
    store = sandbox.sellers[1]
    base = live_server.url
    page.set_default_timeout(45_000)
    shop = SellerFactory(username="late-connector")

    # A sale on a store selvedge does not know yet: its webhooks fail.
    orders = sandbox.trigger_sales(seller=store)
    assert len(orders) == 1
    delivered = {
        delivery["event_id"]
        for delivery in sandbox.webhook_deliveries(seller=store)
        if delivery.get("event_id")
    }
    failed = wait_until(
        lambda: list(WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED)),
        timeout=60,
        message=f"no failed webhook event was stored:\n{stack.logs()}",
    )
    assert "no connected seller" in failed[0].last_error
    assert not Sale.objects.exists()

    # The seller connects; staff find the failed events and replay them.
    connection = connect_with_oauth_tokens(sandbox, store, shop)
    wait_until(
        lambda: (
            WebhookEvent.objects.filter(
                seller_whatnot_id=connection.whatnot_user_id
            ).count()
            >= len(delivered)
        ),
        timeout=30,
        message="not every delivery the sandbox sent was stored",
    )
    failed_ids = set(
        WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).values_list(
            "event_id", flat=True
        )
    )
    assert failed_ids
    log_in(page, base, "staff", PASSWORD)
    page.goto(f"{base}/admin/whatnot/webhookevent/?status__exact=failed")
    results = page.locator("#result_list")
    for event_id in failed_ids:
        assert event_id in results.inner_text()
    page.check("#action-toggle")
    page.select_option("select[name=action]", "replay_failed_events")
    page.click("button[name=index]")
    message = page.locator(".messagelist")
    assert f"Queued {len(failed_ids)} failed event(s)" in message.inner_text()
    screenshot(page, "staff-01-replayed")
    wait_until(
        lambda: not unfinished_events(failed_ids),
        timeout=60,
        message=f"the replayed events were not processed:\n{stack.logs()}",
    )
    sale = Sale.objects.get(order_whatnot_id=orders[0])
    assert sale.seller == shop
    assert set(
        WebhookEvent.objects.filter(event_id__in=failed_ids).values_list(
            "replay_count", flat=True
        )
    ) == {1}
    page.goto(f"{base}/admin/whatnot/webhookevent/?status__exact=failed")
    remaining = page.locator("#changelist").inner_text()
    assert not [event_id for event_id in failed_ids if event_id in remaining]

    # Whatnot revokes the seller's tokens; the next sync flags the connection.
    sandbox.revoke_refresh_tokens(store)
    sandbox.expire_access_tokens(store)
    queue_sync(shop, kind="incremental")
    wait_until(
        lambda: (
            WhatnotConnection.objects.get(pk=connection.pk).status
            == WhatnotConnection.Status.NEEDS_RECONNECT
        ),
        timeout=60,
        message=f"the connection was not flagged:\n{stack.logs()}",
    )
    page.goto(f"{base}/admin/accounts/whatnotconnection/?status__exact=needs_reconnect")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "late-connector" in rows.first.inner_text()
    assert "Needs reconnect" in rows.first.inner_text()
    screenshot(page, "staff-02-needs-reconnect")
