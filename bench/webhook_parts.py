#!/usr/bin/env python3
"""CPU time of each part of a webhook delivery, measured in one process.

Each part runs many times in a loop and reports the process CPU time per
call, so other load on the machine inflates the figures less than it inflates
wall-clock rates. Parts:

- get-405: a GET on the webhook URL through Django's WSGI handler (the
  request and response cost of Django with the fast-path middleware);
- post-no-store: a signed POST that is verified and parsed but not stored;
- post-no-queue: a signed POST that is stored but not handed to the workers;
- post: the whole delivery, dispatcher included;
- insert-orm: WebhookEvent.objects.create() inside transaction.atomic();
- insert-statement: whatnot.webhooks.storage.insert_event;
- publish-one: one Celery message per event (process_webhook_event_task);
- publish-batch-50: one message for 50 events, per event.

Run from the repository root; it needs Redis (db 4 by default):

    .venv/bin/python bench/webhook_parts.py
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench" / "webhook-parts.sqlite3"
SECRET = "bench-webhook-secret"


def configure(broker_url: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="bench-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_LOG_LEVEL="WARNING",
        WHATNOT_CLIENT_SECRET="bench-client-secret",
        WHATNOT_WEBHOOK_SECRET=SECRET,
        TOKEN_ENCRYPTION_KEYS="YmVuY2gtb25seS1rZXktbm90LWZvci1yZWFsLXVzZSE=",
        DATABASE_URL=f"sqlite:///{DATABASE}",
        CELERY_BROKER_URL=broker_url,
        SELVEDGE_NO_BOOTSTRAP="1",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def envelope_body() -> bytes:
    return json.dumps(
        {
            "id": f"evt-parts-{uuid.uuid4().hex}",
            "timestamp": "2026-03-12T09:15:00Z",
            "topic": "listing/created",
            "object": {
                "id": f"TGlzdGluZzpwYXJ0cw-{uuid.uuid4().hex}",
                "title": "Levi's 501 Big E Selvedge Jeans 32x30 (1970s)",
                "price": {"amount": "185.00", "currency": "USD"},
                "updated_at": "2026-03-12T09:15:00Z",
            },
        }
    ).encode()


def wsgi_environ(method: str) -> dict:
    from whatnot.webhooks.signatures import sign

    body = envelope_body() if method == "POST" else b""
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/webhooks/whatnot/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "HTTP_X_WHATNOT_WEBHOOK_SIGNATURE": sign(body, SECRET),
        "HTTP_X_WHATNOT_SELLER_ID": "VXNlcjpwYXJ0cw==",
    }


def cpu_per_call(function, inputs: list) -> float:
    """Return the process CPU time per call in microseconds, after a warm-up."""
    for item in inputs[:50]:
        function(item)
    started = time.process_time()
    for item in inputs[50:]:
        function(item)
    return (time.process_time() - started) / (len(inputs) - 50) * 1e6


def request_part(method: str, count: int) -> float:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def call(environ):
        b"".join(application(environ, lambda status, headers: None))

    return cpu_per_call(call, [wsgi_environ(method) for _ in range(count)])


def parts(count: int) -> dict[str, float]:
    from unittest import mock

    from django.db import transaction
    from django.utils import timezone

    from whatnot.models import WebhookEvent
    from whatnot.tasks.webhooks import process_webhook_event_task
    from whatnot.webhooks import dispatch, storage, views
    from whatnot.webhooks.dispatch import publish_batch

    results = {"get-405": request_part("GET", count)}
    with mock.patch.object(views, "store_event", return_value="received"):
        results["post-no-store"] = request_part("POST", count)
    with mock.patch.object(storage.dispatcher, "add"):
        results["post-no-queue"] = request_part("POST", count)
    results["post"] = request_part("POST", count)
    dispatch.dispatcher.flush()

    def row(_):
        now = timezone.now()
        return {
            "event_id": uuid.uuid4().hex,
            "topic": "listing/created",
            "seller_whatnot_id": "VXNlcjpwYXJ0cw==",
            "event_timestamp": now,
            "body": envelope_body(),
            "received_at": now,
            "next_attempt_at": now,
        }

    def insert_orm(values):
        with transaction.atomic():
            WebhookEvent.objects.create(**values)

    rows = [row(number) for number in range(count)]
    results["insert-orm"] = cpu_per_call(insert_orm, rows)
    rows = [row(number) for number in range(count)]
    results["insert-statement"] = cpu_per_call(storage.insert_event, rows)
    results["publish-one"] = cpu_per_call(
        process_webhook_event_task.delay, list(range(count))
    )
    batches = [list(range(50))] * (count // 10)
    results["publish-batch-50"] = cpu_per_call(publish_batch, batches) / 50
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="calls per part")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/4")
    args = parser.parse_args()
    configure(args.broker_url)
    results = parts(args.count)
    import redis

    redis.Redis.from_url(args.broker_url).delete("webhooks")
    print("| part | CPU µs per call |")
    print("| --- | ---: |")
    for name, micros in results.items():
        print(f"| {name} | {micros:,.0f} |")


if __name__ == "__main__":
    main()
