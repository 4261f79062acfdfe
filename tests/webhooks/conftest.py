"""Fixtures and helpers shared by the webhook tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role
from accounts.roles import grant_role
from tests.webhooks.factories import WhatnotConnectionFactory
from whatnot.webhooks.signatures import sign

EXAMPLES_DIR = Path(settings.BASE_DIR).parent / "shared" / "whatnot-api" / "webhooks"
WEBHOOK_URL = "/webhooks/whatnot/"
SELLER_WHATNOT_ID = "VXNlcjo1NTAwMQ=="


def example(name: str) -> dict:
    """Return a fresh copy of one of Whatnot's example webhook bodies."""
    return copy.deepcopy(json.loads((EXAMPLES_DIR / f"{name}.json").read_text()))


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope).encode()


def post_webhook(
    client,
    body: bytes,
    signature: str | None = "sign",
    seller: str | None = SELLER_WHATNOT_ID,
    url: str = WEBHOOK_URL,
    **headers,
):
    """POST ``body`` the way Whatnot does; ``signature="sign"`` signs it with
    the first configured secret."""
    if signature == "sign":
        signature = sign(body, settings.WHATNOT_WEBHOOK_SECRET.split(",")[0])
    if signature is not None:
        headers["X-Whatnot-Webhook-Signature"] = signature
    if seller is not None:
        headers["X-Whatnot-Seller-Id"] = seller
    return client.generic(
        "POST", url, body, content_type="application/json", headers=headers
    )


@pytest.fixture
def connection(db):
    """The seller the example events belong to, connected to Whatnot."""
    connection = WhatnotConnectionFactory(whatnot_user_id=SELLER_WHATNOT_ID)
    grant_role(connection.user, Role.SELLER)
    return connection
