"""The client against the sandbox over real HTTP: tokens, faults, errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.exceptions import ReconnectRequired
from accounts.models import WhatnotConnection
from whatnot.client import ListingDraft, WhatnotClient
from whatnot.client.errors import (
    MissingScope,
    RateLimited,
    UserInputError,
    WhatnotUnavailable,
)
from whatnot.client.retry import RetryPolicy

pytestmark = pytest.mark.django_db

TOKEN_PATH = "/seller-api/rest/oauth/token"
GRAPHQL_PATH = "/seller-api/graphql"


def token_requests(server) -> list[dict]:
    return [entry for entry in server.requests_log() if entry["path"] == TOKEN_PATH]


def graphql_requests(server) -> list[dict]:
    return [entry for entry in server.requests_log() if entry["path"] == GRAPHQL_PATH]


def test_me_returns_the_connected_seller(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)

    with WhatnotClient(connection.pk) as client:
        user = client.me()

    assert user.username == connection.whatnot_username
    assert client.request_count == 1


def test_expired_access_token_is_refreshed_once(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    old_token = connection.access_token
    shared_sandbox.expire_access_tokens(connection.whatnot_username)
    shared_sandbox.clear_requests_log()

    with WhatnotClient(connection.pk) as client:
        user = client.me()

    connection.refresh_from_db()
    assert user.username == connection.whatnot_username
    assert connection.access_token != old_token
    assert connection.status == WhatnotConnection.Status.CONNECTED
    assert len(token_requests(shared_sandbox)) == 1
    assert [entry["status"] for entry in graphql_requests(shared_sandbox)] == [401, 200]


def test_revoked_refresh_token_marks_connection(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.expire_access_tokens(connection.whatnot_username)
    shared_sandbox.revoke_refresh_tokens(connection.whatnot_username)

    with WhatnotClient(connection.pk) as client, pytest.raises(ReconnectRequired):
        client.me()

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT
    assert "refresh token" in connection.last_error


def test_429_and_5xx_are_retried(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(fail_next=[429, 500, 503])

    with WhatnotClient(connection.pk) as client:
        user = client.me()

    assert user.username == connection.whatnot_username
    assert client.request_count == 4
    assert [entry["status"] for entry in graphql_requests(shared_sandbox)] == [
        429,
        500,
        503,
        200,
    ]


def test_rate_limit_waits_for_retry_after(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(fail_next=[429])
    waits = []

    with WhatnotClient(connection.pk, sleep=waits.append) as client:
        client.me()

    assert len(waits) == 1
    assert 1.0 <= waits[0] <= 1.5


def test_retries_are_bounded(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(http_503_rate=1.0)
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)

    with (
        WhatnotClient(connection.pk, retry_policy=policy) as client,
        pytest.raises(WhatnotUnavailable, match="HTTP 503"),
    ):
        client.me()

    assert client.request_count == 3


def test_read_timeout_is_retried(shared_sandbox, connect_seller, settings):
    connection = connect_seller(shared_sandbox)
    settings.WHATNOT_READ_TIMEOUT = 0.5
    shared_sandbox.set_faults(fail_next=["timeout"], timeout_seconds=3)

    with WhatnotClient(connection.pk) as client:
        user = client.me()

    assert user.username == connection.whatnot_username
    assert client.request_count == 2


def test_failed_create_is_not_repeated(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(fail_next=[500])
    draft = ListingDraft(
        external_id="selvedge-test-1",
        title="Wrangler 13MWZ 32x30",
        description="Rigid, unworn.",
        taxonomy_node_id="UHJvZHVjdFRheG9ub215Tm9kZToxNg==",
        price=Decimal("48.00"),
        currency="USD",
        quantity=1,
    )

    with WhatnotClient(connection.pk) as client, pytest.raises(WhatnotUnavailable):
        client.create_listing(draft)

    assert client.request_count == 1


def test_too_long_retry_after_is_raised(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    shared_sandbox.set_faults(fail_next=[429])
    policy = RetryPolicy(max_retry_after=0.5)

    with (
        WhatnotClient(connection.pk, retry_policy=policy) as client,
        pytest.raises(RateLimited) as caught,
    ):
        client.me()

    assert caught.value.retry_after == 1.0


def test_missing_scope_raises(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox, scope="read:inventory")
    with WhatnotClient(connection.pk) as client:
        listing = client.listings_page(first=1).listings[0]

        with pytest.raises(MissingScope):
            client.update_listing(listing.id, quantity=listing.quantity + 1)


def test_user_errors_carry_field_and_message(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    with WhatnotClient(connection.pk) as client:
        listing = client.listings_page(first=1).listings[0]

        with pytest.raises(UserInputError) as caught:
            client.update_listing(listing.id, quantity=-1)

    assert caught.value.errors
    assert caught.value.errors[0].message
    assert "quantity" in ".".join(caught.value.errors[0].field).lower() or (
        "quantity" in caught.value.errors[0].message.lower()
    )
