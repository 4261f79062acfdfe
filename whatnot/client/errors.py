"""Typed Seller API failures and the mapping from HTTP and GraphQL answers.

- 401: ``Unauthorized``. The client refreshes the token once and repeats the
  call; a second 401 marks the connection and raises ``ReconnectRequired``.
- 403: ``MissingScope``. The seller has to grant the scope.
- 429: ``RateLimited``. The client waits ``Retry-After`` (or a jittered
  backoff) and repeats.
- 5xx, timeout, connection error: ``WhatnotUnavailable``. The client repeats
  with backoff, a bounded number of times.
- Any other 4xx: ``RequestRejected``.
- ``errors`` in the body: ``GraphQLRequestError``, unless an error code there
  means 401, 403, 429 or a server failure (then as for those statuses).
- ``userErrors`` in a mutation payload: ``UserInputError``.
- A body of another shape: ``ResponseFormatError``.

``WhatnotUnavailable`` (and so ``RateLimited``) is the only family worth a
later retry; every other error repeats identically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_MESSAGE_CHARS = 300

# Error codes that GraphQL servers put in errors[].extensions.code for failures
# that HTTP would report as 401, 403 and 429.
UNAUTHENTICATED_CODES = frozenset({"UNAUTHENTICATED", "UNAUTHORIZED"})
FORBIDDEN_CODES = frozenset({"FORBIDDEN", "ACCESS_DENIED", "MISSING_SCOPE"})
THROTTLED_CODES = frozenset({"THROTTLED", "RATE_LIMITED", "TOO_MANY_REQUESTS"})
# Codes of server-side failures that a later try may not meet.
TRANSIENT_CODES = frozenset(
    {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "BAD_GATEWAY", "TIMEOUT"}
)


class WhatnotError(Exception):
    """Base class of every Seller API failure."""

    retryable = False


class WhatnotUnavailable(WhatnotError):
    """Whatnot did not answer usefully: a 5xx, a timeout or a connection error."""

    retryable = True

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class RateLimited(WhatnotUnavailable):
    """Whatnot answered 429; ``retry_after`` is in seconds when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message, status=429)
        self.retry_after = retry_after


class Unauthorized(WhatnotError):
    """Whatnot rejected the access token (401)."""


class MissingScope(WhatnotError):
    """The token lacks a scope the operation needs (403)."""


class RequestRejected(WhatnotError):
    """A 4xx other than 401, 403 and 429: the request itself is wrong."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


class ResponseFormatError(WhatnotError):
    """The answer is not the JSON shape the operation selects."""


class PaginationError(ResponseFormatError):
    """A page claims a next page but carries no new cursor."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    message: str
    path: tuple[str, ...] = ()
    code: str = ""

    def __str__(self) -> str:
        where = ".".join(self.path)
        return f"{where}: {self.message}" if where else self.message


class GraphQLRequestError(WhatnotError):
    """The response has top-level ``errors`` (bad query, unknown id, ...)."""

    def __init__(self, errors: list[GraphQLErrorDetail]):
        self.errors = tuple(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class UserError:
    """One entry of a mutation payload's ``userErrors``; ``field`` is the path
    of the input value, e.g. ``("input", "title")``."""

    field: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        where = ".".join(self.field)
        return f"{where}: {self.message}" if where else self.message


class UserInputError(WhatnotError):
    """Whatnot rejected the values of a mutation (``userErrors``)."""

    def __init__(self, operation: str, errors: list[UserError]):
        self.operation = operation
        self.errors = tuple(errors)
        details = "; ".join(str(error) for error in self.errors)
        super().__init__(f"Whatnot rejected {operation}: {details}")


def error_for_status(status: int, headers, body: str) -> WhatnotError:
    """Map an HTTP status of 400 or more to its error."""
    detail = _body_message(body) or f"HTTP {status}"
    if status == 401:
        return Unauthorized(f"Whatnot rejected the access token: {detail}")
    if status == 403:
        return MissingScope(
            f"Whatnot refused the request for lack of permission: {detail}. "
            "The seller has to reconnect Whatnot and grant the missing scope."
        )
    if status == 429:
        return RateLimited(
            f"Whatnot rate limit reached: {detail}",
            retry_after=parse_retry_after(headers.get("Retry-After")),
        )
    if status >= 500:
        return WhatnotUnavailable(
            f"Whatnot answered HTTP {status}: {detail}", status=status
        )
    return RequestRejected(
        f"Whatnot rejected the request with HTTP {status}: {detail}", status=status
    )


def error_for_graphql_errors(errors: list) -> WhatnotError:
    """Map a non-empty top-level ``errors`` list to its error."""
    details = [_error_detail(error) for error in errors]
    codes = {detail.code for detail in details}
    text = "; ".join(str(detail) for detail in details)
    if codes & UNAUTHENTICATED_CODES:
        return Unauthorized(f"Whatnot rejected the access token: {text}")
    if codes & FORBIDDEN_CODES:
        return MissingScope(f"Whatnot refused the request: {text}")
    if codes & THROTTLED_CODES:
        return RateLimited(f"Whatnot rate limit reached: {text}")
    if codes & TRANSIENT_CODES:
        return WhatnotUnavailable(f"Whatnot failed to answer: {text}")
    return GraphQLRequestError(details)


def raise_for_user_errors(operation: str, payload: dict) -> None:
    """Raise UserInputError when a mutation payload carries userErrors."""
    raw_errors = payload.get("userErrors") or []
    if not raw_errors:
        return
    errors = [
        UserError(
            field=tuple(str(part) for part in (error.get("field") or ())),
            message=str(error.get("message") or "invalid value"),
        )
        for error in raw_errors
    ]
    raise UserInputError(operation, errors)


def parse_retry_after(value: str | None) -> float | None:
    """Return the wait a Retry-After header asks for, in seconds.

    The header is either a number of seconds or an HTTP date. An unreadable or
    missing value returns None, so the caller falls back to its own backoff.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_detail(error) -> GraphQLErrorDetail:
    if not isinstance(error, dict):
        return GraphQLErrorDetail(message=str(error)[:MAX_MESSAGE_CHARS])
    extensions = error.get("extensions") or {}
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return GraphQLErrorDetail(
        message=str(error.get("message") or "unknown error")[:MAX_MESSAGE_CHARS],
        path=tuple(str(part) for part in (error.get("path") or ())),
        code=str(code or "").upper(),
    )


def _body_message(body: str) -> str:
    """Pull a readable message out of an error body, whatever its format."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return " ".join(body.split())[:MAX_MESSAGE_CHARS]
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(str(_error_detail(error)) for error in errors)
        for key in ("detail", "message", "error_description", "error", "title"):
            if data.get(key):
                return str(data[key])[:MAX_MESSAGE_CHARS]
    return json.dumps(data)[:MAX_MESSAGE_CHARS]
