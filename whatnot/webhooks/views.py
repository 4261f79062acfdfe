"""The endpoint Whatnot posts webhooks to.

Whatnot retries a delivery up to 5 times over about 10 minutes unless it gets
a 200. So the view returns 200 only once the event is stored (or was stored
before), and returns 503 when it cannot store it, so that Whatnot tries again.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from whatnot.models import WebhookEvent

from .envelope import InvalidEnvelope, parse_envelope, redact_buyer_details
from .signatures import (
    SIGNATURE_HEADER,
    SignatureError,
    configured_secrets,
    verify_signature,
)
from .storage import (
    record_duplicate,
    record_rejected_signature,
    store_event,
    store_invalid,
)

logger = logging.getLogger(__name__)

SELLER_HEADER = "HTTP_X_WHATNOT_SELLER_ID"
JSON = "application/json"
ACCEPTED = b'{"status": "accepted"}'
IGNORED = b'{"status": "ignored"}'
DUPLICATE = b'{"status": "duplicate"}'


class BodyError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class LogThrottle:
    """Let one warning per key through every ``interval`` seconds and count
    the ones held back, so a flood of bad deliveries cannot flood the log."""

    def __init__(self, interval: float = 60.0):
        self.interval = interval
        self.last_logged: dict[str, float] = {}
        self.suppressed: dict[str, int] = {}

    def warning(self, key: str, message: str, *args) -> None:
        now = time.monotonic()
        if now - self.last_logged.get(key, -self.interval) < self.interval:
            self.suppressed[key] = self.suppressed.get(key, 0) + 1
            return
        held_back = self.suppressed.pop(key, 0)
        self.last_logged[key] = now
        logger.warning(message + " (%s similar warnings held back)", *args, held_back)


throttle = LogThrottle()


def error_response(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    # Django logs every 4xx response at WARNING. This view logs its rejections
    # itself, throttled, so that a flood of forged deliveries cannot flood the
    # log. Django sets the same flag to avoid logging a response twice.
    response._has_been_logged = True
    return response


def read_body(request: HttpRequest, max_bytes: int) -> bytes:
    """Read the body, or raise BodyError: 413 past ``max_bytes``, 400 when it
    is cut short or cannot be read.

    A declared Content-Length over the limit is rejected before anything is
    read. A chunked body has no Content-Length, so its size is checked on the
    bytes actually read.
    """
    declared = request.META.get("CONTENT_LENGTH")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise BodyError(
                400, f"Content-Length {declared!r} is not a number"
            ) from None
        if length < 0:
            raise BodyError(400, f"Content-Length {declared!r} is negative")
        if length > max_bytes:
            raise BodyError(
                413, f"the body is {length} bytes; the limit is {max_bytes} bytes"
            )
        body = _read(request.read, length)
        if len(body) != length:
            raise BodyError(
                400, f"the body ended after {len(body)} of {length} declared bytes"
            )
        return body
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        body = _read(request.environ["wsgi.input"].read, max_bytes + 1)
        if len(body) > max_bytes:
            raise BodyError(413, f"the body is over the limit of {max_bytes} bytes")
        return body
    return b""


def _read(read, size: int) -> bytes:
    try:
        return read(size)
    except Exception as exc:
        # WSGI servers raise their own types for a truncated or malformed body
        # (gunicorn: NoMoreData, InvalidChunkSize, ...), besides OSError.
        raise BodyError(
            400, f"the body could not be read: {exc.__class__.__name__}"
        ) from exc


@csrf_exempt
def receive_whatnot_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, store and acknowledge one webhook delivery.

    Status codes:

    - 200: the event is stored, ignored or a duplicate;
    - 400: the body is signed but not a usable envelope (it is kept for staff);
    - 401: the signature is missing, malformed or wrong;
    - 405: the method is not POST;
    - 413: the body is over WHATNOT_WEBHOOK_MAX_BYTES;
    - 503: no secret is configured, or the database failed.
    """
    if request.method != "POST":
        response = error_response(405, "only POST is allowed on this URL")
        response["Allow"] = "POST"
        return response
    secrets = configured_secrets()
    if not secrets:
        logger.error("WHATNOT_WEBHOOK_SECRET is empty; every webhook gets a 503")
        return error_response(503, "webhook verification is not configured")
    try:
        body = read_body(request, settings.WHATNOT_WEBHOOK_MAX_BYTES)
    except BodyError as exc:
        throttle.warning(f"body-{exc.status}", "Webhook body rejected: %s", exc)
        return error_response(exc.status, str(exc))
    seller_header = request.META.get(SELLER_HEADER, "")
    try:
        verify_signature(body, request.META.get(SIGNATURE_HEADER), secrets)
    except SignatureError as exc:
        return _reject_signature(exc, seller_header)
    try:
        return _store(body, seller_header)
    except DatabaseError:
        logger.exception("Storing a webhook failed; responding 503 so Whatnot retries")
        return error_response(503, "the event could not be stored; retry later")


def _reject_signature(error: SignatureError, seller_header: str) -> HttpResponse:
    throttle.warning(
        "signature",
        "Webhook signature rejected (seller header %r): %s",
        seller_header[:128],
        error,
    )
    try:
        record_rejected_signature(seller_header)
    except DatabaseError:
        logger.exception("Counting a rejected webhook signature failed")
    return error_response(401, str(error))


def _store(body: bytes, seller_header: str) -> HttpResponse:
    try:
        envelope = parse_envelope(body, seller_header)
        stored_body, redacted = redact_buyer_details(envelope, body)
    except InvalidEnvelope as exc:
        event_id = store_invalid(body, exc, seller_header)
        throttle.warning("invalid", "Webhook body kept as %s: %s", event_id, exc)
        return error_response(400, f"{exc}; the body is kept as event {event_id}")
    status = store_event(envelope, stored_body, redacted)
    if status is None:
        record_duplicate(envelope)
        return HttpResponse(DUPLICATE, content_type=JSON)
    if status == WebhookEvent.Status.IGNORED:
        return HttpResponse(IGNORED, content_type=JSON)
    return HttpResponse(ACCEPTED, content_type=JSON)
