from __future__ import annotations

import pytest

from tests.accounts.fake_whatnot import CLIENT_ID, CLIENT_SECRET, start_fake_whatnot


@pytest.fixture
def fake_whatnot(settings):
    """A local Whatnot OAuth and ``me`` server, with selvedge pointed at it."""
    fake = start_fake_whatnot()
    settings.WHATNOT_BASE_URL = fake.base_url
    settings.WHATNOT_CLIENT_ID = CLIENT_ID
    settings.WHATNOT_CLIENT_SECRET = CLIENT_SECRET
    providers = {**settings.SOCIALACCOUNT_PROVIDERS}
    providers["whatnot"] = {
        **providers["whatnot"],
        "APP": {"client_id": CLIENT_ID, "secret": CLIENT_SECRET},
    }
    settings.SOCIALACCOUNT_PROVIDERS = providers
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """allauth counts sign-ups and failed logins in the cache, which the test
    processes share; start every test from zero."""
    from django.core.cache import cache

    cache.clear()
