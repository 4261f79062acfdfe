from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from whatnot.client.errors import (
    GraphQLRequestError,
    MissingScope,
    RateLimited,
    RequestRejected,
    Unauthorized,
    UserError,
    UserInputError,
    WhatnotUnavailable,
    error_for_graphql_errors,
    error_for_status,
    parse_retry_after,
    raise_for_user_errors,
)
from whatnot.client.retry import RetryPolicy


@pytest.mark.parametrize(
    ("status", "error_class", "retryable"),
    [
        (401, Unauthorized, False),
        (403, MissingScope, False),
        (429, RateLimited, True),
        (500, WhatnotUnavailable, True),
        (503, WhatnotUnavailable, True),
        (400, RequestRejected, False),
        (404, RequestRejected, False),
    ],
)
def test_status_maps_to_error(status, error_class, retryable):
    error = error_for_status(status, {}, '{"errors": [{"message": "nope"}]}')

    assert type(error) is error_class
    assert error.retryable is retryable
    assert "nope" in str(error)


def test_429_carries_retry_after():
    error = error_for_status(429, {"Retry-After": "3"}, "slow down")

    assert error.retry_after == 3.0
    assert "slow down" in str(error)


def test_problem_details_body_gives_the_message():
    error = error_for_status(
        403, {}, '{"type": "forbidden", "detail": "missing scope write:inventory"}'
    )

    assert "missing scope write:inventory" in str(error)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2", 2.0), ("0.5", 0.5), ("-4", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_http_date():
    when = datetime.now(UTC) + timedelta(seconds=30)

    wait = parse_retry_after(format_datetime(when, usegmt=True))

    assert 28 <= wait <= 30


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        ("UNAUTHENTICATED", Unauthorized),
        ("FORBIDDEN", MissingScope),
        ("THROTTLED", RateLimited),
        ("INTERNAL_SERVER_ERROR", WhatnotUnavailable),
        ("NOT_FOUND", GraphQLRequestError),
    ],
)
def test_graphql_error_codes_map_to_errors(code, error_class):
    error = error_for_graphql_errors(
        [{"message": "denied", "path": ["listing"], "extensions": {"code": code}}]
    )

    assert type(error) is error_class


def test_graphql_error_keeps_path_and_message():
    error = error_for_graphql_errors(
        [{"message": "Listing not found", "path": ["listing"]}, "plain text"]
    )

    assert [str(detail) for detail in error.errors] == [
        "listing: Listing not found",
        "plain text",
    ]


def test_user_errors_carry_field_and_message():
    payload = {
        "listing": None,
        "userErrors": [
            {"field": ["input", "buyItNow", "price"], "message": "must be > 0"},
            {"field": None, "message": "listing is sold"},
        ],
    }

    with pytest.raises(UserInputError) as caught:
        raise_for_user_errors("listingUpdate", payload)

    assert caught.value.errors == (
        UserError(("input", "buyItNow", "price"), "must be > 0"),
        UserError((), "listing is sold"),
    )
    assert str(caught.value) == (
        "Whatnot rejected listingUpdate: input.buyItNow.price: must be > 0; "
        "listing is sold"
    )


def test_empty_user_errors_pass():
    raise_for_user_errors("listingUpdate", {"listing": {}, "userErrors": []})


def test_backoff_grows_and_stays_within_bounds():
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)

    waits = [[policy.backoff(attempt) for _ in range(50)] for attempt in (1, 2, 3, 6)]

    assert all(0.5 <= wait <= 1.0 for wait in waits[0])
    assert all(1.0 <= wait <= 2.0 for wait in waits[1])
    assert all(2.0 <= wait <= 4.0 for wait in waits[2])
    assert all(4.0 <= wait <= 8.0 for wait in waits[3])
    assert len(set(waits[0])) > 1


def test_rate_limit_wait_caps_retry_after():
    policy = RetryPolicy(base_delay=0.5, max_retry_after=60)

    assert 5.0 <= policy.rate_limit_wait(1, 5.0) <= 5.5
    assert policy.rate_limit_wait(1, 120.0) is None
    assert 0.25 <= policy.rate_limit_wait(1, None) <= 0.5
