"""The market: buyers purchase listings and sellers edit theirs.

Runs every --simulate-interval seconds in a background thread, and on demand
through the admin endpoints. Each change sends the webhooks Whatnot would.
"""

from __future__ import annotations

import logging
import threading

from . import inventory, sales
from .payloads import listing_object, sale_events

logger = logging.getLogger(__name__)

PRICE_CHANGES = (-0.15, -0.10, -0.05, 0.05, 0.10)


def open_listings(db, seller_id: int | None) -> list:
    query = (
        f"{inventory.LISTING_SELECT} WHERE {inventory.LIVE_LISTING} "
        "AND l.status = 'ACTIVE' AND l.kind != 'GIVEAWAY'"
    )
    params: list = []
    if seller_id is not None:
        query += " AND l.seller_id = ?"
        params.append(seller_id)
    return db.execute(query + " ORDER BY l.id", params).fetchall()


def sell(
    sandbox,
    *,
    seller_id: int | None = None,
    listing_id: int | None = None,
    count: int = 1,
) -> list[int]:
    """Have buyers purchase up to count listings; return the new order ids.

    With listing_id that listing is bought (count times while stock lasts);
    otherwise active listings are picked at random.
    """
    include_customer = sandbox.config.webhook_customer_data
    order_ids: list[int] = []
    with sandbox.market_lock, sandbox.change() as (db, events):
        rng = sandbox.market_random
        for _ in range(count):
            if listing_id is not None:
                listing = db.execute(
                    inventory.live_listings("l.id = ?"),
                    (listing_id,),
                ).fetchone()
                if listing is None or listing["quantity"] <= 0:
                    break
            else:
                candidates = open_listings(db, seller_id)
                if not candidates:
                    break
                listing = rng.choice(candidates)
            order_id = sales.record_sale(db, sandbox.clock, rng, listing)
            order_ids.append(order_id)
            events += sale_events(db, listing["seller_id"], order_id, include_customer)
    return order_ids


def edit_random_listing(sandbox, seller_id: int | None = None) -> int | None:
    """A seller changes a price or restocks; return the listing id or None."""
    with sandbox.market_lock, sandbox.change() as (db, events):
        rng = sandbox.market_random
        candidates = open_listings(db, seller_id)
        if not candidates:
            return None
        listing = rng.choice(candidates)
        if listing["price_cents"] and rng.random() < 0.8:
            factor = 1 + rng.choice(PRICE_CHANGES)
            changes = {
                "price_cents": max(100, round(listing["price_cents"] * factor, -2))
            }
        else:
            changes = {"quantity": listing["quantity"] + 1}
        updated = inventory.update_listing(db, sandbox.clock, listing, **changes)
        events.append(
            (listing["seller_id"], "listing/updated", listing_object(updated))
        )
    return listing["id"]


def tick(sandbox, *, seller_id: int | None = None) -> dict:
    """Run one market step: a few sales and a few seller edits."""
    rng = sandbox.market_random
    with sandbox.market_lock:
        sale_count = rng.randint(1, 3)
        edit_count = rng.randint(0, 2)
    orders = sell(sandbox, seller_id=seller_id, count=sale_count)
    edited = [
        listing_id
        for listing_id in (
            edit_random_listing(sandbox, seller_id) for _ in range(edit_count)
        )
        if listing_id is not None
    ]
    return {"orders": orders, "edited_listings": edited}


class MarketSimulator:
    def __init__(self, sandbox, interval: float):
        self.sandbox = sandbox
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="sandbox-market", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                result = tick(self.sandbox)
                logger.info(
                    "Market tick: %d orders, %d listings edited",
                    len(result["orders"]),
                    len(result["edited_listings"]),
                )
            except Exception:
                logger.exception("Market tick failed")
