"""The running sandbox: its settings, store and background services."""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from .config import SandboxConfig
from .faults import Faults
from .ratelimit import RateLimiter
from .storage import Store
from .values import Clock
from .webhooks import WebhookDispatcher

REQUEST_LOG_SIZE = 2000


class Sandbox:
    def __init__(self, config: SandboxConfig):
        self.config = config
        if config.reset and config.data_path.exists():
            for suffix in ("", "-wal", "-shm"):
                config.data_path.with_name(config.data_path.name + suffix).unlink(
                    missing_ok=True
                )
        self.store = Store(config.data_path)
        self.clock = Clock()
        self.faults = Faults(config.faults, seed=config.fault_seed)
        self.rate_limiter = RateLimiter(config.rate_limit)
        self.webhooks = WebhookDispatcher(self)
        # Buyers, prices and timings of simulated sales; seeded for repeatability.
        self.market_random = random.Random(f"{config.seed}:market")
        self.market_lock = threading.Lock()
        self.request_log: deque[dict] = deque(maxlen=REQUEST_LOG_SIZE)
        self.started_at = time.time()
        # Set by bulk.BulkRunner and simulator.MarketSimulator when they start.
        self.bulk = None
        self.simulator = None

    @contextmanager
    def change(self) -> Iterator[tuple]:
        """A write transaction whose collected webhook events go out on commit."""
        events: list[tuple[int, str, dict]] = []
        with self.store.write() as db:
            yield db, events
        self.webhooks.emit_all(events)

    def log_request(self, entry: dict) -> None:
        self.request_log.append(entry)
