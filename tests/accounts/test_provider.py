"""The "whatnot" allauth provider: the cases allauth runs on its own
providers (login, signup, token response, profile response, authentication
errors), plus connecting, against a local Whatnot OAuth server."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlparse

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.db import connection as db_connection
from django.urls import reverse
from django.views.debug import ExceptionReporter

from accounts.models import WhatnotConnection
from accounts.providers.whatnot.provider import WhatnotProvider
from accounts.providers.whatnot.views import WhatnotOAuth2Adapter
from tests.accounts.fake_whatnot import (
    CLIENT_ID,
    CLIENT_SECRET,
    SELLER,
    TOKEN_RESPONSE,
)
from tests.accounts.oauth_flow import connect, consent, start_oauth
from tests.factories import UserFactory, WhatnotConnectionFactory
from tests.fixtures.processes import free_port
from whatnot.models import SyncRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


def test_authorize_redirect_carries_settings(seller_client, fake_whatnot, settings):
    settings.WHATNOT_SCOPES = "read:inventory read:orders"

    authorize_url, query = start_oauth(seller_client)

    assert authorize_url.startswith(
        f"{fake_whatnot.base_url}/seller-api/rest/oauth/authorize?"
    )
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert set(query["scope"].split()) == {"read:inventory", "read:orders"}
    assert query["redirect_uri"] == "http://testserver/accounts/whatnot/login/callback/"
    assert len(query["state"]) >= 16


def test_default_scopes_are_least_privilege():
    from config.settings import base

    assert base.WHATNOT_SCOPES.split() == [
        "read:inventory",
        "write:inventory",
        "read:orders",
    ]


def test_token_response_parsed(rf):
    adapter = WhatnotOAuth2Adapter(rf.get("/"))

    token = adapter.parse_token(TOKEN_RESPONSE)

    assert token.token == TOKEN_RESPONSE["access_token"]
    assert token.token_secret == TOKEN_RESPONSE["refresh_token"]
    assert token.expires_at is not None
    assert token.granted_scopes == "read:inventory read:orders write:inventory"


def test_profile_response_sets_uid(rf):
    request = rf.get("/")
    provider = WhatnotOAuth2Adapter(request).get_provider()

    login = provider.sociallogin_from_response(request, SELLER)

    assert isinstance(provider, WhatnotProvider)
    assert login.account.uid == "VXNlcjo0MjQy"
    assert login.account.provider == "whatnot"
    assert login.account.extra_data["username"] == "indigo_selvedge_co"
    assert provider.get_default_scope() == [
        "read:inventory",
        "write:inventory",
        "read:orders",
    ]


def test_connect_stores_encrypted_tokens(seller_client, seller, fake_whatnot):
    response = connect(seller_client, fake_whatnot)

    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    stored = WhatnotConnection.objects.get(user=seller)
    [exchange] = fake_whatnot.token_requests("authorization_code")
    assert exchange.form["client_secret"] == CLIENT_SECRET
    assert stored.access_token in fake_whatnot.access_tokens
    assert stored.refresh_token in fake_whatnot.refresh_tokens
    assert stored.whatnot_user_id == SELLER["id"]
    assert stored.whatnot_username == SELLER["username"]
    assert stored.kind == WhatnotConnection.Kind.OAUTH
    assert stored.status == WhatnotConnection.Status.CONNECTED
    assert stored.scopes == "read:inventory read:orders write:inventory"
    assert stored.access_token_expires_at is not None
    account = SocialAccount.objects.get(user=seller, provider="whatnot")
    assert account.uid == SELLER["id"]
    assert SocialToken.objects.count() == 0
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM accounts_whatnotconnection"
        )
        raw_access, raw_refresh = cursor.fetchone()
    assert raw_access != stored.access_token
    assert raw_refresh != stored.refresh_token
    assert raw_access.startswith("gAAAAA")


def test_reconnect_updates_tokens_and_status(seller_client, seller, fake_whatnot):
    connect(seller_client, fake_whatnot)
    first = WhatnotConnection.objects.get(user=seller)
    WhatnotConnection.objects.filter(pk=first.pk).update(
        status=WhatnotConnection.Status.NEEDS_RECONNECT, last_error="revoked"
    )

    response = connect(seller_client, fake_whatnot)

    second = WhatnotConnection.objects.get(user=seller)
    assert response.status_code == 302
    assert second.pk == first.pk
    assert second.status == WhatnotConnection.Status.CONNECTED
    assert second.last_error == ""
    assert second.access_token != first.access_token
    assert SocialAccount.objects.filter(user=seller).count() == 1


def test_connect_replaces_personal_token(seller_client, seller, fake_whatnot):
    WhatnotConnectionFactory(
        user=seller,
        kind=WhatnotConnection.Kind.PERSONAL,
        whatnot_user_id=SELLER["id"],
        refresh_token="",
    )

    connect(seller_client, fake_whatnot)

    stored = WhatnotConnection.objects.get(user=seller)
    assert stored.kind == WhatnotConnection.Kind.OAUTH
    assert stored.refresh_token in fake_whatnot.refresh_tokens


def test_login_with_connected_account(client, seller, fake_whatnot):
    WhatnotConnectionFactory(user=seller, whatnot_user_id=SELLER["id"])
    SocialAccount.objects.create(user=seller, provider="whatnot", uid=SELLER["id"])

    authorize_url, _ = start_oauth(client, process="login", next_url="/settings/")
    response = client.get(consent(authorize_url))

    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    assert int(client.session["_auth_user_id"]) == seller.pk
    stored = WhatnotConnection.objects.get(user=seller)
    assert stored.access_token in fake_whatnot.access_tokens


def test_signup_through_whatnot_rejected(client, fake_whatnot):
    users_before = get_user_model().objects.count()

    authorize_url, _ = start_oauth(client, process="login")
    response = client.get(consent(authorize_url))

    assert response.status_code == 400
    assert b"No selvedge account uses this Whatnot account" in response.content
    assert get_user_model().objects.count() == users_before
    assert SocialAccount.objects.count() == 0
    assert WhatnotConnection.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_callback_without_state(seller_client, fake_whatnot):
    response = seller_client.get(
        reverse("whatnot_callback") + "?code=code_1&state=AbCdEfGh12345678"
    )

    assert response.status_code == 400
    assert b"This Whatnot sign-in link is not valid" in response.content
    assert fake_whatnot.token_requests() == []
    assert WhatnotConnection.objects.count() == 0


def test_tampered_state(seller_client, fake_whatnot):
    authorize_url, query = start_oauth(seller_client)
    callback = consent(authorize_url)

    tampered = callback.replace(query["state"], query["state"][::-1])
    response = seller_client.get(tampered)

    assert response.status_code == 400
    assert b"This Whatnot sign-in link is not valid" in response.content
    assert fake_whatnot.token_requests() == []
    assert WhatnotConnection.objects.count() == 0


def test_replayed_callback(seller_client, fake_whatnot):
    authorize_url, _ = start_oauth(seller_client)
    callback = consent(authorize_url)
    seller_client.get(callback)

    response = seller_client.get(callback)

    assert response.status_code == 400
    assert b"This Whatnot sign-in link is not valid" in response.content
    assert len(fake_whatnot.token_requests()) == 1


def test_reused_code(seller_client, seller, fake_whatnot):
    first_url, _ = start_oauth(seller_client)
    used_callback = consent(first_url)
    seller_client.get(used_callback)
    stored_before = WhatnotConnection.objects.get(user=seller).access_token
    used_code = urlparse(used_callback).query.split("code=")[1].split("&")[0]
    _, query = start_oauth(seller_client)

    response = seller_client.get(
        reverse("whatnot_callback") + f"?code={used_code}&state={query['state']}"
    )

    assert response.status_code == 400
    assert b"Whatnot did not accept the authorization code" in response.content
    assert WhatnotConnection.objects.get(user=seller).access_token == stored_before


def test_expired_code(seller_client, fake_whatnot):
    _, query = start_oauth(seller_client)

    response = seller_client.get(
        reverse("whatnot_callback") + f"?code=code_expired&state={query['state']}"
    )

    assert response.status_code == 400
    assert b"Whatnot did not accept the authorization code" in response.content
    assert WhatnotConnection.objects.count() == 0


def test_denied_consent(seller_client, fake_whatnot):
    fake_whatnot.deny_consent = True

    authorize_url, _ = start_oauth(seller_client)
    response = seller_client.get(consent(authorize_url))

    assert response.status_code == 200
    assert b"Whatnot access was not granted" in response.content
    assert fake_whatnot.token_requests() == []
    assert WhatnotConnection.objects.count() == 0


def test_provider_error_code_shown(seller_client, fake_whatnot):
    _, query = start_oauth(seller_client)

    response = seller_client.get(
        reverse("whatnot_callback")
        + f"?error=temporarily_unavailable&state={query['state']}"
    )

    assert response.status_code == 400
    assert b"temporarily_unavailable" in response.content
    assert WhatnotConnection.objects.count() == 0


def test_identity_failure(seller_client, fake_whatnot):
    fake_whatnot.me_failure = (500, {"errors": [{"message": "boom"}]})

    response = connect(seller_client, fake_whatnot)

    assert response.status_code == 502
    assert b"Whatnot did not return your seller account" in response.content
    assert WhatnotConnection.objects.count() == 0
    assert SocialAccount.objects.count() == 0


def test_unreachable_token_endpoint(seller_client, fake_whatnot, settings):
    authorize_url, _ = start_oauth(seller_client)
    callback = consent(authorize_url)
    settings.WHATNOT_BASE_URL = f"http://127.0.0.1:{free_port()}"

    response = seller_client.get(callback)

    assert response.status_code == 502
    assert b"Whatnot could not be reached" in response.content
    assert WhatnotConnection.objects.count() == 0


def test_account_of_another_user(seller_client, seller, fake_whatnot):
    other = UserFactory(username="other_seller")
    WhatnotConnectionFactory(user=other, whatnot_user_id=SELLER["id"])

    response = connect(seller_client, fake_whatnot)

    assert response.status_code == 409
    assert b"already connected to another selvedge account" in response.content
    assert not WhatnotConnection.objects.filter(user=seller).exists()
    assert SocialAccount.objects.count() == 0


def test_connect_needs_signed_in_user(client, fake_whatnot):
    authorize_url, _ = start_oauth(client, process="connect")

    response = client.get(consent(authorize_url))

    assert response.status_code == 400
    assert b"Sign in to connect Whatnot" in response.content
    assert WhatnotConnection.objects.count() == 0


def test_error_pages_and_logs_hold_no_token(seller_client, fake_whatnot, caplog):
    caplog.set_level(logging.DEBUG)
    connect(seller_client, fake_whatnot)
    fake_whatnot.me_failure = (401, {"errors": [{"message": "bad token"}]})

    response = connect(seller_client, fake_whatnot)

    secrets = [*fake_whatnot.access_tokens, *fake_whatnot.refresh_tokens]
    assert response.status_code == 502
    for secret in [*secrets, CLIENT_SECRET]:
        assert secret not in response.content.decode()
        assert secret not in caplog.text


def test_connect_queues_full_sync(
    seller_client, seller, fake_whatnot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        connect(seller_client, fake_whatnot)
    with django_capture_on_commit_callbacks() as enqueues:
        for callback in callbacks:
            callback()

    [run] = SyncRun.objects.filter(seller=seller)
    assert len(callbacks) == 1
    assert run.kind == SyncRun.Kind.FULL
    assert run.status == SyncRun.Status.QUEUED
    assert len(enqueues) == 1


def test_failed_connect_queues_nothing(
    seller_client, fake_whatnot, django_capture_on_commit_callbacks
):
    fake_whatnot.deny_consent = True

    with django_capture_on_commit_callbacks() as callbacks:
        connect(seller_client, fake_whatnot)

    assert callbacks == []


def test_callback_error_report_hides_tokens(
    seller_client, fake_whatnot, monkeypatch, settings
):
    from accounts.services import connections

    def crash(user, whatnot_user_id):
        raise RuntimeError("unexpected failure after the token exchange")

    monkeypatch.setattr(connections, "check_account_free", crash)
    reports = []

    def build_report(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    got_request_exception.connect(build_report)
    seller_client.raise_request_exception = False
    try:
        response = connect(seller_client, fake_whatnot)
    finally:
        got_request_exception.disconnect(build_report)

    [report] = reports
    assert response.status_code == 500
    assert "unexpected failure after the token exchange" in report
    assert "allauth/socialaccount/providers/oauth2/views.py" in report
    assert fake_whatnot.access_tokens
    for secret in [*fake_whatnot.access_tokens, *fake_whatnot.refresh_tokens]:
        assert secret not in report
    assert CLIENT_SECRET not in report
