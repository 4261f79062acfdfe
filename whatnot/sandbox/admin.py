"""Admin endpoints under /sandbox/admin/ (JSON) for tests and demos.

They act as Whatnot or its buyers would: change a listing, sell, expire or
revoke tokens, inject faults. They take no token; the sandbox listens on
127.0.0.1 only.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from html import escape

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from . import inventory, oauth, sellers, simulator
from .faults import InvalidFault
from .payloads import listing_object
from .values import InvalidGlobalId, global_id, parse_global_id, webhook_money

PREFIX = "/sandbox/admin"

RULES = [
    Rule(f"{PREFIX}/health", endpoint="admin_health", methods=["GET"]),
    Rule(f"{PREFIX}/faults", endpoint="admin_faults", methods=["GET", "POST"]),
    Rule(f"{PREFIX}/faults/reset", endpoint="admin_faults_reset", methods=["POST"]),
    Rule(f"{PREFIX}/sellers", endpoint="admin_sellers", methods=["GET", "POST"]),
    Rule(f"{PREFIX}/sellers/<username>/store", endpoint="admin_store", methods=["GET"]),
    Rule(
        f"{PREFIX}/sellers/<username>/oauth-tokens",
        endpoint="admin_oauth_tokens",
        methods=["POST"],
    ),
    Rule(
        f"{PREFIX}/sellers/<username>/revoke-refresh-tokens",
        endpoint="admin_revoke_refresh",
        methods=["POST"],
    ),
    Rule(
        f"{PREFIX}/sellers/<username>/expire-access-tokens",
        endpoint="admin_expire_access",
        methods=["POST"],
    ),
    Rule(f"{PREFIX}/tokens/expire", endpoint="admin_token_expire", methods=["POST"]),
    Rule(f"{PREFIX}/tokens/revoke", endpoint="admin_token_revoke", methods=["POST"]),
    Rule(
        f"{PREFIX}/listings/<listing_id>",
        endpoint="admin_listing",
        methods=["GET", "POST"],
    ),
    Rule(f"{PREFIX}/sales", endpoint="admin_sales", methods=["POST"]),
    Rule(f"{PREFIX}/simulate", endpoint="admin_simulate", methods=["POST"]),
    Rule(f"{PREFIX}/webhooks", endpoint="admin_webhooks", methods=["GET"]),
    Rule(f"{PREFIX}/requests", endpoint="admin_requests", methods=["GET", "DELETE"]),
]


class AdminError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def respond(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def read_json(request: Request) -> dict:
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AdminError(f"The request body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise AdminError("The request body must be a JSON object.")
    return body


def seller_row(db, username: str):
    row = sellers.seller_by_username(db, username)
    if row is None:
        raise AdminError(f"No sandbox seller named {username!r}.", 404)
    return row


def listing_pk(value) -> int:
    text = str(value)
    if text.isdigit():
        return int(text)
    try:
        return parse_global_id(text, "Listing")[1]
    except InvalidGlobalId as exc:
        raise AdminError(f"{exc}.") from exc


def dispatch(sandbox, request: Request, endpoint: str, arguments: dict) -> Response:
    handler = HANDLERS[endpoint]
    try:
        body = handler(sandbox, request, **arguments)
    except AdminError as exc:
        return respond({"error": str(exc)}, exc.status)
    except InvalidFault as exc:
        return respond({"error": str(exc)}, 400)
    return respond(body)


def health(sandbox, request):
    with sandbox.store.read() as db:
        counts = {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("sellers", "products", "listings", "orders")
        }
    return {"status": "ok", "public_url": sandbox.config.public_url, **counts}


def faults(sandbox, request):
    if request.method == "GET":
        return sandbox.faults.snapshot()
    return sandbox.faults.update(read_json(request))


def faults_reset(sandbox, request):
    return sandbox.faults.reset()


def seller_summary(db, row) -> dict:
    return {
        "id": global_id("User", row["id"]),
        "username": row["username"],
        "display_name": row["display_name"],
        "token": sellers.personal_token(db, row["id"]),
    }


def sellers_endpoint(sandbox, request):
    if request.method == "GET":
        with sandbox.store.read() as db:
            rows = db.execute("SELECT * FROM sellers ORDER BY id").fetchall()
            return [seller_summary(db, row) for row in rows]
    username = str(read_json(request).get("username") or "").strip()
    if not username:
        raise AdminError("Give the new seller's username.")
    with sandbox.store.write() as db:
        if sellers.seller_by_username(db, username) is not None:
            raise AdminError(f"A seller named {username!r} exists already.", 409)
        seller_id = sellers.create_seller(db, sandbox.clock, username)
        sellers.issue_token(
            db,
            sandbox.clock,
            seller_id,
            kind="personal",
            scopes=[sellers.FULL_ACCESS],
            ttl_seconds=None,
        )
        return seller_summary(db, sellers.seller_by_id(db, seller_id))


def oauth_tokens(sandbox, request, username):
    """Issue an OAuth token pair without the browser step."""
    scope_text = read_json(request).get("scope") or oauth.DEFAULT_SCOPES
    try:
        scopes = sellers.normalize_scopes(scope_text)
    except sellers.UnknownScope as exc:
        raise AdminError(f"Unknown scope {exc}.") from exc
    with sandbox.store.write() as db:
        row = seller_row(db, username)
        return oauth.issue_pair(sandbox, db, row["id"], scopes)


def revoke_refresh(sandbox, request, username):
    with sandbox.store.write() as db:
        row = seller_row(db, username)
        return {
            "revoked": sellers.revoke_tokens(db, sandbox.clock, row["id"], ("refresh",))
        }


def expire_access(sandbox, request, username):
    with sandbox.store.write() as db:
        row = seller_row(db, username)
        count = sellers.expire_tokens(
            db, sandbox.clock, seller_id=row["id"], token=None
        )
        return {"expired": count}


def token_from_body(request) -> str:
    token = read_json(request).get("token")
    if not token:
        raise AdminError('Give the token in the body: {"token": "..."}.')
    return token


def token_expire(sandbox, request):
    token = token_from_body(request)
    with sandbox.store.write() as db:
        count = sellers.expire_tokens(db, sandbox.clock, seller_id=None, token=token)
    if not count:
        raise AdminError("No such access or personal token.", 404)
    return {"expired": count}


def token_revoke(sandbox, request):
    token = token_from_body(request)
    with sandbox.store.write() as db:
        cursor = db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE token = ?",
            (sandbox.clock.now_text(), token),
        )
    if not cursor.rowcount:
        raise AdminError("No such token.", 404)
    return {"revoked": cursor.rowcount}


def listing_dump(row) -> dict:
    body = listing_object(row)
    body["description"] = row["description"]
    body["price_cents"] = row["price_cents"]
    body["livestream_id"] = (
        global_id("Livestream", row["livestream_id"]) if row["livestream_id"] else None
    )
    return body


def store(sandbox, request, username):
    with sandbox.store.read() as db:
        seller = seller_row(db, username)
        products = db.execute(
            "SELECT * FROM products WHERE seller_id = ? AND deleted_at IS NULL "
            "ORDER BY created_at, id",
            (seller["id"],),
        ).fetchall()
        listings = db.execute(
            inventory.live_listings("l.seller_id = ?") + " ORDER BY l.created_at, l.id",
            (seller["id"],),
        ).fetchall()
        orders = db.execute(
            "SELECT * FROM orders WHERE seller_id = ? ORDER BY created_at, id",
            (seller["id"],),
        ).fetchall()
        return {
            "seller": seller_summary(db, seller),
            "products": [
                {
                    "id": global_id("Product", row["id"]),
                    "title": row["title"],
                    "description": row["description"],
                    "external_id": row["external_id"],
                    "taxonomy_node_id": row["taxonomy_node_id"],
                    "attributes": json.loads(row["attributes"]),
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                }
                for row in products
            ],
            "listings": [listing_dump(row) for row in listings],
            "orders": [
                {
                    "id": global_id("Order", row["id"]),
                    "listing_id": global_id("Listing", row["listing_id"]),
                    "title": row["title"],
                    "status": row["status"],
                    "quantity": row["quantity"],
                    "price": webhook_money(row["price_cents"], row["currency"]),
                    "customer": row["customer_username"],
                    "created_at": row["created_at"],
                    "cancelled_at": row["cancelled_at"],
                }
                for row in orders
            ],
        }


def price_cents(changes: dict) -> int | None:
    if "price_cents" in changes:
        return int(changes["price_cents"])
    if "price" not in changes:
        return None
    try:
        amount = Decimal(str(changes["price"]))
    except InvalidOperation as exc:
        raise AdminError(
            f"price {changes['price']!r} is not a decimal amount."
        ) from exc
    return int((amount * 100).to_integral_value())


def edit_listing(sandbox, request, listing_id):
    """Change a listing as a seller would on Whatnot; an empty body only touches it."""
    pk = listing_pk(listing_id)
    if request.method == "GET":
        with sandbox.store.read() as db:
            row = db.execute(
                f"{inventory.LISTING_SELECT} WHERE l.id = ?", (pk,)
            ).fetchone()
        if row is None:
            raise AdminError(f"No listing {listing_id}.", 404)
        return listing_dump(row)
    changes = read_json(request)
    columns: dict = {}
    cents = price_cents(changes)
    if cents is not None:
        if cents <= 0:
            raise AdminError("price must be greater than 0.")
        columns["price_cents"] = cents
    for name in ("quantity", "published", "offerable"):
        if name in changes:
            columns[name] = changes[name]
    if "quantity" in columns and (
        not isinstance(columns["quantity"], int) or columns["quantity"] < 0
    ):
        raise AdminError("quantity must be a whole number, 0 or more.")
    with sandbox.change() as (db, events):
        row = db.execute(
            f"{inventory.LISTING_SELECT} WHERE l.id = ? AND {inventory.LIVE_LISTING}",
            (pk,),
        ).fetchone()
        if row is None:
            raise AdminError(f"No listing {listing_id}.", 404)
        for name in ("title", "description"):
            if name in changes:
                text = str(changes[name]).strip()
                if not text:
                    raise AdminError(f"{name} can't be blank.")
                db.execute(
                    f"UPDATE products SET {name} = ?, updated_at = ? WHERE id = ?",
                    (text, sandbox.clock.now_text(), row["product_id"]),
                )
        updated = inventory.update_listing(db, sandbox.clock, row, **columns)
        events.append((row["seller_id"], "listing/updated", listing_object(updated)))
    return listing_dump(updated)


def seller_id_for(sandbox, username: str | None) -> int | None:
    if not username:
        return None
    with sandbox.store.read() as db:
        return seller_row(db, username)["id"]


def sales_endpoint(sandbox, request):
    body = read_json(request)
    count = int(body.get("count", 1))
    if not 1 <= count <= 1000:
        raise AdminError("count must be between 1 and 1000.")
    listing = listing_pk(body["listing_id"]) if body.get("listing_id") else None
    order_ids = simulator.sell(
        sandbox,
        seller_id=seller_id_for(sandbox, body.get("seller")),
        listing_id=listing,
        count=count,
    )
    return {"orders": [global_id("Order", pk) for pk in order_ids]}


def simulate(sandbox, request):
    body = read_json(request)
    ticks = int(body.get("ticks", 1))
    if not 1 <= ticks <= 100:
        raise AdminError("ticks must be between 1 and 100.")
    seller_id = seller_id_for(sandbox, body.get("seller"))
    orders, edited = [], []
    for _ in range(ticks):
        result = simulator.tick(sandbox, seller_id=seller_id)
        orders += result["orders"]
        edited += result["edited_listings"]
    return {
        "orders": [global_id("Order", pk) for pk in orders],
        "edited_listings": [global_id("Listing", pk) for pk in edited],
    }


def webhooks(sandbox, request):
    query = "SELECT * FROM webhook_deliveries WHERE 1"
    params: list = []
    for name, column in (("topic", "topic"), ("event_id", "event_id")):
        if request.args.get(name):
            query += f" AND {column} = ?"
            params.append(request.args[name])
    with sandbox.store.read() as db:
        if request.args.get("seller"):
            query += " AND seller_id = ?"
            params.append(seller_row(db, request.args["seller"])["id"])
        rows = db.execute(query + " ORDER BY id", params).fetchall()
    return [
        {
            "event_id": row["event_id"],
            "seller_id": global_id("User", row["seller_id"]),
            "topic": row["topic"],
            "url": row["url"],
            "attempt": row["attempt"],
            "status_code": row["status_code"],
            "error": row["error"],
            "fault": row["fault"],
            "signature": row["signature"],
            "body": json.loads(row["body"]),
            "created_at": row["created_at"],
        }
        for row in rows
    ]


def requests_log(sandbox, request):
    if request.method == "DELETE":
        sandbox.request_log.clear()
        return {"cleared": True}
    return list(sandbox.request_log)


HANDLERS = {
    "admin_health": health,
    "admin_faults": faults,
    "admin_faults_reset": faults_reset,
    "admin_sellers": sellers_endpoint,
    "admin_store": store,
    "admin_oauth_tokens": oauth_tokens,
    "admin_revoke_refresh": revoke_refresh,
    "admin_expire_access": expire_access,
    "admin_token_expire": token_expire,
    "admin_token_revoke": token_revoke,
    "admin_listing": edit_listing,
    "admin_sales": sales_endpoint,
    "admin_simulate": simulate,
    "admin_webhooks": webhooks,
    "admin_requests": requests_log,
}


def listing_page(sandbox, listing_id: str) -> Response:
    """Render the public page that a listing's url points to."""
    try:
        pk = parse_global_id(listing_id, "Listing")[1]
    except InvalidGlobalId:
        return Response("Listing not found", status=404, mimetype="text/plain")
    with sandbox.store.read() as db:
        row = db.execute(
            f"{inventory.LISTING_SELECT} WHERE l.id = ? AND {inventory.LIVE_LISTING}",
            (pk,),
        ).fetchone()
    if row is None:
        return Response("Listing not found", status=404, mimetype="text/plain")
    price = webhook_money(row["price_cents"], row["currency"])
    html = (
        f"<!doctype html><title>{escape(row['title'])}</title>"
        f"<h1>{escape(row['title'])}</h1><p>{escape(row['description'])}</p>"
        f"<p>Status: {row['status']}. Quantity: {row['quantity']}. "
        f"Price: {price['amount'] if price else '-'} {row['currency']}</p>"
    )
    return Response(html, mimetype="text/html")
