"""The refresh service in accounts.services.tokens against a local token
endpoint."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.exceptions import ReconnectRequired, TokenRefreshError
from accounts.models import WhatnotConnection
from accounts.services.tokens import (
    get_valid_access_token,
    mark_needs_reconnect,
    refresh_access_token,
)
from tests.accounts.fake_whatnot import CLIENT_ID, CLIENT_SECRET
from tests.factories import WhatnotConnectionFactory
from tests.fixtures.processes import ROOT, child_process_env, free_port

pytestmark = pytest.mark.django_db


def connection_with_issued_tokens(fake, expires_in: timedelta) -> WhatnotConnection:
    """A connection holding tokens the fake server issued, so refreshes work."""
    issued = fake.issue_tokens()
    return WhatnotConnectionFactory(
        whatnot_user_id=fake.seller["id"],
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        access_token_expires_at=timezone.now() + expires_in,
    )


def test_valid_token_returned_without_refresh(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(hours=1))

    token = get_valid_access_token(connection.pk)

    assert token == connection.access_token
    assert fake_whatnot.token_requests() == []


def test_expiring_token_refreshed_and_rotation_stored(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=2))
    old_refresh = connection.refresh_token

    token = get_valid_access_token(connection.pk)

    connection.refresh_from_db()
    [request] = fake_whatnot.token_requests()
    assert request.form["grant_type"] == "refresh_token"
    assert request.form["refresh_token"] == old_refresh
    assert token == connection.access_token
    assert token in fake_whatnot.access_tokens
    assert connection.refresh_token != old_refresh
    assert connection.refresh_token in fake_whatnot.refresh_tokens
    assert connection.access_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert connection.last_refreshed_at is not None
    assert connection.status == WhatnotConnection.Status.CONNECTED


def test_margin_decides_when_to_refresh(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=30))

    kept = get_valid_access_token(connection.pk, margin=timedelta(minutes=10))
    refreshed = get_valid_access_token(connection.pk, margin=timedelta(minutes=45))

    assert kept == connection.access_token
    assert refreshed != connection.access_token
    assert len(fake_whatnot.token_requests()) == 1


def test_repeated_refresh_spends_each_rotated_token(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(hours=1))

    first = refresh_access_token(connection.pk)
    second = refresh_access_token(connection.pk, stale_token=first)
    third = refresh_access_token(connection.pk, stale_token=second)

    spent = [r.form["refresh_token"] for r in fake_whatnot.token_requests()]
    assert len(set(spent)) == 3
    assert len({first, second, third}) == 3
    connection.refresh_from_db()
    assert connection.access_token == third


def test_stale_token_already_replaced_skips_network(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(hours=1))

    token = refresh_access_token(connection.pk, stale_token="wn_access_tk_old_one")

    assert token == connection.access_token
    assert fake_whatnot.token_requests() == []


def test_invalid_grant_marks_needs_reconnect(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=1))
    fake_whatnot.revoke_refresh_tokens()

    with pytest.raises(ReconnectRequired) as caught:
        get_valid_access_token(connection.pk)

    connection.refresh_from_db()
    assert caught.value.connection_id == connection.pk
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT
    assert "invalid_grant" in connection.last_error
    assert len(fake_whatnot.token_requests()) == 1


def test_needs_reconnect_stops_further_use(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=1))
    mark_needs_reconnect(connection.pk, "revoked on Whatnot")

    with pytest.raises(ReconnectRequired):
        get_valid_access_token(connection.pk)
    with pytest.raises(ReconnectRequired):
        refresh_access_token(connection.pk)

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT
    assert connection.last_error == "revoked on Whatnot"
    assert fake_whatnot.token_requests() == []


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(503, {"error": "temporarily_unavailable"}, id="503"),
        pytest.param(500, {}, id="500-no-body"),
        pytest.param(429, {"error": "slow_down"}, id="429"),
        pytest.param(200, {"token_type": "Bearer"}, id="200-without-token"),
        pytest.param(401, {"error": "invalid_client"}, id="invalid-client"),
    ],
)
def test_failed_refresh_keeps_tokens(fake_whatnot, status, body):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=1))
    fake_whatnot.token_failure = (status, body)

    with pytest.raises(TokenRefreshError):
        get_valid_access_token(connection.pk)

    stored = WhatnotConnection.objects.get(pk=connection.pk)
    assert stored.status == WhatnotConnection.Status.CONNECTED
    assert stored.access_token == connection.access_token
    assert stored.refresh_token == connection.refresh_token
    assert stored.access_token_expires_at == connection.access_token_expires_at


def test_unreachable_endpoint_is_retryable(settings):
    settings.WHATNOT_BASE_URL = f"http://127.0.0.1:{free_port()}"
    connection = WhatnotConnectionFactory(
        access_token_expires_at=timezone.now() + timedelta(minutes=1)
    )

    with pytest.raises(TokenRefreshError, match="ConnectionError"):
        get_valid_access_token(connection.pk)

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.CONNECTED


def test_personal_token_rejected_needs_reconnect(fake_whatnot):
    connection = WhatnotConnectionFactory(
        kind=WhatnotConnection.Kind.PERSONAL,
        refresh_token="",
        access_token="wn_pat_tk_personal_1",
        access_token_expires_at=None,
    )

    assert get_valid_access_token(connection.pk) == "wn_pat_tk_personal_1"
    with pytest.raises(ReconnectRequired, match="personal access token"):
        refresh_access_token(connection.pk, stale_token="wn_pat_tk_personal_1")

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT
    assert fake_whatnot.token_requests() == []


def test_oauth_without_refresh_token_needs_reconnect(fake_whatnot):
    connection = WhatnotConnectionFactory(
        refresh_token="", access_token_expires_at=timezone.now()
    )

    with pytest.raises(ReconnectRequired, match="no refresh token"):
        get_valid_access_token(connection.pk)

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT


def test_missing_connection_raises_reconnect_required():
    with pytest.raises(ReconnectRequired, match="does not exist"):
        get_valid_access_token(987654)


def test_token_without_expiry_is_not_refreshed(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(hours=1))
    WhatnotConnection.objects.filter(pk=connection.pk).update(
        access_token_expires_at=None
    )

    assert get_valid_access_token(connection.pk) == connection.access_token
    assert fake_whatnot.token_requests() == []


def test_refresh_logs_no_token(fake_whatnot, caplog):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=1))
    caplog.set_level(logging.DEBUG)

    new_token = get_valid_access_token(connection.pk)
    fake_whatnot.revoke_refresh_tokens()
    with pytest.raises(ReconnectRequired):
        refresh_access_token(connection.pk)

    connection.refresh_from_db()
    text = caplog.text
    assert f"connection {connection.pk}" in text
    for secret in (new_token, connection.refresh_token, CLIENT_SECRET):
        assert secret not in text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_refresh_once(fake_whatnot):
    connection = connection_with_issued_tokens(fake_whatnot, timedelta(minutes=1))
    # The first refresh holds the row lock this long, so the second process
    # is waiting on the lock while the first is on the network.
    fake_whatnot.refresh_delay = 1.0
    environment = child_process_env(
        WHATNOT_BASE_URL=fake_whatnot.base_url,
        WHATNOT_CLIENT_ID=CLIENT_ID,
        WHATNOT_CLIENT_SECRET=CLIENT_SECRET,
    )
    start_at = str(time.time() + 3)
    command = [
        sys.executable,
        "-m",
        "tests.accounts.refresh_in_process",
        str(connection.pk),
        connection.access_token,
        start_at,
    ]

    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=90) for process in processes]

    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    tokens = {json.loads(stdout)["token"] for stdout, _ in outputs}
    refreshes = fake_whatnot.token_requests("refresh_token")
    connection.refresh_from_db()
    assert len(refreshes) == 1
    assert tokens == {connection.access_token}
    assert connection.refresh_token in fake_whatnot.refresh_tokens
