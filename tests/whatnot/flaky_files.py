"""A loopback HTTP file server whose responses a test scripts: dropped
connections, ignored Range headers, expired links."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fixtures.processes import free_port

_RANGE = re.compile(r"bytes=(\d+)-")


@dataclass
class FileScript:
    """What the server sends, one entry of `answers` per request in order.

    The last entry repeats. "full" sends the file. "cut" promises the whole
    file in its headers and closes the connection halfway. "ignore-range"
    sends 200 with the whole file whatever the Range. "range" sends 206 from
    the requested byte. A number sends that HTTP status.
    """

    body: bytes
    answers: list = field(default_factory=lambda: ["range"])
    ranges: list = field(default_factory=list)
    requests: int = 0


class _Handler(BaseHTTPRequestHandler):
    script: FileScript

    def do_GET(self):
        script = self.script
        answer = script.answers[min(script.requests, len(script.answers) - 1)]
        script.requests += 1
        requested = self.headers.get("Range")
        script.ranges.append(requested)
        body = script.body

        if isinstance(answer, int):
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        match = _RANGE.match(requested or "")
        if answer == "range" and match:
            start = int(match.group(1))
            self.send_response(206)
            self.send_header(
                "Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}"
            )
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            self.wfile.write(body[start:])
            return

        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if answer == "cut":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, format, *args):
        return


@contextmanager
def serving(script: FileScript) -> Iterator[str]:
    """Serve `script` on a free loopback port; yield the file's URL."""
    handler = type("ScriptedHandler", (_Handler,), {"script": script})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/result.jsonl"
    finally:
        server.shutdown()
        server.server_close()
