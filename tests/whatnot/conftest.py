from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.roles import grant_role
from tests.factories import UserFactory, WhatnotConnectionFactory
from tests.fixtures.sandbox import running_sandbox

SHARED_SELLERS = 10


@pytest.fixture(scope="module")
def module_sandbox(tmp_path_factory):
    """One sandbox per test module, with a seller for each test that needs
    one, so that tests do not pay for a server start each."""
    with running_sandbox(
        sellers=SHARED_SELLERS,
        listings_per_seller=12,
        data_dir=tmp_path_factory.mktemp("sandbox"),
    ) as server:
        server.unused_sellers = list(server.sellers)
        yield server


@pytest.fixture
def shared_sandbox(module_sandbox):
    """The module's sandbox with no faults and an empty request log."""
    module_sandbox.reset_faults()
    module_sandbox.clear_requests_log()
    return module_sandbox


@pytest.fixture
def connect_seller(settings):
    """Point selvedge at a sandbox and connect one of its sellers over OAuth.

    ``connect_seller(server, username=None, scope=None)`` returns the
    WhatnotConnection of a new selvedge seller. Without a username it takes a
    seller no other test used.
    """

    def connect(server, username: str | None = None, *, scope: str | None = None):
        settings.WHATNOT_BASE_URL = server.base_url
        if username is None:
            unused = getattr(server, "unused_sellers", None)
            username = unused.pop(0) if unused else server.sellers[0]
        grant = server.issue_oauth_tokens(username, scope)
        user = UserFactory(username=f"selvedge_{username}")
        grant_role(user, Role.SELLER)
        return WhatnotConnectionFactory(
            user=user,
            whatnot_username=username,
            access_token=grant["access_token"],
            refresh_token=grant["refresh_token"],
            access_token_expires_at=timezone.now()
            + timedelta(seconds=grant["expires_in"]),
            scopes=grant["scope"],
        )

    return connect
