"""OAuth 2.0 authorization-code flow: the approve/deny page and the token endpoint."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from . import sellers
from .values import parse_timestamp

logger = logging.getLogger(__name__)

DEFAULT_SCOPES = "read:inventory write:inventory read:orders"


class AuthorizeError(Exception):
    """A problem that must not redirect: the redirect target itself is in doubt."""


def json_response(body: dict, status: int = 200) -> Response:
    import json

    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect_uri_allowed(config, uri: str) -> bool:
    if config.redirect_uris:
        return uri in config.redirect_uris
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and parts.hostname in (
        "127.0.0.1",
        "localhost",
    )


def with_query(uri: str, **params) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(key, value) for key, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def checked_request(sandbox, values) -> tuple[str, str | None]:
    """Check client_id and redirect_uri; return the redirect URI and state."""
    config = sandbox.config
    if values.get("client_id") != config.client_id:
        raise AuthorizeError(f"Unknown client_id {values.get('client_id')!r}.")
    redirect_uri = values.get("redirect_uri", "")
    if not redirect_uri_allowed(config, redirect_uri):
        raise AuthorizeError(
            f"redirect_uri {redirect_uri!r} is not registered for this client."
        )
    return redirect_uri, values.get("state")


def error_page(message: str) -> Response:
    html = (
        "<!doctype html><title>Authorization failed</title>"
        f"<h1>Authorization failed</h1><p id='error'>{escape(message)}</p>"
    )
    return Response(html, status=400, mimetype="text/html")


def authorize(sandbox, request: Request) -> Response:
    values = request.form if request.method == "POST" else request.args
    try:
        redirect_uri, state = checked_request(sandbox, values)
    except AuthorizeError as exc:
        return error_page(str(exc))
    if values.get("response_type") != "code":
        return redirect(
            with_query(redirect_uri, error="unsupported_response_type", state=state)
        )
    try:
        scopes = sellers.normalize_scopes(values.get("scope") or DEFAULT_SCOPES)
    except sellers.UnknownScope as exc:
        return redirect(
            with_query(
                redirect_uri,
                error="invalid_scope",
                error_description=f"Unknown scope {exc}",
                state=state,
            )
        )
    if request.method == "GET":
        return approval_page(sandbox, values, scopes)
    if values.get("decision") != "approve":
        return redirect(with_query(redirect_uri, error="access_denied", state=state))
    username = (values.get("username") or values.get("seller") or "").strip()
    if not username:
        return approval_page(
            sandbox, values, scopes, problem="Pick a seller or enter a username."
        )
    with sandbox.store.write() as db:
        seller = sellers.seller_by_username(db, username)
        seller_id = (
            seller["id"]
            if seller
            else sellers.create_seller(db, sandbox.clock, username)
        )
        code = sellers.issue_code(
            db,
            sandbox.clock,
            client_id=values["client_id"],
            redirect_uri=redirect_uri,
            seller_id=seller_id,
            scopes=scopes,
            ttl_seconds=sandbox.config.code_ttl,
        )
    logger.info("Seller %s approved client %s", username, values["client_id"])
    return redirect(with_query(redirect_uri, code=code, state=state))


def approval_page(sandbox, values, scopes: list[str], problem: str = "") -> Response:
    with sandbox.store.read() as db:
        usernames = [
            row["username"]
            for row in db.execute("SELECT username FROM sellers ORDER BY id")
        ]
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{escape(values.get(name, ''))}'>"
        for name in ("client_id", "redirect_uri", "response_type", "scope", "state")
    )
    options = "".join(
        f"<option value='{escape(name)}'>{escape(name)}</option>" for name in usernames
    )
    scope_items = "".join(f"<li>{escape(scope)}</li>" for scope in scopes)
    problem_html = f"<p id='problem'>{escape(problem)}</p>" if problem else ""
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Whatnot sandbox: authorize</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}
label{{display:block;margin:.8rem 0 .2rem}}button{{margin:1rem .5rem 0 0}}</style>
</head><body>
<h1>Authorize {escape(values.get("client_id", ""))}</h1>
<p>The application asks for access to a sandbox seller's store with these scopes:</p>
<ul id="scopes">{scope_items}</ul>
{problem_html}
<form method="post" action="/seller-api/rest/oauth/authorize">
{hidden}
<label for="seller">Seller</label>
<select id="seller" name="seller">{options}</select>
<label for="username">Or another seller's username (created if new)</label>
<input id="username" name="username" autocomplete="off">
<div>
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</div>
</form></body></html>"""
    return Response(html, mimetype="text/html")


