"""Sandbox sellers and their tokens: personal tokens, OAuth access and refresh
tokens, authorization codes.

Tokens are random strings kept in the store as issued; the sandbox never logs
them.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from .values import Clock, format_timestamp, parse_timestamp

ACCESS_PREFIX = "wn_access_tk_test_"
REFRESH_PREFIX = "wn_refresh_tk_test_"
CODE_PREFIX = "wn_code_test_"

# A personal token carries every scope, as Whatnot's seller-issued tokens do.
FULL_ACCESS = "full_access"
CUSTOMER_SCOPE = "read:customers"
# Whatnot's pages spell the customer-data scope three ways; all mean one scope.
SCOPE_ALIASES = {"read:customer": CUSTOMER_SCOPE, "read_customers": CUSTOMER_SCOPE}
KNOWN_SCOPES = frozenset(
    {
        "read:inventory",
        "write:inventory",
        "read:orders",
        "write:orders",
        CUSTOMER_SCOPE,
        "read:shipments",
        "read:shows",
    }
)


@dataclass(frozen=True)
class TokenOwner:
    seller_id: int
    username: str
    scopes: frozenset[str]
    token: str
    kind: str

    def has_scope(self, scope: str) -> bool:
        return FULL_ACCESS in self.scopes or scope in self.scopes


class UnknownScope(ValueError):
    pass


def normalize_scopes(text: str) -> list[str]:
    """Split a space-separated scope string, map aliases, reject unknown names."""
    scopes = []
    for name in text.split():
        name = SCOPE_ALIASES.get(name, name)
        if name not in KNOWN_SCOPES:
            raise UnknownScope(name)
        if name not in scopes:
            scopes.append(name)
    return scopes


def create_seller(
    db: sqlite3.Connection, clock: Clock, username: str, display_name: str = ""
) -> int:
    cursor = db.execute(
        "INSERT INTO sellers (username, display_name, created_at) VALUES (?, ?, ?)",
        (
            username,
            display_name or username.replace("_", " ").title(),
            clock.now_text(),
        ),
    )
    return cursor.lastrowid


def seller_by_username(db: sqlite3.Connection, username: str) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM sellers WHERE username = ?", (username,)
    ).fetchone()


def seller_by_id(db: sqlite3.Connection, seller_id: int) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM sellers WHERE id = ?", (seller_id,)).fetchone()


def issue_token(
    db: sqlite3.Connection,
    clock: Clock,
    seller_id: int,
    *,
    kind: str,
    scopes: list[str] | tuple[str, ...],
    ttl_seconds: float | None,
    client_id: str | None = None,
) -> str:
    prefix = REFRESH_PREFIX if kind == "refresh" else ACCESS_PREFIX
    token = prefix + secrets.token_urlsafe(24)
    now = clock.now()
    expires_at = (
        format_timestamp(now + timedelta(seconds=ttl_seconds))
        if ttl_seconds is not None
        else None
    )
    db.execute(
        "INSERT INTO tokens (token, kind, seller_id, client_id, scopes, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            token,
            kind,
            seller_id,
            client_id,
            " ".join(scopes),
            format_timestamp(now),
            expires_at,
        ),
    )
    return token


def personal_token(db: sqlite3.Connection, seller_id: int) -> str | None:
    row = db.execute(
        "SELECT token FROM tokens WHERE seller_id = ? AND kind = 'personal' "
        "AND revoked_at IS NULL ORDER BY created_at LIMIT 1",
        (seller_id,),
    ).fetchone()
    return row["token"] if row else None


def is_expired(row: sqlite3.Row, clock: Clock) -> bool:
    return (
        row["expires_at"] is not None
        and parse_timestamp(row["expires_at"]) <= clock.now()
    )


def authenticate(
    db: sqlite3.Connection, clock: Clock, token: str
) -> tuple[TokenOwner | None, str]:
    """Return the token's owner, or None and the reason it is not valid."""
    row = db.execute(
        "SELECT t.*, s.username FROM tokens t JOIN sellers s ON s.id = t.seller_id "
        "WHERE t.token = ? AND t.kind IN ('personal', 'access')",
        (token,),
    ).fetchone()
    if row is None:
        return None, "The access token is unknown."
    if row["revoked_at"] is not None:
        return None, "The access token was revoked; connect the store again."
    if is_expired(row, clock):
        return None, "The access token has expired; refresh it."
    owner = TokenOwner(
        seller_id=row["seller_id"],
        username=row["username"],
        scopes=frozenset(row["scopes"].split()),
        token=token,
        kind=row["kind"],
    )
    return owner, ""


def issue_code(
    db: sqlite3.Connection,
    clock: Clock,
    *,
    client_id: str,
    redirect_uri: str,
    seller_id: int,
    scopes: list[str],
    ttl_seconds: float,
) -> str:
    code = CODE_PREFIX + secrets.token_urlsafe(18)
    now = clock.now()
    db.execute(
        "INSERT INTO oauth_codes (code, client_id, redirect_uri, seller_id, scopes, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            client_id,
            redirect_uri,
            seller_id,
            " ".join(scopes),
            format_timestamp(now),
            format_timestamp(now + timedelta(seconds=ttl_seconds)),
        ),
    )
    return code


def revoke_tokens(
    db: sqlite3.Connection, clock: Clock, seller_id: int, kinds: tuple[str, ...]
) -> int:
    placeholders = ", ".join("?" for _ in kinds)
    cursor = db.execute(
        f"UPDATE tokens SET revoked_at = ? WHERE seller_id = ? AND kind IN "
        f"({placeholders}) AND revoked_at IS NULL",
        (clock.now_text(), seller_id, *kinds),
    )
    return cursor.rowcount


def expire_tokens(
    db: sqlite3.Connection, clock: Clock, *, seller_id: int | None, token: str | None
) -> int:
    """Make access tokens expire now (personal tokens too when named)."""
    now = clock.now_text()
    if token is not None:
        cursor = db.execute(
            "UPDATE tokens SET expires_at = ? WHERE token = ? AND kind != 'refresh'",
            (now, token),
        )
    else:
        cursor = db.execute(
            "UPDATE tokens SET expires_at = ? WHERE seller_id = ? AND kind = 'access'",
            (now, seller_id),
        )
    return cursor.rowcount
