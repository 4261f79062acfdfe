"""The receiver under gunicorn with real Celery workers, over real HTTP.

The burst tests send 2,000 events (plus 200 concurrent redeliveries) from 8
senders while a worker processes them, kill the worker with SIGKILL halfway
and start a new one. The killed worker takes its tasks with it: the embedded
broker never delivers them again, and Redis only after its visibility timeout.
So the requeue sweep has to find their events. The test sends the sweep task
every few seconds, as beat does every minute.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from config.celery import app as celery_app
from tests.conftest import broker_is_redis
from tests.fixtures.processes import (
    ManagedProcess,
    celery_worker_args,
    child_process_env,
    free_port,
    wait_for_port,
    wait_until,
)
from tests.webhooks.conftest import SELLER_WHATNOT_ID
from tests.webhooks.factories import ListingFactory
from whatnot.models import Listing, Sale, WebhookEvent
from whatnot.tasks.webhooks import requeue_overdue_webhook_events_task
from whatnot.webhooks.signatures import sign

SECRET = "test-webhook-secret"
PATH = "/webhooks/whatnot/"
MAX_BYTES = 16384
SOLD_LISTINGS = 100
SALES_PER_LISTING = 10
STARTING_QUANTITY = 20
NEW_LISTINGS = 1000
DISTINCT_EVENTS = NEW_LISTINGS + SOLD_LISTINGS * SALES_PER_LISTING
REDELIVERED = 200
SENDERS = 8


@pytest.fixture(scope="module")
def gunicorn_server(django_db_setup):
    """gunicorn with 3 sync workers on the test database, shared by the tests
    of this module; each test still gets its own emptied tables."""
    port = free_port()
    server = ManagedProcess(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        child_process_env(WHATNOT_WEBHOOK_MAX_BYTES=str(MAX_BYTES)),
    ).start()
    try:
        wait_for_port(port, process=server.process)
        server.port = port
        yield server
    finally:
        server.stop()


def post(port: int, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", PATH, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def signed_headers(body: bytes) -> dict:
    return {
        "Content-Type": "application/json",
        "X-Whatnot-Webhook-Signature": sign(body, SECRET),
        "X-Whatnot-Seller-Id": SELLER_WHATNOT_ID,
    }


def raw_exchange(port: int, request: bytes, shut_write: bool = False) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        if shut_write:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def chunked_request(body: bytes, signature: str) -> bytes:
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 4000]), body[i : i + 4000])
        for i in range(0, len(body), 4000)
    )
    return (
        b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        b"X-Whatnot-Webhook-Signature: " + signature.encode() + b"\r\n"
        b"Connection: close\r\n\r\n" + chunks + b"0\r\n\r\n"
    )


def listing_envelope(number: int, padding: str = "") -> bytes:
    envelope = {
        "id": f"evt_live_listing_{number}",
        "timestamp": "2026-03-12T09:15:00Z",
        "topic": "listing/created",
        "object": {
            "id": f"TGlzdGluZzpsaXZl{number}",
            "title": f"Wrangler 13MWZ #{number}{padding}",
            "listing_type": "BUY_IT_NOW",
            "status": "ACTIVE",
            "quantity": 1,
            "price": {"amount": "64.00", "currency": "USD"},
            "updated_at": "2026-03-12T09:15:00Z",
        },
    }
    return json.dumps(envelope).encode()


def sold_envelope(listing_number: int, sale_number: int) -> bytes:
    envelope = {
        "id": f"evt_live_sold_{listing_number}_{sale_number}",
        "timestamp": "2026-03-14T19:42:11Z",
        "topic": "product/sold",
        "object": {
            "product_id": f"UHJvZHVjdDpsaXZl{listing_number}",
            "order_id": f"T3JkZXI6bGl2ZQ{listing_number}_{sale_number}",
            "quantity": 1,
        },
    }
    return json.dumps(envelope).encode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_chunked_body_is_verified_and_stored(gunicorn_server):
    body = listing_envelope(1)
    request = chunked_request(body, sign(body, SECRET))

    response = raw_exchange(gunicorn_server.port, request)

    assert response.startswith(b"HTTP/1.1 200"), response
    assert bytes(WebhookEvent.objects.get().body) == body


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_chunked_body_over_the_limit_gets_413(gunicorn_server):
    body = listing_envelope(1, padding="x" * MAX_BYTES)

    response = raw_exchange(gunicorn_server.port, chunked_request(body, "0" * 64))

    assert response.startswith(b"HTTP/1.1 413"), response
    assert b"over the limit of 16384 bytes" in response
    assert WebhookEvent.objects.count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_declared_length_over_the_limit_gets_413_unread(gunicorn_server):
    request = (
        b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 50000000\r\n"
        b"Connection: close\r\n\r\n"
    )

    response = raw_exchange(gunicorn_server.port, request)

    assert response.startswith(b"HTTP/1.1 413"), response
    assert b"the body is 50000000 bytes" in response


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_body_cut_short_gets_400(gunicorn_server):
    body = listing_envelope(1)
    request = (
        b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: " + str(len(body) + 100).encode() + b"\r\n"
        b"X-Whatnot-Webhook-Signature: "
        + sign(body, SECRET).encode()
        + b"\r\n\r\n"
        + body
    )

    response = raw_exchange(gunicorn_server.port, request, shut_write=True)

    assert response.startswith(b"HTTP/1.1 400"), response
    assert WebhookEvent.objects.count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_forged_and_valid_deliveries_over_http(gunicorn_server):
    body = listing_envelope(7)

    forged = post(gunicorn_server.port, body, {**signed_headers(body[:-1] + b" ")})
    valid = post(gunicorn_server.port, body, signed_headers(body))
    no_slash = http.client.HTTPConnection("127.0.0.1", gunicorn_server.port)
    no_slash.request("POST", PATH.rstrip("/"), body=body, headers=signed_headers(body))
    redelivered = no_slash.getresponse()

    assert forged[0] == 401
    assert valid == (200, {"status": "accepted"})
    assert redelivered.status == 200
    assert json.loads(redelivered.read()) == {"status": "duplicate"}
    assert WebhookEvent.objects.count() == 1


def prepare_sold_listings(seller) -> None:
    for number in range(SOLD_LISTINGS):
        ListingFactory(
            seller=seller,
            variant__product__seller=seller,
            variant__product__whatnot_id=f"UHJvZHVjdDpsaXZl{number}",
            quantity=STARTING_QUANTITY,
            price=Decimal("120.00"),
        )


def burst_deliveries() -> list[bytes]:
    """2,000 distinct events in a fixed shuffled order, then 200 of them again,
    each redelivery placed right after its original so that two senders
    usually have them in flight at once."""
    bodies = [listing_envelope(number) for number in range(NEW_LISTINGS)]
    bodies += [
        sold_envelope(listing, sale)
        for listing in range(SOLD_LISTINGS)
        for sale in range(SALES_PER_LISTING)
    ]
    random.Random(20261204).shuffle(bodies)
    deliveries = []
    for index, body in enumerate(bodies):
        deliveries.append(body)
        if index % 10 == 0:
            deliveries.append(body)
    return deliveries


def send_all(port: int, deliveries: list[bytes], halfway: threading.Event):
    sent = 0
    lock = threading.Lock()

    def deliver(body: bytes) -> tuple[int, str]:
        nonlocal sent
        status, answer = post(port, body, signed_headers(body))
        with lock:
            sent += 1
            if sent >= len(deliveries) // 2:
                halfway.set()
        return status, answer.get("status", "")

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        return list(pool.map(deliver, deliveries))


def start_worker(name: str) -> ManagedProcess:
    arguments = celery_worker_args("webhooks", concurrency=2, name=name)
    if not broker_is_redis():
        # The embedded broker polls once a second whenever the worker's
        # prefetch window is full, which caps a two-process worker with the
        # default window at about two tasks a second. A wider window also puts
        # more tasks in flight for the SIGKILL to lose.
        arguments += ["--prefetch-multiplier", "50"]
    return ManagedProcess(
        f"worker-{name}",
        arguments,
        child_process_env(WHATNOT_WEBHOOK_REQUEUE_AFTER="20"),
    ).start()


def run_burst(server, seller) -> None:
    prepare_sold_listings(seller)
    celery_app.control.purge()
    deliveries = burst_deliveries()
    halfway = threading.Event()
    first = start_worker("burst-first")
    second = None
    sweeping = threading.Event()

    def sweep_like_beat():
        while not sweeping.wait(5):
            requeue_overdue_webhook_events_task.delay()

    sweeper = threading.Thread(target=sweep_like_beat, daemon=True)
    try:
        with ThreadPoolExecutor(max_workers=1) as runner:
            sending = runner.submit(send_all, server.port, deliveries, halfway)
            assert halfway.wait(300), "the senders never got halfway"
            # Kill the worker while it works through a backlog, so that it
            # dies holding tasks.
            wait_until(
                lambda: (
                    WebhookEvent.objects.filter(status="processed").exists()
                    and WebhookEvent.objects.filter(status="received").count() >= 20
                ),
                timeout=120,
                message="no backlog with the first worker busy:\n"
                + first.log_text()[-3000:],
            )
            first.kill()
            processed_at_kill = WebhookEvent.objects.filter(status="processed").count()
            second = start_worker("burst-second")
            sweeper.start()
            answers = sending.result(timeout=600)

        assert [status for status, _ in answers] == [200] * len(deliveries)
        outcomes = [outcome for _, outcome in answers]
        assert outcomes.count("accepted") == DISTINCT_EVENTS
        assert outcomes.count("duplicate") == REDELIVERED
        assert processed_at_kill < DISTINCT_EVENTS
        wait_until(
            lambda: not WebhookEvent.objects.exclude(status="processed").exists(),
            timeout=300,
            interval=1,
            message="events left unprocessed: "
            + repr(list(WebhookEvent.objects.exclude(status="processed")[:5]))
            + "\n"
            + second.log_text()[-3000:],
        )
    finally:
        sweeping.set()
        first.kill()
        if second is not None:
            second.stop()

    # The sweep ran in the second worker. Whether it had lost tasks to requeue
    # depends on what the killed worker held at that moment, so the proof of
    # recovery is that every event below ends processed exactly once.
    assert "requeue_overdue_webhook_events_task" in second.log_text()
    events = WebhookEvent.objects.all()
    assert events.count() == DISTINCT_EVENTS
    assert set(events.values_list("attempts", flat=True)) == {1}
    assert sum(events.values_list("duplicate_count", flat=True)) == REDELIVERED
    assert Sale.objects.count() == SOLD_LISTINGS * SALES_PER_LISTING
    sold = Listing.objects.filter(
        variant__product__whatnot_id__startswith="UHJvZHVjdDpsaXZl"
    )
    assert sold.count() == SOLD_LISTINGS
    assert set(sold.values_list("quantity", flat=True)) == {
        STARTING_QUANTITY - SALES_PER_LISTING
    }
    created = Listing.objects.filter(whatnot_id__startswith="TGlzdGluZzpsaXZl")
    assert created.count() == NEW_LISTINGS
    assert created.filter(seller=seller, price=Decimal("64.00")).count() == NEW_LISTINGS


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_burst_with_worker_killed_midway_on_redis(gunicorn_server, connection):
    run_burst(gunicorn_server, connection.user)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_burst_with_worker_killed_midway_on_embedded_broker(
    gunicorn_server, connection
):
    if broker_is_redis():
        pytest.skip("runs in the leg with the embedded broker (no CELERY_BROKER_URL)")

    run_burst(gunicorn_server, connection.user)
