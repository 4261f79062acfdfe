"""A token that changes whenever the summary tables change.

Results computed from the summaries may be cached under a key that includes
the token: every refresh and rebuild replaces it once its transaction commits,
so a cached result never outlives the summaries it came from. The token lives
in Django's cache, which the web processes and the workers share.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "research:summaries-version"


def summaries_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_summaries_version() -> None:
    """Replace the token when the current transaction commits (now if none)."""
    transaction.on_commit(
        lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    )
