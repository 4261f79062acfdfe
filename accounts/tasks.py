"""Celery tasks that keep Whatnot access tokens fresh."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from celery.utils.log import get_task_logger
from django.utils import timezone

from .exceptions import ReconnectRequired, TokenRefreshError
from .models import WhatnotConnection
from .services.tokens import get_valid_access_token

logger = get_task_logger(__name__)

# Beat runs refresh_expiring_tokens_task every 10 minutes (see
# CELERY_BEAT_SCHEDULE), so a 20-minute window refreshes every token at least
# one run before it expires.
REFRESH_WINDOW = timedelta(minutes=20)


@shared_task(ignore_result=True)
def refresh_expiring_tokens_task() -> int:
    """Queue a refresh for each connected OAuth connection whose access token
    expires within REFRESH_WINDOW. Returns the number queued."""
    cutoff = timezone.now() + REFRESH_WINDOW
    connection_ids = list(
        WhatnotConnection.objects.filter(
            status=WhatnotConnection.Status.CONNECTED,
            kind=WhatnotConnection.Kind.OAUTH,
            access_token_expires_at__lte=cutoff,
        )
        .exclude(refresh_token="")
        .values_list("pk", flat=True)
    )
    for connection_id in connection_ids:
        refresh_connection_token_task.apply_async(
            args=[connection_id], expires=REFRESH_WINDOW.total_seconds()
        )
    logger.info("Queued token refresh for %s Whatnot connections", len(connection_ids))
    return len(connection_ids)


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(TokenRefreshError,),
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=4,
)
def refresh_connection_token_task(self, connection_id: int) -> None:
    """Refresh one connection's access token if it expires within
    REFRESH_WINDOW.

    Safe to run twice: the refresh re-reads the expiry under a row lock, so a
    second run finds a fresh token and makes no call. A revoked grant marks
    the connection and ends the task; network and 5xx failures retry.
    """
    try:
        get_valid_access_token(connection_id, margin=REFRESH_WINDOW)
    except ReconnectRequired as exc:
        logger.info("Skipped token refresh for connection %s: %s", connection_id, exc)
