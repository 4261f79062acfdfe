"""HTTP calls to Whatnot's OAuth token endpoint and the Seller API ``me`` query.

Every URL is built from settings.WHATNOT_BASE_URL when it is used, so production,
staging and the sandbox differ only by settings. Requests go through allauth's
requests session, which applies SOCIALACCOUNT_REQUESTS_TIMEOUT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from allauth.socialaccount.adapter import get_adapter
from django.conf import settings
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

AUTHORIZE_PATH = "/seller-api/rest/oauth/authorize"
# A URL path, not a credential.
TOKEN_PATH = "/seller-api/rest/oauth/token"  # noqa: S105
GRAPHQL_PATH = "/seller-api/graphql"

ME_QUERY = "query Me { me { id username displayName currencyCode countryCode } }"

# OAuth error codes (RFC 6749, section 5.2) after which the grant is gone for
# good and only a new consent helps.
GRANT_REVOKED_ERRORS = frozenset({"invalid_grant", "unauthorized_client"})


def base_url() -> str:
    return settings.WHATNOT_BASE_URL.rstrip("/")


def authorize_url() -> str:
    return base_url() + AUTHORIZE_PATH


def token_url() -> str:
    return base_url() + TOKEN_PATH


def graphql_url() -> str:
    return base_url() + GRAPHQL_PATH


def configured_scopes() -> list[str]:
    """Return the scopes selvedge requests, from settings.WHATNOT_SCOPES."""
    return settings.WHATNOT_SCOPES.split()


class TokenEndpointError(Exception):
    """The token endpoint returned an error or could not be reached.

    ``error`` is the OAuth error code from the response body ("invalid_grant",
    ...), or a short description such as "timeout" or "http_503" when the body
    had none. The message never contains a token.
    """

    def __init__(self, error: str, *, status: int | None = None):
        detail = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"Whatnot token endpoint failed: {error} ({detail})")
        self.error = error
        self.status = status

    @property
    def grant_revoked(self) -> bool:
        return self.error in GRANT_REVOKED_ERRORS

    @property
    def retryable(self) -> bool:
        if self.status is None:
            return True
        return self.status == 429 or self.status >= 500


class IdentityError(Exception):
    """The Seller API ``me`` query failed or returned no seller id.

    ``unauthorized`` is true when Whatnot rejected the token (HTTP 401 or 403).
    """

    def __init__(self, message: str, *, unauthorized: bool = False):
        super().__init__(message)
        self.unauthorized = unauthorized


@dataclass(frozen=True)
class TokenGrant:
    """The tokens from one successful token endpoint response."""

    access_token: str
    refresh_token: str
    expires_at: datetime | None
    scopes: str

    @classmethod
    def from_response(cls, data: dict) -> TokenGrant:
        expires_in = data.get("expires_in")
        expires_at = None
        if expires_in not in (None, ""):
            expires_at = timezone.now() + timedelta(seconds=int(expires_in))
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=expires_at,
            scopes=normalize_scopes(data.get("scope")),
        )

    def __repr__(self) -> str:
        return (
            f"TokenGrant(access_token=[set], refresh_token="
            f"{'[set]' if self.refresh_token else '[empty]'}, "
            f"expires_at={self.expires_at!r}, scopes={self.scopes!r})"
        )


@dataclass(frozen=True)
class SellerIdentity:
    """The seller a token belongs to, as the ``me`` query returns it."""

    user_id: str
    username: str
    profile: dict


def normalize_scopes(scope: str | list | None) -> str:
    """Return scopes as one space-separated string in a stable order."""
    if not scope:
        return ""
    parts = scope.split() if isinstance(scope, str) else [str(s) for s in scope]
    return " ".join(sorted(set(parts)))


@sensitive_variables("refresh_token", "data", "body")
def request_token_refresh(refresh_token: str) -> TokenGrant:
    """Spend a refresh token at the token endpoint and return the new grant.

    Raises TokenEndpointError on any failure. Whatnot refresh tokens are single
    use, so the caller must store the returned refresh token.
    """
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": settings.WHATNOT_CLIENT_ID,
        "client_secret": settings.WHATNOT_CLIENT_SECRET,
    }
    try:
        with get_adapter().get_requests_session() as session:
            response = session.post(
                token_url(), data=data, headers={"Accept": "application/json"}
            )
    except requests.Timeout as exc:
        raise TokenEndpointError("timeout") from exc
    except requests.RequestException as exc:
        raise TokenEndpointError(exc.__class__.__name__) from exc
    body = _json_or_empty(response)
    if response.status_code != 200:
        error = body.get("error") or f"http_{response.status_code}"
        raise TokenEndpointError(str(error), status=response.status_code)
    if not body.get("access_token"):
        raise TokenEndpointError("no_access_token", status=response.status_code)
    return TokenGrant.from_response(body)


@sensitive_variables("access_token")
def fetch_seller_identity(access_token: str) -> SellerIdentity:
    """Run the ``me`` query with the token and return the seller it belongs to.

    Raises IdentityError when Whatnot rejects the token, cannot be reached, or
    returns no seller id.
    """
    try:
        with get_adapter().get_requests_session() as session:
            response = session.post(
                graphql_url(),
                json={"query": ME_QUERY},
                headers={"Authorization": f"Bearer {access_token}"},
            )
    except requests.RequestException as exc:
        raise IdentityError(
            f"Whatnot could not be reached at {base_url()} ({exc.__class__.__name__})"
        ) from exc
    if response.status_code in (401, 403):
        raise IdentityError(
            f"HTTP {response.status_code} from Whatnot's 'me' query",
            unauthorized=True,
        )
    if response.status_code != 200:
        raise IdentityError(
            f"Whatnot's 'me' query failed with HTTP {response.status_code}"
        )
    body = _json_or_empty(response)
    me = (body.get("data") or {}).get("me") or {}
    if not me.get("id"):
        messages = [error.get("message", "") for error in body.get("errors") or []]
        detail = "; ".join(m for m in messages if m) or "no seller id in the answer"
        raise IdentityError(f"Whatnot's 'me' query returned no seller: {detail}")
    return SellerIdentity(
        user_id=str(me["id"]), username=str(me.get("username") or ""), profile=me
    )


def _json_or_empty(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
