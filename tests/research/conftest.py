from __future__ import annotations

import pytest
from django.core.cache import cache

from research.cohorts import rebuild_summaries


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached results (movers, brand spellings) must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rebuilt(db, django_capture_on_commit_callbacks):
    """Call to recompute the summaries from the listings in the test database."""

    def rebuild() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return rebuild_summaries()

    return rebuild