def client_credentials(request: Request) -> tuple[str | None, str | None]:
    """Client id and secret from the form, or from HTTP Basic authentication."""
    client_id = request.form.get("client_id")
    secret = request.form.get("client_secret")
    header = request.headers.get("Authorization", "")
    if secret is None and header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
    return client_id, secret


def token_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def token(sandbox, request: Request) -> Response:
    config = sandbox.config
    if request.mimetype != "application/x-www-form-urlencoded":
        return token_error(
            "invalid_request",
            "Send the token request as application/x-www-form-urlencoded.",
        )
    client_id, secret = client_credentials(request)
    if client_id != config.client_id or not hmac.compare_digest(
        (secret or "").encode(), config.client_secret.encode()
    ):
        return token_error(
            "invalid_client", "Unknown client_id or wrong client_secret.", 401
        )
    grant_type = request.form.get("grant_type")
    if grant_type == "authorization_code":
        return exchange_code(sandbox, request.form)
    if grant_type == "refresh_token":
        return refresh(sandbox, request.form)
    return token_error(
        "unsupported_grant_type",
        f"grant_type must be authorization_code or refresh_token (got {grant_type!r}).",
    )


def issue_pair(sandbox, db, seller_id: int, scopes: list[str]) -> dict:
    config = sandbox.config
    access = sellers.issue_token(
        db,
        sandbox.clock,
        seller_id,
        kind="access",
        scopes=scopes,
        ttl_seconds=config.access_token_ttl,
        client_id=config.client_id,
    )
    refresh_token = sellers.issue_token(
        db,
        sandbox.clock,
        seller_id,
        kind="refresh",
        scopes=scopes,
        ttl_seconds=config.refresh_token_ttl,
        client_id=config.client_id,
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(config.access_token_ttl),
        "refresh_token": refresh_token,
        "scope": " ".join(scopes),
    }


def exchange_code(sandbox, form) -> Response:
    code = form.get("code") or ""
    with sandbox.store.write() as db:
        row = db.execute("SELECT * FROM oauth_codes WHERE code = ?", (code,)).fetchone()
        problem = None
        if row is None:
            problem = "The authorization code is unknown."
        elif row["used_at"] is not None:
            problem = "The authorization code was already used."
        elif parse_timestamp(row["expires_at"]) <= sandbox.clock.now():
            problem = "The authorization code has expired; authorize again."
        elif form.get("redirect_uri") and form["redirect_uri"] != row["redirect_uri"]:
            problem = "redirect_uri differs from the one in the authorization request."
        if problem:
            return token_error("invalid_grant", problem)
        db.execute(
            "UPDATE oauth_codes SET used_at = ? WHERE code = ?",
            (sandbox.clock.now_text(), code),
        )
        body = issue_pair(sandbox, db, row["seller_id"], row["scopes"].split())
    return json_response(body)


def refresh(sandbox, form) -> Response:
    presented = form.get("refresh_token") or ""
    with sandbox.store.write() as db:
        row = db.execute(
            "SELECT * FROM tokens WHERE token = ? AND kind = 'refresh'", (presented,)
        ).fetchone()
        problem = None
        if row is None:
            problem = "The refresh token is unknown."
        elif row["used_at"] is not None:
            problem = (
                "The refresh token was already used; refresh tokens are single-use."
            )
        elif row["revoked_at"] is not None:
            problem = "The refresh token was revoked; connect the store again."
        elif sellers.is_expired(row, sandbox.clock):
            problem = "The refresh token has expired; connect the store again."
        if problem:
            return token_error("invalid_grant", problem)
        db.execute(
            "UPDATE tokens SET used_at = ? WHERE token = ?",
            (sandbox.clock.now_text(), presented),
        )
        body = issue_pair(sandbox, db, row["seller_id"], row["scopes"].split())
    return json_response(body)
