"""The Whatnot provider, refresh service and personal tokens against the
sandbox over real HTTP, with Chromium on the sandbox's consent page."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from io import StringIO
from urllib.parse import urlparse

import pytest
import requests
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.exceptions import ReconnectRequired
from accounts.models import WhatnotConnection
from accounts.providers.whatnot import client as whatnot_client
from accounts.services.tokens import get_valid_access_token, refresh_access_token
from tests.accounts.oauth_flow import start_oauth
from tests.factories import WhatnotConnectionFactory
from tests.fixtures.browser import log_in
from tests.fixtures.processes import ROOT, child_process_env
from whatnot.sandbox.config import SandboxConfig

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery-staple"
TOKEN_PATH = "/seller-api/rest/oauth/token"


@pytest.fixture
def live_sandbox(sandbox, settings):
    """The sandbox, with selvedge's Whatnot settings pointed at it."""
    defaults = SandboxConfig()
    settings.WHATNOT_BASE_URL = sandbox.base_url
    settings.WHATNOT_CLIENT_ID = defaults.client_id
    settings.WHATNOT_CLIENT_SECRET = defaults.client_secret
    providers = {**settings.SOCIALACCOUNT_PROVIDERS}
    providers["whatnot"] = {
        **providers["whatnot"],
        "APP": {"client_id": defaults.client_id, "secret": defaults.client_secret},
    }
    settings.SOCIALACCOUNT_PROVIDERS = providers
    return sandbox


@pytest.fixture
def loopback_client(client):
    """The test client on host localhost: the sandbox accepts redirect URIs on
    loopback hosts only."""
    client.defaults["HTTP_HOST"] = "localhost"
    return client


def token_requests(sandbox) -> list[dict]:
    return [entry for entry in sandbox.requests_log() if entry["path"] == TOKEN_PATH]


def oauth_connection(sandbox, user=None) -> WhatnotConnection:
    """A connection holding an OAuth token pair the sandbox issued."""
    seller = sandbox.sellers[0]
    issued = sandbox.issue_oauth_tokens(seller)
    identity = whatnot_client.fetch_seller_identity(issued["access_token"])
    values = {
        "whatnot_user_id": identity.user_id,
        "whatnot_username": identity.username,
        "access_token": issued["access_token"],
        "refresh_token": issued["refresh_token"],
    }
    if user is not None:
        values["user"] = user
    return WhatnotConnectionFactory(**values)


# Refresh service


@pytest.mark.django_db
def test_refresh_rotation_with_sandbox(live_sandbox):
    connection = oauth_connection(live_sandbox)

    first = refresh_access_token(connection.pk)
    second = refresh_access_token(connection.pk, stale_token=first)

    assert first != second
    me = live_sandbox.graphql("query { me { username } }", token=second)
    assert me.status_code == 200
    assert me.json()["data"]["me"]["username"] == live_sandbox.sellers[0]
    assert len(token_requests(live_sandbox)) == 2


@pytest.mark.django_db
def test_revoked_refresh_token_needs_reconnect(live_sandbox):
    connection = oauth_connection(live_sandbox)
    live_sandbox.revoke_refresh_tokens(live_sandbox.sellers[0])

    with pytest.raises(ReconnectRequired, match="invalid_grant"):
        refresh_access_token(connection.pk)

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT
    with pytest.raises(ReconnectRequired):
        get_valid_access_token(connection.pk)
    assert len(token_requests(live_sandbox)) == 1


@pytest.mark.django_db
def test_sandbox_503_is_retryable(live_sandbox):
    from accounts.exceptions import TokenRefreshError

    connection = oauth_connection(live_sandbox)
    live_sandbox.set_faults(fail_next=[503])

    with pytest.raises(TokenRefreshError):
        refresh_access_token(connection.pk)

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.CONNECTED
    assert refresh_access_token(connection.pk) != connection.access_token


