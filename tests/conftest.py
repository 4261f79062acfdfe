"""Shared fixtures and the rules that tie markers to test legs."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.processes",
    "tests.fixtures.sandbox",
    "tests.fixtures.users",
]


def database_vendor() -> str:
    return (
        "postgresql"
        if "postgresql" in settings.DATABASES["default"]["ENGINE"]
        else "sqlite"
    )


def broker_is_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def pytest_collection_modifyitems(config, items):
    vendor = database_vendor()
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(reason="runs in the PostgreSQL leg (DATABASE_URL)")
            )
        if "sqlite_only" in item.keywords and vendor != "sqlite":
            item.add_marker(pytest.mark.skip(reason="runs in the SQLite leg"))
        if "redis" in item.keywords and not broker_is_redis():
            item.add_marker(
                pytest.mark.skip(reason="runs in the Redis leg (CELERY_BROKER_URL)")
            )


def pytest_sessionstart(session):
    """Fail at once when a configured server leg cannot reach its server."""
    if os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        import redis

        client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
        try:
            client.ping()
        except redis.RedisError as exc:
            raise pytest.UsageError(
                f"CELERY_BROKER_URL is set to Redis but it is unreachable: {exc}"
            ) from exc
