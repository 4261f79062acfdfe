"""Tasks that belong to the platform rather than to an app."""

from __future__ import annotations

import socket

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "selvedge:worker-heartbeat"


@shared_task(ignore_result=True)
def record_worker_heartbeat_task() -> None:
    """Store the time a worker last ran a task, for /healthz."""
    cache.set(
        HEARTBEAT_CACHE_KEY,
        {"at": timezone.now().isoformat(), "host": socket.gethostname()},
        timeout=None,
    )
