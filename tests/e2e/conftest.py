"""One Whatnot sandbox and one Celery worker shared by every journey,
both pointed at the live server and each other over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings

from tests.fixtures.processes import ManagedProcess, running_worker
from tests.fixtures.sandbox import SandboxServer, running_sandbox
from whatnot.sandbox.config import SandboxConfig


@dataclass
class Stack:
    sandbox: SandboxServer
    worker: ManagedProcess
    webhook_secret: str

    def logs(self) -> str:
        """The tail of the worker's and the sandbox's logs, for failure messages."""
        return (
            f"worker:\n{self.worker.log_text()[-3000:]}\n"
            f"sandbox:\n{self.sandbox.log_text()[-2000:]}"
        )


@pytest.fixture(scope="package")
def stack(django_db_setup, live_server, tmp_path_factory) -> Iterator[Stack]:
    """The sandbox (three sellers, webhooks sent to the live server) and a worker
    on every queue that calls the sandbox with the test database.

    Package scope: the worker must stop before tests outside tests/e2e run,
    or it would take their tasks with the journeys' settings."""
    secret = django_settings.WHATNOT_WEBHOOK_SECRET.split(",")[0].strip()
    defaults = SandboxConfig()
    webhook_args = [
        "--webhook-url",
        f"{live_server.url}/webhooks/whatnot/",
        "--webhook-secret",
        secret,
        "--webhook-retry-base",
        "1",
    ]
    with (
        running_sandbox(
            sellers=3,
            listings_per_seller=8,
            rate_limit=0,
            extra_args=webhook_args,
            data_dir=tmp_path_factory.mktemp("e2e-sandbox"),
        ) as sandbox,
        running_worker(
            WHATNOT_BASE_URL=sandbox.base_url,
            WHATNOT_CLIENT_ID=defaults.client_id,
            WHATNOT_CLIENT_SECRET=defaults.client_secret,
            WHATNOT_WEBHOOK_SECRET=secret,
            name="e2e",
        ) as worker,
    ):
        yield Stack(sandbox, worker, secret)


@pytest.fixture
def whatnot_settings(settings, stack) -> Stack:
    """Point the live server's Whatnot settings and OAuth app at the sandbox."""
    defaults = SandboxConfig()
    settings.WHATNOT_BASE_URL = stack.sandbox.base_url
    settings.WHATNOT_CLIENT_ID = defaults.client_id
    settings.WHATNOT_CLIENT_SECRET = defaults.client_secret
    settings.WHATNOT_WEBHOOK_SECRET = stack.webhook_secret
    providers = {**settings.SOCIALACCOUNT_PROVIDERS}
    providers["whatnot"] = {
        **providers["whatnot"],
        "APP": {"client_id": defaults.client_id, "secret": defaults.client_secret},
    }
    settings.SOCIALACCOUNT_PROVIDERS = providers
    return stack
