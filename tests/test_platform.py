"""The platform underneath every app: settings, health check, Celery, SQLite."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.tasks import HEARTBEAT_CACHE_KEY, record_worker_heartbeat_task
from tests.fixtures.processes import ROOT, wait_until


def test_check_deploy_is_clean_with_production_settings():
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process, and
    # check --deploy rightly warns about it; production never has it.
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-like-secret-key-value-1234567890",
        "DJANGO_ALLOWED_HOSTS": "selvedge.example.com",
        "WHATNOT_CLIENT_SECRET": "client-secret",
        "WHATNOT_WEBHOOK_SECRET": "webhook-secret",
        "TOKEN_ENCRYPTION_KEYS": "dGVzdC1rZXktZm9yLXRoZS1zZWx2ZWRnZS1zdWl0ZSE=",
        "SELVEDGE_NO_BOOTSTRAP": "1",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_name_a_missing_secret():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "WHATNOT_WEBHOOK_SECRET"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production", SELVEDGE_NO_BOOTSTRAP="1"
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.sqlite_only
@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]

    assert journal_mode == "wal"
    assert busy_timeout >= 5000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_default_broker_is_embedded_not_eager():
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    if not os.environ.get("CELERY_BROKER_URL"):
        assert settings.CELERY_BROKER_URL.startswith("sqla+sqlite:///")


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    cache.delete(HEARTBEAT_CACHE_KEY)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["worker"]["ok"] is False
    assert body["status"] == "degraded"


@pytest.mark.slow
def test_real_worker_consumes_a_task_and_healthz_sees_it(celery_worker_process, client):
    cache.delete(HEARTBEAT_CACHE_KEY)

    record_worker_heartbeat_task.delay()

    wait_until(
        lambda: cache.get(HEARTBEAT_CACHE_KEY),
        timeout=60,
        message="worker never recorded a heartbeat:\n"
        + celery_worker_process.log_text()[-3000:],
    )
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is True
    assert body["status"] == "ok"


@pytest.mark.redis
@pytest.mark.slow
def test_real_worker_on_redis_broker(celery_worker_process):
    assert settings.CELERY_BROKER_URL.startswith("redis")
    cache.delete(HEARTBEAT_CACHE_KEY)

    for _ in range(20):
        record_worker_heartbeat_task.delay()

    wait_until(lambda: cache.get(HEARTBEAT_CACHE_KEY), timeout=60)
    assert "redis" in celery_worker_process.log_text().lower()
