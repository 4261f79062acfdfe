"""Access tokens for a seller's Whatnot connection, refreshed when needed.

Whatnot refresh tokens are single use: spending one invalidates it and the
response carries its successor. Two workers that refresh the same connection at
once would spend the same token twice and the loser would get invalid_grant,
so every refresh runs under a row lock (SELECT ... FOR UPDATE inside
transaction.atomic; on SQLite the IMMEDIATE transaction takes the database
write lock instead). The process that gets the lock second reads the new access token
and returns it without a network call.

NOTE: the HTTP call runs while the lock is held. It is bounded by
SOCIALACCOUNT_REQUESTS_TIMEOUT; on SQLite other writers wait that long at most.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from ..exceptions import ReconnectRequired, TokenRefreshError
from ..models import WhatnotConnection
from ..providers.whatnot import client

logger = logging.getLogger(__name__)

DEFAULT_MARGIN = timedelta(minutes=5)


def get_valid_access_token(
    connection_id: int, *, margin: timedelta = DEFAULT_MARGIN
) -> str:
    """Return the connection's access token, refreshing it first when it
    expires within ``margin``.

    Raises ReconnectRequired when the connection is missing or unusable or
    Whatnot rejects the refresh token, and TokenRefreshError when a needed
    refresh failed for a reason that may pass.
    """
    connection = _load_usable(connection_id)
    if not _needs_refresh(connection, margin):
        return connection.access_token
    return _refresh_under_lock(
        connection_id, should_refresh=lambda locked: _needs_refresh(locked, margin)
    )


def refresh_access_token(connection_id: int, *, stale_token: str | None = None) -> str:
    """Refresh the access token now, typically after Whatnot returned HTTP 401.

    Pass the token that was rejected as ``stale_token``: when another process
    has refreshed in the meantime, the stored token differs from it and is
    returned without a network call. Without ``stale_token`` the refresh always
    happens. A personal token cannot be refreshed, so the connection is marked
    as needing a reconnect and ReconnectRequired is raised.
    """
    _load_usable(connection_id)
    return _refresh_under_lock(
        connection_id,
        should_refresh=lambda locked: (
            stale_token is None or locked.access_token == stale_token
        ),
    )


def mark_needs_reconnect(connection_id: int, reason: str) -> None:
    """Flag the connection so that syncs stop and the seller is asked to
    reconnect. ``reason`` is shown to staff and must not contain a token."""
    updated = WhatnotConnection.objects.filter(pk=connection_id).update(
        status=WhatnotConnection.Status.NEEDS_RECONNECT,
        last_error=reason,
        updated_at=timezone.now(),
    )
    if updated:
        logger.warning(
            "Whatnot connection %s needs a reconnect: %s", connection_id, reason
        )


def _load_usable(connection_id: int) -> WhatnotConnection:
    connection = WhatnotConnection.objects.filter(pk=connection_id).first()
    _check_usable(connection, connection_id)
    return connection


def _check_usable(connection: WhatnotConnection | None, connection_id: int) -> None:
    if connection is None:
        raise ReconnectRequired(
            f"Whatnot connection {connection_id} does not exist",
            connection_id=connection_id,
        )
    if not connection.is_usable:
        raise ReconnectRequired(
            f"Whatnot connection {connection_id} is {connection.status} "
            "and has to be connected again",
            connection_id=connection_id,
        )


def _needs_refresh(connection: WhatnotConnection, margin: timedelta) -> bool:
    if connection.kind == WhatnotConnection.Kind.PERSONAL:
        return False
    return connection.expires_within(margin)


@sensitive_variables("grant")
def _refresh_under_lock(
    connection_id: int, *, should_refresh: Callable[[WhatnotConnection], bool]
) -> str:
    """Lock the row, then refresh unless ``should_refresh`` returns False
    because another process already did.

    A revoked grant marks the connection inside the same transaction, so a
    process waiting for the lock sees the mark and makes no network call.
    """
    with transaction.atomic():
        connection = (
            WhatnotConnection.objects.select_for_update()
            .filter(pk=connection_id)
            .first()
        )
        _check_usable(connection, connection_id)
        if not should_refresh(connection):
            return connection.access_token
        reconnect_reason = _reconnect_reason(connection)
        if reconnect_reason is None:
            try:
                grant = client.request_token_refresh(connection.refresh_token)
            except client.TokenEndpointError as exc:
                reconnect_reason = _handle_endpoint_error(exc, connection_id)
            else:
                _store_grant(connection, grant)
                return grant.access_token
        mark_needs_reconnect(connection_id, reconnect_reason)
    raise ReconnectRequired(reconnect_reason, connection_id=connection_id)


def _reconnect_reason(connection: WhatnotConnection) -> str | None:
    if connection.kind == WhatnotConnection.Kind.PERSONAL:
        return (
            "Whatnot rejected the personal access token; paste a new token "
            "on the settings page"
        )
    if not connection.refresh_token:
        return "no refresh token is stored; connect Whatnot again"
    return None


def _handle_endpoint_error(exc: client.TokenEndpointError, connection_id: int) -> str:
    """Return the reconnect reason for a revoked grant, and raise
    TokenRefreshError for every other failure."""
    if exc.grant_revoked:
        return (
            f"Whatnot rejected the refresh token ({exc.error}); the seller has "
            "to connect Whatnot again"
        )
    logger.warning(
        "Token refresh for Whatnot connection %s failed: %s", connection_id, exc
    )
    if exc.retryable:
        raise TokenRefreshError(str(exc), connection_id=connection_id) from exc
    # A 4xx other than a revoked grant (invalid_client, invalid_request) points
    # at selvedge's OAuth client settings, not at the seller, so the connection
    # is left as it is.
    raise TokenRefreshError(
        f"{exc}; check WHATNOT_CLIENT_ID and WHATNOT_CLIENT_SECRET",
        connection_id=connection_id,
    ) from exc


@sensitive_variables("grant")
def _store_grant(connection: WhatnotConnection, grant: client.TokenGrant) -> None:
    connection.access_token = grant.access_token
    if grant.refresh_token:
        connection.refresh_token = grant.refresh_token
    else:
        logger.warning(
            "Whatnot returned no new refresh token for connection %s; the "
            "spent one is kept and the next refresh will likely fail",
            connection.pk,
        )
    connection.access_token_expires_at = grant.expires_at
    if grant.scopes:
        connection.scopes = grant.scopes
    connection.last_refreshed_at = timezone.now()
    connection.last_error = ""
    connection.save(
        update_fields=[
            "access_token",
            "refresh_token",
            "access_token_expires_at",
            "scopes",
            "last_refreshed_at",
            "last_error",
            "updated_at",
        ]
    )
    logger.info("Refreshed the access token of Whatnot connection %s", connection.pk)