@pytest.mark.django_db(transaction=True)
def test_two_processes_refresh_once_with_sandbox(live_sandbox):
    connection = oauth_connection(live_sandbox)
    live_sandbox.clear_requests_log()
    # The first token request is held for a second, so the second process is
    # waiting on the row lock while the first is on the network.
    live_sandbox.set_faults(fail_next=["slow"], slow_seconds=1.0)
    defaults = SandboxConfig()
    environment = child_process_env(
        WHATNOT_BASE_URL=live_sandbox.base_url,
        WHATNOT_CLIENT_ID=defaults.client_id,
        WHATNOT_CLIENT_SECRET=defaults.client_secret,
    )
    command = [
        sys.executable,
        "-m",
        "tests.accounts.refresh_in_process",
        str(connection.pk),
        connection.access_token,
        str(time.time() + 3),
    ]

    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=90) for process in processes]

    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    tokens = {json.loads(stdout)["token"] for stdout, _ in outputs}
    connection.refresh_from_db()
    assert len(token_requests(live_sandbox)) == 1
    assert tokens == {connection.access_token}
    assert get_valid_access_token(connection.pk) == connection.access_token


# OAuth callback errors that need the sandbox's own codes


@pytest.mark.django_db
def test_reused_sandbox_code(loopback_client, seller, live_sandbox):
    client = loopback_client
    client.force_login(seller)
    _, query = start_oauth(client)
    approved = _approve_without_browser(live_sandbox, query)
    first_use = client.get(approved)
    assert first_use.status_code == 302
    assert WhatnotConnection.objects.filter(user=seller).exists()
    _, second_query = start_oauth(client)
    code = approved.split("code=")[1].split("&")[0]

    response = client.get(
        reverse("whatnot_callback") + f"?code={code}&state={second_query['state']}"
    )

    assert response.status_code == 400
    assert b"Whatnot did not accept the authorization code" in response.content


@pytest.mark.django_db
def test_expired_sandbox_code(loopback_client, seller, sandbox_factory, settings):
    client = loopback_client
    server = sandbox_factory(extra_args=["--code-ttl", "0.5"])
    settings.WHATNOT_BASE_URL = server.base_url
    client.force_login(seller)
    _, query = start_oauth(client)
    approved = _approve_without_browser(server, query)
    time.sleep(1.0)

    response = client.get(approved)

    assert response.status_code == 400
    assert b"Whatnot did not accept the authorization code" in response.content
    assert not WhatnotConnection.objects.filter(user=seller).exists()


def _approve_without_browser(sandbox, query: dict) -> str:
    """Approve on the sandbox's consent form and return the callback path and
    query."""
    form = {
        key: query[key]
        for key in ("client_id", "redirect_uri", "response_type", "scope", "state")
    }
    form.update(decision="approve", seller=sandbox.sellers[0])
    response = requests.post(
        sandbox.authorize_url, data=form, allow_redirects=False, timeout=10
    )
    assert response.status_code in (302, 303), response.text
    callback = urlparse(response.headers["Location"])
    return f"{callback.path}?{callback.query}"


# Personal tokens


@pytest.mark.django_db
def test_personal_token_form_with_sandbox(client, seller, live_sandbox):
    client.force_login(seller)
    username = live_sandbox.sellers[1]

    response = client.post(
        reverse("accounts:personal_token"), {"token": live_sandbox.token(username)}
    )

    assert response.status_code == 302
    stored = WhatnotConnection.objects.get(user=seller)
    assert stored.kind == WhatnotConnection.Kind.PERSONAL
    assert stored.whatnot_username == username
    assert get_valid_access_token(stored.pk) == live_sandbox.token(username)


@pytest.mark.django_db
def test_revoked_personal_token_rejected(client, seller, live_sandbox):
    client.force_login(seller)
    token = live_sandbox.token()
    live_sandbox.revoke_token(token)

    response = client.post(reverse("accounts:personal_token"), {"token": token})

    assert response.status_code == 400
    assert (
        "did not accept this personal access token"
        in (response.context["token_form"].errors["token"][0])
    )
    assert not WhatnotConnection.objects.filter(user=seller).exists()


