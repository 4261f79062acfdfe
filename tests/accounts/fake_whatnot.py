"""A small HTTP server with Whatnot's OAuth and ``me`` endpoints, for tests
that run before or without the sandbox.

It responds with the recorded JSON in data/, issuing fresh token values from
it. Codes and refresh tokens are single use, a revoked grant gets
invalid_grant, and every request is recorded so tests can count calls.
"""

from __future__ import annotations

import html
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

DATA_DIR = Path(__file__).parent / "data"
TOKEN_RESPONSE = json.loads((DATA_DIR / "token_response.json").read_text())
ME_RESPONSE = json.loads((DATA_DIR / "me_response.json").read_text())
SELLER = ME_RESPONSE["data"]["me"]

CLIENT_ID = "selvedge-test-client"
CLIENT_SECRET = "selvedge-test-secret"


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class FakeWhatnot:
    """State of the fake server. Tests change the public attributes to make
    it deny consent, fail, or wait before responding."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}
        self.counter = itertools.count(1)
        self.seller = dict(SELLER)
        self.deny_consent = False
        # When set, the authorize URL shows a page with Approve and Deny links
        # instead of redirecting at once.
        self.show_consent_page = False
        self.refresh_delay = 0.0
        self.token_failure: tuple[int, dict] | None = None
        self.me_failure: tuple[int, dict] | None = None
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def token_requests(self, grant_type: str | None = None) -> list[RecordedRequest]:
        with self.lock:
            return [
                r
                for r in self.requests
                if r.path.endswith("/oauth/token")
                and (grant_type is None or r.form.get("grant_type") == grant_type)
            ]

    def issue_tokens(self, seller: dict | None = None, scope: str | None = None):
        """Create and return a token response body as the endpoint would."""
        number = next(self.counter)
        body = dict(TOKEN_RESPONSE)
        body["access_token"] = f"{TOKEN_RESPONSE['access_token']}_{number}"
        body["refresh_token"] = f"{TOKEN_RESPONSE['refresh_token']}_{number}"
        if scope is not None:
            body["scope"] = scope
        owner = {"seller": seller or self.seller, "scope": body["scope"]}
        self.access_tokens[body["access_token"]] = owner
        self.refresh_tokens[body["refresh_token"]] = owner
        return body

    def add_personal_token(self, token: str, seller: dict | None = None) -> None:
        with self.lock:
            self.access_tokens[token] = {"seller": seller or self.seller, "scope": ""}

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()

    def revoke_access_token(self, token: str) -> None:
        with self.lock:
            self.access_tokens.pop(token, None)

    def approve(self, query: dict[str, str]) -> str:
        """Return the redirect URL the authorize page sends the browser to."""
        redirect_uri = query["redirect_uri"]
        if self.deny_consent:
            params = {"error": "access_denied", "state": query.get("state", "")}
        else:
            code = f"code_{next(self.counter)}"
            with self.lock:
                self.codes[code] = {
                    "redirect_uri": redirect_uri,
                    "scope": query.get("scope", ""),
                    "used": False,
                }
            params = {"code": code, "state": query.get("state", "")}
        return f"{redirect_uri}?{urlencode(params)}"

    def answer_token(self, form: dict[str, str]) -> tuple[int, dict]:
        if self.token_failure is not None:
            return self.token_failure
        if (form.get("client_id"), form.get("client_secret")) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return 401, {"error": "invalid_client"}
        grant_type = form.get("grant_type")
        with self.lock:
            if grant_type == "authorization_code":
                entry = self.codes.get(form.get("code", ""))
                if entry is None or entry["used"]:
                    return 400, {"error": "invalid_grant"}
                if entry["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant"}
                entry["used"] = True
                return 200, self.issue_tokens(scope=entry["scope"] or None)
            if grant_type == "refresh_token":
                owner = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
                if owner is None:
                    return 400, {"error": "invalid_grant"}
                return 200, self.issue_tokens(owner["seller"], owner["scope"])
        return 400, {"error": "unsupported_grant_type"}

    def answer_graphql(self, authorization: str) -> tuple[int, dict]:
        if self.me_failure is not None:
            return self.me_failure
        token = authorization.removeprefix("Bearer ").strip()
        with self.lock:
            owner = self.access_tokens.get(token)
        if owner is None:
            return 401, {"errors": [{"message": "invalid access token"}]}
        return 200, {"data": {"me": owner["seller"]}}


def _handler_for(fake: FakeWhatnot):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def _send_json(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _record(self, form: dict[str, str]) -> None:
            with fake.lock:
                fake.requests.append(
                    RecordedRequest(
                        self.command, urlparse(self.path).path, form, dict(self.headers)
                    )
                )

        def do_GET(self):
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            self._record(query)
            if url.path != "/seller-api/rest/oauth/authorize":
                self._send_json(404, {"error": "not_found"})
                return
            if fake.show_consent_page:
                self._send_consent_page(query)
                return
            self.send_response(302)
            self.send_header("Location", fake.approve(query))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send_consent_page(self, query: dict[str, str]) -> None:
            deny = {"error": "access_denied", "state": query.get("state", "")}
            approve_url = html.escape(fake.approve(query))
            deny_url = html.escape(f"{query['redirect_uri']}?{urlencode(deny)}")
            payload = (
                "<!doctype html><title>Authorize</title>"
                f'<a id="approve" href="{approve_url}">Approve</a> '
                f'<a id="deny" href="{deny_url}">Deny</a>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            path = urlparse(self.path).path
            if path == "/seller-api/rest/oauth/token":
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                self._record(form)
                if form.get("grant_type") == "refresh_token" and fake.refresh_delay:
                    time.sleep(fake.refresh_delay)
                self._send_json(*fake.answer_token(form))
            elif path == "/seller-api/graphql":
                self._record({"body": raw})
                self._send_json(
                    *fake.answer_graphql(self.headers.get("Authorization", ""))
                )
            else:
                self._send_json(404, {"error": "not_found"})

    return Handler


def start_fake_whatnot() -> FakeWhatnot:
    fake = FakeWhatnot()
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    return fake
