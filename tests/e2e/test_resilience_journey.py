"""With the sandbox's faults on (429s, 5xx, duplicate and out-of-order
webhooks) while its simulator sells and edits, selvedge ends with exactly the
sandbox's store once the faults stop and a last sync runs, and every webhook
is stored once and applied once."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from tests.e2e.helpers import connect_with_oauth_tokens
from tests.fixtures.processes import wait_until
from tests.pages.factories import SellerFactory
from whatnot.models import Sale, SyncRun, WebhookEvent
from whatnot.services.sync import queue_sync

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FAULT_SECONDS = 60
FAULTS = {
    "http_429_rate": 0.15,
    "http_500_rate": 0.05,
    "http_503_rate": 0.05,
    "webhook_duplicate_rate": 0.3,
    "webhook_out_of_order_rate": 0.3,
}
FINISHED = {WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED}


def run_sync(user, kind: str, stack) -> SyncRun:
    run = queue_sync(user, kind=kind)
    return wait_until(
        lambda: SyncRun.objects.filter(
            pk=run.pk, status__in=[SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED]
        ).first(),
        timeout=120,
        message=f"sync run {run.pk} did not finish:\n{stack.logs()}",
    )


def stored_events_cover(delivered: set[str]) -> bool:
    stored = WebhookEvent.objects.filter(event_id__in=delivered)
    return stored.count() == len(delivered) and all(
        event.status in FINISHED for event in stored
    )


def wait_for_deliveries(sandbox, store: str, stack) -> set[str]:
    """Wait until selvedge has processed every event the sandbox sent, and the
    sandbox has sent nothing new meanwhile; return the event ids."""
    delivered: set[str] = set()

    def settled() -> bool:
        nonlocal delivered
        latest = {row["event_id"] for row in sandbox.webhook_deliveries(seller=store)}
        done = latest == delivered and stored_events_cover(latest)
        delivered = latest
        return done

    wait_until(
        settled,
        timeout=120,
        interval=2,
        message=f"webhooks were lost or left unprocessed:\n{stack.logs()}",
    )
    assert delivered
    return delivered


def test_faults_lose_nothing(transactional_db, whatnot_settings):
    stack = whatnot_settings
    sandbox = stack.sandbox
    store = sandbox.sellers[2]
    user = SellerFactory(username="steady-seller")
    connection = connect_with_oauth_tokens(sandbox, store, user)
    first = run_sync(user, SyncRun.Kind.FULL, stack)
    assert first.status == SyncRun.Status.SUCCEEDED, first.error

    # Faults on while buyers buy and the seller edits on Whatnot.
    sandbox.set_faults(**FAULTS)
    deadline = time.monotonic() + FAULT_SECONDS
    ticks = 0
    while time.monotonic() < deadline:
        sandbox.simulate(ticks=1, seller=store)
        ticks += 1
        if ticks % 5 == 0:
            queue_sync(user, kind=SyncRun.Kind.INCREMENTAL)
        time.sleep(3)
    faulted = [entry for entry in sandbox.requests_log() if entry.get("fault")]
    sandbox.reset_faults()
    assert faulted, "no API request met a fault"

    # Faults off: every delivery lands, then one last full sync.
    delivered = wait_for_deliveries(sandbox, store, stack)
    last = run_sync(user, SyncRun.Kind.FULL, stack)
    assert last.status == SyncRun.Status.SUCCEEDED, last.error

    # selvedge's inventory equals the sandbox's store.
    output = StringIO()
    call_command("check_inventory", seller=user.username, stdout=output)
    remote = sandbox.store(store)
    assert f"{len(remote['listings'])} listings on Whatnot" in output.getvalue()
    assert "0 difference(s)" in output.getvalue()

    # Each webhook is stored once; each order is one sale, none twice.
    events = WebhookEvent.objects.filter(seller_whatnot_id=connection.whatnot_user_id)
    assert set(events.values_list("event_id", flat=True)) == delivered
    assert sum(events.values_list("duplicate_count", flat=True)) > 0
    orders = {order["id"] for order in remote["orders"]}
    sales = list(Sale.objects.filter(seller=user))
    assert {sale.order_whatnot_id for sale in sales} == orders
    assert len(sales) == len(orders)
