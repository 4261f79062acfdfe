"""How long the client waits before repeating a failed call."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with jittered exponential backoff.

    ``max_attempts`` counts every try of one call, the first included.
    A Retry-After longer than ``max_retry_after`` is not waited out in the
    worker: the call raises RateLimited and the task retries later.
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Return the wait after failed try number ``attempt`` (1-based): half
        of the exponential step plus a random share of the other half, so
        workers that failed together do not retry together."""
        step = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return step / 2 + random.uniform(0, step / 2)

    def rate_limit_wait(self, attempt: int, retry_after: float | None) -> float | None:
        """Return the wait after a 429, or None when it is too long to wait."""
        if retry_after is None:
            return self.backoff(attempt)
        if retry_after > self.max_retry_after:
            return None
        # A little jitter on top of Retry-After spreads workers told the same
        # time.
        return retry_after + random.uniform(0, self.base_delay)
