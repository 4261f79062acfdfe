"""A Seller API that rejects even a freshly refreshed token.

The sandbox accepts the tokens it issues, so a small HTTP server on loopback
plays a Whatnot whose token endpoint works but whose GraphQL endpoint returns
401 for every token.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.exceptions import ReconnectRequired
from accounts.models import WhatnotConnection
from tests.factories import WhatnotConnectionFactory
from whatnot.client import WhatnotClient

pytestmark = pytest.mark.django_db


UNAUTHENTICATED = {
    "errors": [{"message": "Invalid token.", "extensions": {"code": "UNAUTHENTICATED"}}]
}


def token_grant(number: int) -> dict:
    return {
        "access_token": f"wn_access_tk_test_new_{number}",
        "refresh_token": f"wn_refresh_tk_test_new_{number}",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "read:inventory write:inventory read:orders",
    }


class RejectingWhatnot:
    def __init__(self):
        self.paths: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                owner.paths.append(self.path)
                if self.path.endswith("/oauth/token"):
                    status, body = 200, token_grant(len(owner.paths))
                else:
                    status, body = 401, UNAUTHENTICATED
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


def test_second_401_marks_connection(settings):
    connection = WhatnotConnectionFactory()

    with RejectingWhatnot() as whatnot:
        settings.WHATNOT_BASE_URL = whatnot.base_url
        with WhatnotClient(connection.pk) as client, pytest.raises(ReconnectRequired):
            client.me()

    connection.refresh_from_db()
    assert whatnot.paths == [
        "/seller-api/graphql",
        "/seller-api/rest/oauth/token",
        "/seller-api/graphql",
    ]
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT
    assert "freshly refreshed access token" in connection.last_error
    assert connection.access_token == "wn_access_tk_test_new_2"
