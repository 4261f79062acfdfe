"""A Seller API that claims a next page without a new cursor ends the run.

The sandbox paginates correctly, so a small HTTP server on loopback plays a
misbehaving Whatnot here.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import WhatnotConnectionFactory
from whatnot.models import Listing, SyncRun
from whatnot.tasks.sync import sync_seller_task

from .nodes import listing_node, listings_data

pytestmark = pytest.mark.django_db


class BrokenPagination:
    """Serve listings pages whose endCursor comes from ``cursors`` in turn,
    each page claiming that another page follows."""

    def __init__(self, cursors: list[str | None]):
        self.cursors = cursors
        self.requests: list[dict] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                owner.requests.append(json.loads(self.rfile.read(length)))
                index = min(len(owner.requests), len(owner.cursors)) - 1
                node = listing_node(f"L{len(owner.requests)}")
                body = json.dumps(
                    {
                        "data": listings_data(
                            [node], has_next=True, end_cursor=owner.cursors[index]
                        )
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("cursors", "requests"),
    [
        pytest.param([None], 1, id="no-cursor"),
        pytest.param(["Y3Vyc29yOjE=", "Y3Vyc29yOjE="], 2, id="same-cursor"),
    ],
)
def test_missing_next_cursor_fails_run(settings, cursors, requests):
    # Without the check the task would loop until its time budget ran out.
    settings.WHATNOT_SYNC_TASK_BUDGET_SECONDS = 5
    connection = WhatnotConnectionFactory()
    run = SyncRun.objects.create(seller=connection.user, kind="full")

    with BrokenPagination(cursors) as whatnot:
        settings.WHATNOT_BASE_URL = whatnot.base_url
        sync_seller_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert "reports a next page" in run.error
    assert len(whatnot.requests) == requests
    assert run.pages == requests
    assert Listing.objects.filter(seller=connection.user).count() == requests
