"""The sandbox's own state: one SQLite file, separate from selvedge's database.

Connections come from a small pool and run in autocommit mode; ``read()`` and
``write()`` wrap their statements in one transaction. Writes are serialised by a
process-wide lock, so the threaded server never sees "database is locked".
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sellers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    country_code TEXT NOT NULL DEFAULT 'US',
    currency_code TEXT NOT NULL DEFAULT 'USD',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('personal', 'access', 'refresh')),
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    client_id TEXT,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    used_at TEXT
);
CREATE INDEX IF NOT EXISTS tokens_seller ON tokens (seller_id, kind);
CREATE TABLE IF NOT EXISTS oauth_codes (
    code TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    external_id TEXT,
    taxonomy_node_id INTEGER NOT NULL,
    attributes TEXT NOT NULL DEFAULT '[]',
    weight REAL,
    weight_unit TEXT,
    hazardous_material TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS products_seller_created
    ON products (seller_id, created_at, id);
CREATE TABLE IF NOT EXISTS variants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id),
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    sku TEXT,
    options TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS variants_product ON variants (product_id, id);
CREATE TABLE IF NOT EXISTS listings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    variant_id INTEGER NOT NULL REFERENCES variants (id),
    kind TEXT NOT NULL CHECK (kind IN ('BUY_IT_NOW', 'AUCTION', 'GIVEAWAY')),
    price_cents INTEGER,
    currency TEXT NOT NULL DEFAULT 'USD',
    quantity INTEGER NOT NULL,
    status TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    offerable INTEGER NOT NULL DEFAULT 0,
    end_time TEXT,
    sudden_death INTEGER,
    livestream_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS listings_seller_created
    ON listings (seller_id, created_at, id);
CREATE INDEX IF NOT EXISTS listings_seller_updated
    ON listings (seller_id, updated_at, id);
CREATE INDEX IF NOT EXISTS listings_variant ON listings (variant_id);
CREATE TABLE IF NOT EXISTS media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id),
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    source TEXT NOT NULL,
    alt TEXT,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS media_product ON media (product_id, id);
CREATE TABLE IF NOT EXISTS livestreams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    start_time TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    listing_id INTEGER NOT NULL REFERENCES listings (id),
    variant_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    external_id TEXT,
    customer_id INTEGER NOT NULL,
    customer_username TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price_cents INTEGER NOT NULL,
    shipping_cents INTEGER NOT NULL,
    tax_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    sales_channel TEXT NOT NULL,
    livestream_id INTEGER,
    is_giveaway INTEGER NOT NULL DEFAULT 0,
    shipping_address TEXT NOT NULL,
    tracking_courier TEXT,
    tracking_code TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE INDEX IF NOT EXISTS orders_seller_created
    ON orders (seller_id, created_at, id);
CREATE TABLE IF NOT EXISTS bulk_operations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    type TEXT NOT NULL,
    query TEXT NOT NULL,
    scopes TEXT NOT NULL,
    status TEXT NOT NULL,
    result_key TEXT,
    result_expires_at TEXT,
    object_count INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX IF NOT EXISTS bulk_operations_seller
    ON bulk_operations (seller_id, created_at, id);
CREATE TABLE IF NOT EXISTS uploads (
    path TEXT PRIMARY KEY,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    filename TEXT NOT NULL,
    body BLOB,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    seller_id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    url TEXT,
    body TEXT NOT NULL,
    signature TEXT,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    fault TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_event ON webhook_deliveries (event_id);
"""

# Whatnot's ids are large numbers; starting the sequences there makes a
# sandbox id look like a real one and keeps the types' numbers apart.
FIRST_IDS = {
    "sellers": 2_200_000,
    "products": 7_730_000,
    "variants": 9_120_000,
    "listings": 5_518_000,
    "media": 4_400_000,
    "livestreams": 302_000,
    "orders": 88_410_000,
    "bulk_operations": 4_400,
}


class Store:
    def __init__(self, path: Path | str, pool_size: int = 8):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue(pool_size)
        self._write_lock = threading.RLock()
        self._writer = threading.local()
        with self._connection() as db:
            db.executescript(SCHEMA)
            for table, first in FIRST_IDS.items():
                db.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? "
                    "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                    (table, first, table),
                )

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._pool.get_nowait()
        except queue.Empty:
            db = self._open()
        try:
            yield db
        finally:
            if db.in_transaction:
                db.rollback()
            try:
                self._pool.put_nowait(db)
            except queue.Full:
                db.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot for several SELECTs."""
        current = getattr(self._writer, "db", None)
        if current is not None:
            yield current
            return
        with self._connection() as db:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.rollback()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outer one."""
        current = getattr(self._writer, "db", None)
        if current is not None:
            yield current
            return
        with self._write_lock, self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            self._writer.db = db
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise
            finally:
                self._writer.db = None

    def get_meta(self, key: str) -> str | None:
        with self.read() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
