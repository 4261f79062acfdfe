"""A per-seller request rate limit shared by every worker process.

Each call to ``acquire(key)`` reserves the next free slot for that key, one
slot every ``1 / rate`` seconds, and sleeps until its slot starts. Reservations
are stored where every worker sees them: in Redis when selvedge has one
(REDIS_URL, or a Redis broker), in the database otherwise. Spacing requests
evenly keeps any one-second window at ``rate`` requests or fewer without
bursts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

KEY_PREFIX = "selvedge:whatnot-rate:"

# Reserve the next slot atomically. Redis's own clock is the time source, so
# workers on machines with skewed clocks still share one timeline.
RESERVE_SLOT_SCRIPT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval_us = tonumber(ARGV[1])
local next_us = tonumber(redis.call('GET', KEYS[1]) or '0')
if next_us < now_us then
  next_us = now_us
end
local ttl_ms = math.ceil((next_us + interval_us - now_us) / 1000) + 1000
redis.call('SET', KEYS[1], next_us + interval_us, 'PX', ttl_ms)
return next_us - now_us
"""


class RateLimiter(Protocol):
    def acquire(self, key: str) -> float:
        """Block until a request for ``key`` may go out; return the wait."""


class UnlimitedRateLimiter:
    def acquire(self, key: str) -> float:
        return 0.0


class RedisRateLimiter:
    def __init__(
        self, url: str, rate: float, sleep: Callable[[float], None] = time.sleep
    ):
        import redis

        self.interval_us = int(1_000_000 / rate)
        self.sleep = sleep
        self.client = redis.Redis.from_url(url)
        self.reserve = self.client.register_script(RESERVE_SLOT_SCRIPT)

    def acquire(self, key: str) -> float:
        wait_us = int(self.reserve(keys=[KEY_PREFIX + key], args=[self.interval_us]))
        wait = wait_us / 1_000_000
        if wait > 0:
            self.sleep(wait)
        return wait


class DatabaseRateLimiter:
    """Slots in the ``RequestRateSlot`` table, one row per key, reserved under a
    row lock (on SQLite, under the IMMEDIATE transaction's write lock)."""

    def __init__(self, rate: float, sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate
        self.sleep = sleep

    def acquire(self, key: str) -> float:
        from whatnot.models import RequestRateSlot

        with transaction.atomic():
            slot, _ = RequestRateSlot.objects.select_for_update().get_or_create(
                key=key, defaults={"next_slot_at": 0.0}
            )
            now = time.time()
            start = max(now, slot.next_slot_at)
            slot.next_slot_at = start + self.interval
            slot.save(update_fields=["next_slot_at"])
        wait = start - now
        if wait > 0:
            self.sleep(wait)
        return wait


def shared_redis_url() -> str:
    """Return REDIS_URL, else the broker's URL when the broker is Redis."""
    if settings.REDIS_URL:
        return settings.REDIS_URL
    broker = settings.CELERY_BROKER_URL or ""
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return ""


@cache
def _limiter_for(rate: float, redis_url: str) -> RateLimiter:
    if rate <= 0:
        return UnlimitedRateLimiter()
    if redis_url:
        return RedisRateLimiter(redis_url, rate)
    return DatabaseRateLimiter(rate)


def get_rate_limiter() -> RateLimiter:
    """Return the process's limiter for WHATNOT_REQUESTS_PER_SECOND (0 turns
    the limit off)."""
    return _limiter_for(float(settings.WHATNOT_REQUESTS_PER_SECOND), shared_redis_url())
