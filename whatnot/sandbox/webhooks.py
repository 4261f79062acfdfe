"""Signed webhook deliveries with retries, in a background thread.

Each event is POSTed to the configured URL as {id, timestamp, topic, object}
with X-Whatnot-Webhook-Signature (hex HMAC-SHA256 of the exact body bytes keyed
with the webhook secret) and X-Whatnot-Seller-Id. A reply other than 200 is
retried up to five times with growing waits. Every attempt is recorded for the
admin endpoint, and events are recorded even when no URL is configured.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

import requests

from .values import global_id

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
# An event held back by the out-of-order fault goes out at the latest this
# many seconds later when no other event overtakes it.
OUT_OF_ORDER_HOLD_SECONDS = 1.0


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(order=True)
class Job:
    due: float
    sequence: int
    event_id: str = field(compare=False)
    seller_id: int = field(compare=False)
    topic: str = field(compare=False)
    body: bytes = field(compare=False)
    attempt: int = field(compare=False, default=1)
    fault: str = field(compare=False, default="")


class WebhookDispatcher:
    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.config = sandbox.config
        self._jobs: list[Job] = []
        self._held: list[Job] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._stopping = False
        self._session = requests.Session()
        self._thread = threading.Thread(
            target=self._run, name="sandbox-webhooks", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        self._thread.join(timeout=5)

    def emit_all(self, events: list[tuple[int, str, dict]]) -> None:
        for seller_id, topic, obj in events:
            self.emit(seller_id, topic, obj)

    def emit(self, seller_id: int, topic: str, obj: dict) -> str:
        """Queue one event; return its id."""
        event_id = "evt_" + secrets.token_hex(8)
        envelope = {
            "id": event_id,
            "timestamp": self.sandbox.clock.now_text(),
            "topic": topic,
            "object": obj,
        }
        body = json.dumps(envelope, separators=(",", ":")).encode()
        if not self.config.webhook_url:
            self._record(
                Job(time.monotonic(), 0, event_id, seller_id, topic, body),
                status_code=None,
                error="not sent: the sandbox has no --webhook-url",
                signature=None,
            )
            return event_id
        faults = self.sandbox.faults
        settings = faults.settings
        job = Job(
            time.monotonic(), next(self._sequence), event_id, seller_id, topic, body
        )
        if faults.roll("webhook_delay", settings.webhook_delay_rate):
            job.due += settings.webhook_delay_seconds
            job.fault = "delayed"
        with self._condition:
            if faults.roll("webhook_out_of_order", settings.webhook_out_of_order_rate):
                job.fault = "out_of_order"
                job.due += OUT_OF_ORDER_HOLD_SECONDS
                self._held.append(job)
            else:
                heapq.heappush(self._jobs, job)
                self._release_held(after=job)
            if faults.roll("webhook_duplicate", settings.webhook_duplicate_rate):
                duplicate = Job(
                    job.due,
                    next(self._sequence),
                    event_id,
                    seller_id,
                    topic,
                    body,
                    fault="duplicate",
                )
                heapq.heappush(self._jobs, duplicate)
            self._condition.notify_all()
        return event_id

    def _release_held(self, after: Job) -> None:
        # Held events go out right after the event that overtook them.
        for held in self._held:
            held.due = after.due
            held.sequence = next(self._sequence)
            heapq.heappush(self._jobs, held)
        self._held.clear()

    def _next_job(self) -> Job | None:
        with self._condition:
            while not self._stopping:
                now = time.monotonic()
                for held in list(self._held):
                    if held.due <= now:
                        self._held.remove(held)
                        heapq.heappush(self._jobs, held)
                if self._jobs and self._jobs[0].due <= now:
                    return heapq.heappop(self._jobs)
                waits = [job.due - now for job in (*self._jobs[:1], *self._held)]
                self._condition.wait(timeout=min(waits, default=0.5))
        return None

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                self._deliver(job)
            except Exception:
                logger.exception(
                    "Webhook %s (%s) could not be delivered", job.event_id, job.topic
                )

    def _deliver(self, job: Job) -> None:
        faults = self.sandbox.faults
        secret = self.config.webhook_secret
        fault = job.fault
        if faults.roll(
            "webhook_bad_signature", faults.settings.webhook_bad_signature_rate
        ):
            secret = secret + "-wrong"
            fault = ",".join(filter(None, [fault, "bad_signature"]))
        signature = sign(job.body, secret)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "whatnot-sandbox-webhooks/1",
            "X-Whatnot-Webhook-Signature": signature,
            "X-Whatnot-Seller-Id": global_id("User", job.seller_id),
            "X-Whatnot-Webhook-Topic": job.topic,
            "X-Whatnot-Webhook-Id": job.event_id,
        }
        status_code, error = None, None
        try:
            response = self._session.post(
                self.config.webhook_url,
                data=job.body,
                headers=headers,
                timeout=self.config.webhook_timeout,
            )
            status_code = response.status_code
            if status_code != 200:
                error = f"the receiver answered {status_code}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
        self._record(
            job, status_code=status_code, error=error, signature=signature, fault=fault
        )
        if error is None:
            return
        if job.attempt > MAX_RETRIES:
            logger.warning(
                "Webhook %s (%s) failed after %d attempts: %s",
                job.event_id,
                job.topic,
                job.attempt,
                error,
            )
            return
        wait = self.config.webhook_retry_base * 3 ** (job.attempt - 1)
        logger.info(
            "Webhook %s (%s) attempt %d failed (%s); retrying in %.1fs",
            job.event_id,
            job.topic,
            job.attempt,
            error,
            wait,
        )
        retry = Job(
            time.monotonic() + wait,
            next(self._sequence),
            job.event_id,
            job.seller_id,
            job.topic,
            job.body,
            attempt=job.attempt + 1,
        )
        with self._condition:
            heapq.heappush(self._jobs, retry)
            self._condition.notify_all()

    def _record(self, job: Job, *, status_code, error, signature, fault="") -> None:
        now = self.sandbox.clock.now_text()
        with self.sandbox.store.write() as db:
            db.execute(
                "INSERT INTO webhook_deliveries (event_id, seller_id, topic, url, "
                "body, signature, attempt, status_code, error, fault, created_at, "
                "sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.event_id,
                    job.seller_id,
                    job.topic,
                    self.config.webhook_url or None,
                    job.body.decode(),
                    signature,
                    job.attempt,
                    status_code,
                    error,
                    fault or None,
                    now,
                    now if signature else None,
                ),
            )
