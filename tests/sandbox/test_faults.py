"""Injected faults, the rate limit and the admin fault endpoint."""

from __future__ import annotations

import time

import pytest
import requests

from tests.fixtures.sandbox import SandboxAdminError

ME = "query { me { username } }"


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_fail_next_returns_each_status(sandbox, status):
    sandbox.set_faults(fail_next=[status])

    faulted = sandbox.graphql(ME)
    after = sandbox.graphql(ME)

    assert faulted.status_code == status
    assert "errors" in faulted.json()
    assert after.status_code == 200
    if status == 429:
        assert faulted.headers["Retry-After"] == "1"


def test_graphql_error_fault_is_http_200(sandbox):
    sandbox.set_faults(fail_next=["graphql_error"])

    response = sandbox.graphql(ME)

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


def test_slow_and_timeout_faults(sandbox):
    sandbox.set_faults(
        slow_seconds=0.6, timeout_seconds=1.0, fail_next=["slow", "timeout"]
    )

    started = time.monotonic()
    slow = sandbox.graphql(ME)
    slow_seconds = time.monotonic() - started
    with pytest.raises(requests.Timeout):
        sandbox.graphql(ME, timeout=0.3)

    assert slow.status_code == 200
    assert slow_seconds >= 0.6


def test_rate_faults_follow_the_fault_seed(sandbox_factory):
    sequences = []
    for _ in range(2):
        server = sandbox_factory(
            rate_limit=0,
            extra_args=[
                "--fault-seed",
                "7",
                "--fault-http-503-rate",
                "0.3",
                "--fault-http-500-rate",
                "0.2",
            ],
        )
        sequences.append([server.graphql(ME).status_code for _ in range(20)])

    assert sequences[0] == sequences[1]
    assert set(sequences[0]) == {200, 500, 503}


def test_faults_apply_to_the_token_endpoint(sandbox):
    sandbox.set_faults(http_503_rate=1.0)

    token = requests.post(
        sandbox.token_url, data={"grant_type": "refresh_token"}, timeout=10
    )
    admin = sandbox.health()

    assert token.status_code == 503
    assert admin["status"] == "ok"


def test_rate_limit_per_token(sandbox_factory):
    server = sandbox_factory(rate_limit=3)
    first, second = server.sellers

    statuses = [server.graphql(ME, seller=first).status_code for _ in range(5)]
    other = server.graphql(ME, seller=second)
    limited = server.graphql(ME, seller=first)

    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    assert other.status_code == 200
    assert limited.headers["Retry-After"] == "1"
    time.sleep(1.05)
    assert server.graphql(ME, seller=first).status_code == 200


def test_admin_fault_settings_round_trip(sandbox):
    updated = sandbox.set_faults(http_502_rate=0.25, bulk_status="FAILED")

    assert updated["http_502_rate"] == 0.25
    assert sandbox.faults()["bulk_status"] == "FAILED"
    assert sandbox.reset_faults()["http_502_rate"] == 0.0


@pytest.mark.parametrize(
    "settings",
    [
        {"http_503_rate": 2},
        {"bulk_status": "EXPLODED"},
        {"no_such_fault": 1},
        {"fail_next": [418]},
    ],
    ids=["rate-above-one", "unknown-status", "unknown-name", "bad-fail-next"],
)
def test_invalid_fault_settings_are_400(sandbox, settings):
    with pytest.raises(SandboxAdminError, match="400"):
        sandbox.set_faults(**settings)
