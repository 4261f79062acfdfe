"""Platform views: health check and error pages."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .tasks import HEARTBEAT_CACHE_KEY

logger = logging.getLogger(__name__)

WORKER_STALE_AFTER = timedelta(seconds=90)


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        logger.warning("healthz: database check failed: %s", exc.__class__.__name__)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        logger.warning("healthz: broker check failed: %s", exc.__class__.__name__)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def check_worker() -> dict:
    beat = cache.get(HEARTBEAT_CACHE_KEY)
    if not beat:
        return {"ok": False, "error": "no heartbeat recorded yet"}
    seen = datetime.fromisoformat(beat["at"])
    age = timezone.now() - seen
    return {
        "ok": age <= WORKER_STALE_AFTER,
        "last_heartbeat": beat["at"],
        "age_seconds": round(age.total_seconds(), 1),
    }


@never_cache
@require_GET
def healthz(request):
    """Report the database, the broker and the last worker heartbeat.

    The status code follows the database and the broker only: a web process can
    serve pages while the workers restart, so a stale heartbeat shows in the body
    without taking the web process out of a load balancer.
    """
    report = {
        "database": check_database(),
        "broker": check_broker(),
        "worker": check_worker(),
    }
    healthy = report["database"]["ok"] and report["broker"]["ok"]
    report["status"] = (
        "ok"
        if healthy and report["worker"]["ok"]
        else ("degraded" if healthy else "down")
    )
    report["debug"] = settings.DEBUG
    return JsonResponse(report, status=200 if healthy else 503)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
