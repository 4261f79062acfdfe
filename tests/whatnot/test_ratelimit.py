from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from whatnot.client.ratelimit import DatabaseRateLimiter, RedisRateLimiter
from whatnot.models import RequestRateSlot

RATE = 20.0
REQUESTS_PER_WORKER = 8


def acquire_from_workers(make_limiter, key: str, workers: int = 3) -> list[float]:
    """Acquire from several limiter instances at once, as separate worker
    processes would; return when each request was allowed out."""
    starts: list[float] = []
    lock = threading.Lock()

    def work():
        limiter = make_limiter()
        try:
            for _ in range(REQUESTS_PER_WORKER):
                limiter.acquire(key)
                with lock:
                    starts.append(time.time())
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(starts)


def assert_spaced(starts: list[float], rate: float) -> None:
    interval = 1 / rate
    assert len(starts) == 3 * REQUESTS_PER_WORKER
    # Any window of one second holds at most `rate` requests (plus one for
    # timer slack at the window's edge).
    for index, start in enumerate(starts):
        in_window = [other for other in starts[index:] if other < start + 1.0]
        assert len(in_window) <= rate + 1
    total = starts[-1] - starts[0]
    assert total >= (len(starts) - 1) * interval * 0.9


@pytest.mark.django_db(transaction=True)
def test_database_limiter_spaces_requests_across_workers():
    starts = acquire_from_workers(lambda: DatabaseRateLimiter(RATE), "seller-db")

    assert_spaced(starts, RATE)
    assert RequestRateSlot.objects.filter(key="seller-db").count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_limiter_keys_are_independent():
    limiter = DatabaseRateLimiter(1.0)

    limiter.acquire("seller-a")
    started = time.monotonic()
    limiter.acquire("seller-b")

    assert time.monotonic() - started < 0.5


@pytest.mark.redis
def test_redis_limiter_spaces_requests_across_workers():
    key = f"seller-redis-{time.time_ns()}"

    starts = acquire_from_workers(
        lambda: RedisRateLimiter(settings.CELERY_BROKER_URL, RATE), key
    )

    assert_spaced(starts, RATE)
