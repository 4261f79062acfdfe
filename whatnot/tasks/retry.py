"""Countdowns for task retries after a failure that may pass."""

from __future__ import annotations

import random

from whatnot.client.errors import RateLimited

BASE_COUNTDOWN = 30
MAX_COUNTDOWN = 600


def retry_countdown(exc: Exception, retries: int) -> int:
    """Return seconds until the next try: Whatnot's Retry-After when it gave
    one, otherwise 30 s doubled per earlier retry (at most 10 minutes), with up
    to 20% jitter."""
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        return max(1, int(exc.retry_after + 1))
    step = min(MAX_COUNTDOWN, BASE_COUNTDOWN * 2**retries)
    return int(step * random.uniform(0.8, 1.0))
