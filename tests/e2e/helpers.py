"""Helpers the journeys share."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import WhatnotConnection
from accounts.providers.whatnot import client as whatnot_client
from tests.fixtures.browser import SCREENSHOT_DIR
from tests.pages.factories import WhatnotConnectionFactory


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot of a step under var/screenshots/e2e/."""
    directory = SCREENSHOT_DIR / "e2e"
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def connect_with_oauth_tokens(sandbox, store: str, user) -> WhatnotConnection:
    """Connect a selvedge seller with a token pair the sandbox issued."""
    grant = sandbox.issue_oauth_tokens(store)
    identity = whatnot_client.fetch_seller_identity(grant["access_token"])
    return WhatnotConnectionFactory(
        user=user,
        whatnot_user_id=identity.user_id,
        whatnot_username=identity.username,
        access_token=grant["access_token"],
        refresh_token=grant["refresh_token"],
        access_token_expires_at=timezone.now() + timedelta(seconds=grant["expires_in"]),
        scopes=grant["scope"],
    )
