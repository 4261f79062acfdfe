"""The sandbox's WSGI application and its threaded HTTP server."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from . import admin, oauth, sellers, taxonomy
from .graphql_api.endpoint import error_body, run_graphql
from .ratelimit import retry_after_header

logger = logging.getLogger(__name__)

URLS = Map(
    [
        Rule("/seller-api/graphql", endpoint="graphql", methods=["POST"]),
        Rule(
            "/seller-api/rest/oauth/authorize",
            endpoint="authorize",
            methods=["GET", "POST"],
        ),
        Rule("/seller-api/rest/oauth/token", endpoint="token", methods=["POST"]),
        Rule(
            "/seller-api/rest/product-taxonomy/US.txt",
            endpoint="taxonomy",
            methods=["GET"],
        ),
        Rule("/listing/<listing_id>", endpoint="listing_page", methods=["GET"]),
        Rule("/sandbox/bulk/<key>", endpoint="bulk_result", methods=["GET", "HEAD"]),
        Rule(
            "/sandbox/uploads/<path:path>", endpoint="upload", methods=["PUT", "POST"]
        ),
        *admin.RULES,
    ]
)
# Paths where injected faults and the rate limit apply.
FAULTED_ENDPOINTS = {"graphql", "token"}


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, mimetype="application/json", headers=headers
    )


class SandboxApp:
    def __init__(self, sandbox):
        self.sandbox = sandbox

    def __call__(self, environ, start_response):
        request = Request(environ)
        started = time.monotonic()
        entry = {
            "time": self.sandbox.clock.now_text(),
            "method": request.method,
            "path": request.path,
        }
        try:
            response = self.dispatch(request, entry)
        except HTTPException as exc:
            response = json_response(
                {"error": exc.name, "message": exc.description}, exc.code or 500
            )
        except Exception:
            logger.exception("Unexpected error on %s %s", request.method, request.path)
            response = json_response(
                error_body(
                    "The sandbox failed unexpectedly; see its log.",
                    "INTERNAL_SERVER_ERROR",
                ),
                500,
            )
        entry["status"] = response.status_code
        entry["milliseconds"] = round((time.monotonic() - started) * 1000, 1)
        if not request.path.startswith("/sandbox/admin/"):
            self.sandbox.log_request(entry)
        return response(environ, start_response)

    def dispatch(self, request: Request, entry: dict) -> Response:
        adapter = URLS.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match()
        except MethodNotAllowed as exc:
            return json_response(
                {
                    "error": "method_not_allowed",
                    "message": f"{request.method} is not allowed on {request.path}.",
                },
                405,
                headers={"Allow": ", ".join(exc.valid_methods or [])},
            )
        except NotFound:
            return json_response(
                {"error": "not_found", "message": f"No route for {request.path}."}, 404
            )
        entry["endpoint"] = endpoint
        if endpoint in FAULTED_ENDPOINTS:
            faulted = self.apply_fault(entry)
            if faulted is not None:
                return faulted
        if endpoint == "graphql":
            return self.graphql(request, entry)
        if endpoint == "authorize":
            return oauth.authorize(self.sandbox, request)
        if endpoint == "token":
            return oauth.token(self.sandbox, request)
        if endpoint == "taxonomy":
            return Response(taxonomy.taxonomy_text(), mimetype="text/plain")
        if endpoint == "listing_page":
            return admin.listing_page(self.sandbox, arguments["listing_id"])
        if endpoint == "bulk_result":
            from . import bulk

            return bulk.download(self.sandbox, request, arguments["key"])
        if endpoint == "upload":
            from . import bulk

            return bulk.receive_upload(self.sandbox, request, arguments["path"])
        return admin.dispatch(self.sandbox, request, endpoint, arguments)

    def apply_fault(self, entry: dict) -> Response | None:
        fault = self.sandbox.faults.request_fault()
        if fault is None:
            return None
        entry["fault"] = fault
        settings = self.sandbox.faults.settings
        if fault == "slow":
            time.sleep(settings.slow_seconds)
            return None
        if fault == "timeout":
            time.sleep(settings.timeout_seconds)
            return json_response(error_body("The request timed out.", "TIMEOUT"), 504)
        if fault == "graphql_error":
            body = error_body(
                "Internal error while resolving the request; retry.",
                "INTERNAL_SERVER_ERROR",
            )
            body["data"] = None
            return json_response(body)
        headers = {"Retry-After": "1"} if fault == 429 else None
        messages = {
            429: ("Too many requests; retry after the Retry-After delay.", "THROTTLED"),
            500: ("Internal server error.", "INTERNAL_SERVER_ERROR"),
            502: ("Bad gateway.", "BAD_GATEWAY"),
            503: ("Service unavailable; retry later.", "SERVICE_UNAVAILABLE"),
            504: ("Gateway timeout.", "TIMEOUT"),
        }
        message, code = messages[fault]
        return json_response(error_body(message, code), fault, headers=headers)

    def authenticate(self, request: Request):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "Send the access token as 'Authorization: Bearer <token>'."
        with self.sandbox.store.read() as db:
            return sellers.authenticate(db, self.sandbox.clock, token.strip())

    def graphql(self, request: Request, entry: dict) -> Response:
        owner, problem = self.authenticate(request)
        if owner is None:
            return json_response(
                error_body(problem, "UNAUTHENTICATED"),
                401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        entry["seller"] = owner.username
        wait = self.sandbox.rate_limiter.check(owner.token)
        if wait > 0:
            entry["rate_limited"] = True
            return json_response(
                error_body(
                    f"Rate limit of {self.sandbox.config.rate_limit:g} requests per "
                    "second exceeded; retry after the Retry-After delay.",
                    "THROTTLED",
                ),
                429,
                headers={"Retry-After": retry_after_header(wait)},
            )
        try:
            payload = json.loads(request.get_data(cache=False) or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return json_response(
                error_body(
                    f"The request body is not valid JSON: {exc}.", "BAD_REQUEST"
                ),
                400,
            )
        if isinstance(payload, dict):
            entry["operation"] = payload.get("operationName")
        status, body = run_graphql(self.sandbox, owner, payload)
        return json_response(body, status)


def serve(sandbox) -> None:
    """Serve until SIGINT or SIGTERM, then stop the background threads."""
    config = sandbox.config
    server = make_server(config.host, config.port, SandboxApp(sandbox), threaded=True)
    sandbox.webhooks.start()
    if sandbox.bulk is not None:
        sandbox.bulk.start()
    if sandbox.simulator is not None:
        sandbox.simulator.start()

    def stop(signum, _frame):
        logger.info("Stopping the sandbox (signal %d)", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("Whatnot sandbox listening on %s", config.public_url)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        if sandbox.simulator is not None:
            sandbox.simulator.stop()
        sandbox.webhooks.stop()
        server.server_close()
