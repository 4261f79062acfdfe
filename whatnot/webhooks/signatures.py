"""HMAC-SHA256 signatures on webhook bodies.

Whatnot signs the exact request body with the app's webhook secret and sends the
digest as lowercase hex in X-Whatnot-Webhook-Signature. WHATNOT_WEBHOOK_SECRET
holds one or more secrets separated by commas, so a new secret can be added
before Whatnot switches to it and the old one removed afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from django.conf import settings

SIGNATURE_HEADER = "HTTP_X_WHATNOT_WEBHOOK_SIGNATURE"
HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


class SignatureError(Exception):
    """The delivery's signature is missing, malformed or matches no secret."""


@lru_cache(maxsize=8)
def _parse_secrets(value: str) -> tuple[bytes, ...]:
    return tuple(
        secret.strip().encode() for secret in value.split(",") if secret.strip()
    )


def configured_secrets() -> tuple[bytes, ...]:
    """Return the webhook secrets from settings, in the order they are listed."""
    return _parse_secrets(settings.WHATNOT_WEBHOOK_SECRET or "")


def sign(body: bytes, secret: str | bytes) -> str:
    """Return the hex HMAC-SHA256 of ``body``, as Whatnot computes it."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secrets: tuple[bytes, ...]):
    """Raise SignatureError unless ``header`` is the hex HMAC of ``body`` under
    one of ``secrets``.

    Only a bare 64-character hex digest is accepted: base64 digests and
    ``sha256=`` prefixes are rejected rather than guessed at. Every secret is
    compared with hmac.compare_digest.
    """
    if not header:
        raise SignatureError("missing X-Whatnot-Webhook-Signature header")
    if not header.isascii() or not HEX_DIGEST.fullmatch(header):
        raise SignatureError(
            "malformed X-Whatnot-Webhook-Signature header: expected 64 hex "
            "characters of HMAC-SHA256"
        )
    presented = header.lower().encode()
    matched = False
    for secret in secrets:
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode()
        matched |= hmac.compare_digest(expected, presented)
    if not matched:
        raise SignatureError("X-Whatnot-Webhook-Signature does not match the body")
