from __future__ import annotations

import pytest

from research.cohorts import rebuild_summaries


@pytest.fixture
def rebuilt(db):
    """Call to recompute the summaries from the listings in the test database."""
    return rebuild_summaries
