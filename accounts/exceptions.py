"""Errors raised by the Whatnot connection and token services."""

from __future__ import annotations


class WhatnotConnectionError(Exception):
    """Base class for failures of a seller's Whatnot connection."""

    def __init__(self, message: str, *, connection_id: int | None = None):
        super().__init__(message)
        self.connection_id = connection_id


class ReconnectRequired(WhatnotConnectionError):
    """The connection cannot be used until the seller connects again.

    Raised when Whatnot rejects the refresh token (invalid_grant) or a personal
    token, and when the connection is missing, disconnected or already marked
    as needing a reconnect. Callers stop work for the connection; retrying
    does not help.
    """


class TokenRefreshError(WhatnotConnectionError):
    """A token refresh failed for a reason that may pass: a network error, a
    timeout, a 5xx or 429 response, or an unreadable body. Callers retry
    later; the stored tokens are unchanged."""


class WhatnotAccountInUse(WhatnotConnectionError):
    """The Whatnot account is already connected to another selvedge user."""


class PersonalTokenRejected(WhatnotConnectionError):
    """A pasted personal token failed its check against the Seller API."""
