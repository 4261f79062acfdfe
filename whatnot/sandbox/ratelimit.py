"""Per-token request limit over a sliding one-second window."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, per_second: float):
        self.per_second = per_second
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def check(self, key: str) -> float:
        """Count a request; return 0 when allowed, else the seconds to wait."""
        if self.per_second <= 0:
            return 0.0
        now = time.monotonic()
        window = 1.0
        allowed = max(int(self.per_second), 1)
        with self._lock:
            seen = self._seen[key]
            while seen and seen[0] <= now - window:
                seen.popleft()
            if len(seen) >= allowed:
                return seen[0] + window - now
            seen.append(now)
            return 0.0


def retry_after_header(wait_seconds: float) -> str:
    """Retry-After takes whole seconds; round up so a client that obeys succeeds."""
    return str(max(1, math.ceil(wait_seconds)))