@pytest.mark.django_db
def test_connect_command_with_sandbox(seller, live_sandbox):
    out = StringIO()

    call_command(
        "connect_whatnot", "seller", "--token", live_sandbox.token(), stdout=out
    )
    with pytest.raises(CommandError, match="did not accept"):
        call_command("connect_whatnot", "seller", "--token", "wn_pat_tk_unknown")

    stored = WhatnotConnection.objects.get(user=seller)
    assert stored.whatnot_username == live_sandbox.sellers[0]
    assert stored.access_token == live_sandbox.token()
    assert live_sandbox.sellers[0] in out.getvalue()


# The sandbox's consent page in Chromium


@pytest.fixture
def settings_page(page, live_server, seller, live_sandbox):
    log_in(page, live_server.url, "seller", PASSWORD)
    page.goto(f"{live_server.url}/settings/")
    return page


def _approve_in_browser(page, seller_name: str) -> None:
    page.wait_for_url("**/seller-api/rest/oauth/authorize**")
    page.select_option("#seller", seller_name)
    page.click("#approve")
    page.wait_for_url("**/settings/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_connect_approve(settings_page, seller, live_sandbox):
    page = settings_page
    seller_name = live_sandbox.sellers[0]

    page.get_by_role("button", name="Connect Whatnot").click()
    _approve_in_browser(page, seller_name)

    section = page.locator("#whatnot")
    assert "Connected" in section.inner_text()
    assert seller_name in section.inner_text()
    connection = WhatnotConnection.objects.get(user=seller)
    assert connection.kind == WhatnotConnection.Kind.OAUTH
    assert set(connection.scopes.split()) == {
        "read:inventory",
        "write:inventory",
        "read:orders",
    }
    me = live_sandbox.graphql(
        "query { me { username } }", token=get_valid_access_token(connection.pk)
    )
    assert me.json()["data"]["me"]["username"] == seller_name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_deny(settings_page, seller, live_sandbox):
    page = settings_page

    page.get_by_role("button", name="Connect Whatnot").click()
    page.wait_for_url("**/seller-api/rest/oauth/authorize**")
    page.click("#deny")
    page.wait_for_url("**/accounts/whatnot/login/callback/**")

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Whatnot access was not granted"
    assert not WhatnotConnection.objects.filter(user=seller).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_tampered_state(settings_page, seller, live_sandbox):
    page = settings_page

    page.get_by_role("button", name="Connect Whatnot").click()
    page.wait_for_url("**/seller-api/rest/oauth/authorize**")
    page.eval_on_selector(
        "input[name=state]", "element => { element.value = element.value + 'x'; }"
    )
    page.click("#approve")
    page.wait_for_url("**/accounts/whatnot/login/callback/**")

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "This Whatnot sign-in link is not valid"
    assert token_requests(live_sandbox) == []
    assert not WhatnotConnection.objects.filter(user=seller).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_reconnect_after_revoke(settings_page, seller, live_sandbox):
    page = settings_page
    seller_name = live_sandbox.sellers[0]
    page.get_by_role("button", name="Connect Whatnot").click()
    _approve_in_browser(page, seller_name)
    connection = WhatnotConnection.objects.get(user=seller)
    live_sandbox.revoke_refresh_tokens(seller_name)
    with pytest.raises(ReconnectRequired):
        refresh_access_token(connection.pk, stale_token=connection.access_token)

    page.reload()
    banner = page.get_by_role("alert").filter(has_text="needs to be renewed")
    assert banner.is_visible()
    banner.get_by_role("link", name="Reconnect Whatnot").click()
    page.locator("#whatnot").get_by_role("button", name="Reconnect Whatnot").click()
    _approve_in_browser(page, seller_name)

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.CONNECTED
    assert page.get_by_role("alert").filter(has_text="needs to be renewed").count() == 0
    assert refresh_access_token(connection.pk) != connection.access_token
