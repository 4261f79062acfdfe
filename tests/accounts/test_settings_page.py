"""The settings page: Whatnot connection state, personal tokens, disconnect,
the market-research switch, and who may use each of them."""

from __future__ import annotations

import re
import sys
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.signals import got_request_exception
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from accounts.models import WhatnotConnection
from tests.accounts.fake_whatnot import SELLER
from tests.factories import UserFactory, WhatnotConnectionFactory
from tests.fixtures.processes import free_port

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/settings/"
PERSONAL_TOKEN = "wn_pat_tk_test_Kq2Lx9Vb7Mn4Zr1Ts8Wd"


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


def test_settings_url_name():
    assert reverse("accounts:settings") == SETTINGS_URL


def test_anonymous_redirected_to_login(client):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unconnected_seller_sees_connect_options(seller_client):
    response = seller_client.get(SETTINGS_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not connected." in page
    assert 'action="/accounts/whatnot/login/?process=connect' in page
    assert "Connect Whatnot" in page
    assert 'name="token"' in page
    assert 'role="switch"' in page
    switch = re.search(r'<input[^>]*name="include_in_market_research"[^>]*>', page)
    assert " checked" in switch.group(0)
    assert "anonymous rows" in page
    assert 'href="/settings/">Settings</a>' in page


def test_connected_seller_sees_state(seller_client, seller):
    expires = timezone.now() + timedelta(minutes=42)
    connection = WhatnotConnectionFactory(
        user=seller, whatnot_username="raw_denim_co", access_token_expires_at=expires
    )

    response = seller_client.get(SETTINGS_URL)

    page = response.content.decode()
    assert "badge-connected" in page
    assert "raw_denim_co" in page
    assert connection.scopes in page
    assert expires.isoformat(timespec="seconds")[:16] in page
    assert "Disconnect Whatnot" in page
    assert connection.access_token not in page
    assert connection.refresh_token not in page


def test_needs_reconnect_shows_button_and_banner(seller_client, seller):
    WhatnotConnectionFactory(
        user=seller,
        status=WhatnotConnection.Status.NEEDS_RECONNECT,
        last_error="Whatnot rejected the refresh token (invalid_grant)",
    )

    response = seller_client.get(SETTINGS_URL)

    page = response.content.decode()
    assert "badge-needs_reconnect" in page
    assert "Reconnect Whatnot" in page
    assert "invalid_grant" in page
    assert 'class="banner banner-warning"' in page
    assert 'href="/settings/#whatnot"' in page


def test_banner_on_other_pages(client, seller):
    WhatnotConnectionFactory(
        user=seller, status=WhatnotConnection.Status.NEEDS_RECONNECT
    )
    client.force_login(seller)

    response = client.get(reverse("account_email"))

    assert 'href="/settings/#whatnot"' in response.content.decode()


def test_analyst_sees_no_whatnot_section(client, analyst):
    client.force_login(analyst)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert b"Whatnot store" not in response.content
    assert b"Market research" not in response.content


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:personal_token",
        "accounts:disconnect_whatnot",
        "accounts:market_research",
    ],
)
def test_analyst_cannot_change_connection(client, analyst, url_name):
    client.force_login(analyst)

    response = client.post(reverse(url_name), {"token": PERSONAL_TOKEN})

    assert response.status_code == 403
    assert WhatnotConnection.objects.count() == 0


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:personal_token",
        "accounts:disconnect_whatnot",
        "accounts:market_research",
    ],
)
def test_anonymous_post_redirected(client, url_name):
    response = client.post(reverse(url_name), {"token": PERSONAL_TOKEN})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_personal_token_saved(seller_client, seller, fake_whatnot):
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    response = seller_client.post(
        reverse("accounts:personal_token"), {"token": f"  {PERSONAL_TOKEN}\n"}
    )

    assert response.status_code == 302
    stored = WhatnotConnection.objects.get(user=seller)
    assert stored.kind == WhatnotConnection.Kind.PERSONAL
    assert stored.access_token == PERSONAL_TOKEN
    assert stored.refresh_token == ""
    assert stored.whatnot_user_id == SELLER["id"]
    assert stored.whatnot_username == SELLER["username"]
    assert stored.status == WhatnotConnection.Status.CONNECTED
    [check] = [r for r in fake_whatnot.requests if r.path == "/seller-api/graphql"]
    assert check.headers["Authorization"] == f"Bearer {PERSONAL_TOKEN}"
    page = seller_client.get(SETTINGS_URL).content.decode()
    assert "with a personal access token" in page
    assert PERSONAL_TOKEN not in page


def test_personal_token_queues_first_sync(
    seller_client, fake_whatnot, django_capture_on_commit_callbacks
):
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    with django_capture_on_commit_callbacks() as callbacks:
        seller_client.post(
            reverse("accounts:personal_token"), {"token": PERSONAL_TOKEN}
        )

    assert len(callbacks) == 1


def test_rejected_personal_token_names_field_and_fix(
    seller_client, seller, fake_whatnot
):
    response = seller_client.post(
        reverse("accounts:personal_token"), {"token": "wn_pat_tk_test_wrong"}
    )

    page = response.content.decode()
    errors = response.context["token_form"].errors["token"]
    assert response.status_code == 400
    assert "did not accept this personal access token (HTTP 401" in errors[0]
    assert "Copy the whole token again" in errors[0]
    assert 'aria-invalid="true"' in page
    assert "Personal access token" in page
    assert "wn_pat_tk_test_wrong" not in page
    assert not WhatnotConnection.objects.filter(user=seller).exists()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        pytest.param("", "This field is required.", id="empty"),
        pytest.param("wn_pat_tk one", "contains spaces or line breaks", id="space"),
        pytest.param("x" * 4097, "at most 4096 characters", id="too-long"),
        pytest.param(
            "wn_pat_tk\u200b", "character U+200B at position 10", id="zero-width"
        ),
        pytest.param("wn_pat_éé", "character U+00E9 at position 8", id="accent"),
    ],
)
def test_malformed_personal_token(seller_client, fake_whatnot, token, message):
    response = seller_client.post(reverse("accounts:personal_token"), {"token": token})

    assert response.status_code == 400
    assert message in response.context["token_form"].errors["token"][0]
    assert fake_whatnot.requests == []


def test_personal_token_when_whatnot_down(seller_client, seller, settings):
    settings.WHATNOT_BASE_URL = f"http://127.0.0.1:{free_port()}"

    response = seller_client.post(
        reverse("accounts:personal_token"), {"token": PERSONAL_TOKEN}
    )

    error = response.context["token_form"].errors["token"][0]
    assert response.status_code == 400
    assert "could not be checked with Whatnot" in error
    assert "try again in a few minutes" in error
    assert not WhatnotConnection.objects.filter(user=seller).exists()


def test_personal_token_of_another_sellers_store(seller_client, seller, fake_whatnot):
    other = WhatnotConnectionFactory(whatnot_user_id=SELLER["id"])
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    response = seller_client.post(
        reverse("accounts:personal_token"), {"token": PERSONAL_TOKEN}
    )

    assert response.status_code == 400
    assert (
        "already connected to another selvedge account"
        in (response.context["token_form"].errors["token"][0])
    )
    assert not WhatnotConnection.objects.filter(user=seller).exists()
    other.refresh_from_db()
    assert other.status == WhatnotConnection.Status.CONNECTED


def test_disconnected_store_can_move_to_new_seller(seller_client, seller, fake_whatnot):
    previous = WhatnotConnectionFactory(
        whatnot_user_id=SELLER["id"],
        status=WhatnotConnection.Status.DISCONNECTED,
        access_token="",
        refresh_token="",
    )
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    response = seller_client.post(
        reverse("accounts:personal_token"), {"token": PERSONAL_TOKEN}
    )

    assert response.status_code == 302
    previous.refresh_from_db()
    assert previous.whatnot_user_id is None
    assert WhatnotConnection.objects.get(user=seller).whatnot_user_id == SELLER["id"]


def test_disconnect_deletes_tokens_and_social_account(seller_client, seller):
    connection = WhatnotConnectionFactory(user=seller, whatnot_username="raw_denim_co")
    SocialAccount.objects.create(
        user=seller, provider="whatnot", uid=connection.whatnot_user_id
    )

    response = seller_client.post(reverse("accounts:disconnect_whatnot"))

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.DISCONNECTED
    assert connection.access_token == ""
    assert connection.refresh_token == ""
    assert connection.access_token_expires_at is None
    assert not SocialAccount.objects.filter(user=seller).exists()
    page = seller_client.get(SETTINGS_URL).content.decode()
    assert "Not connected (previously raw_denim_co)." in page
    assert "Disconnect Whatnot" not in page


def test_disconnect_leaves_other_sellers_alone(seller_client, seller):
    other_user = UserFactory(username="another_seller")
    other = WhatnotConnectionFactory(user=other_user)
    SocialAccount.objects.create(
        user=other_user, provider="whatnot", uid=other.whatnot_user_id
    )

    response = seller_client.post(
        reverse("accounts:disconnect_whatnot"),
        {"connection_id": other.pk, "user": other_user.pk},
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == WhatnotConnection.Status.CONNECTED
    assert other.access_token != ""
    assert SocialAccount.objects.filter(user=other_user).exists()


def test_disconnect_needs_post(seller_client, seller):
    WhatnotConnectionFactory(user=seller)

    response = seller_client.get(reverse("accounts:disconnect_whatnot"))

    assert response.status_code == 405
    assert WhatnotConnection.objects.get(user=seller).status == "connected"


def test_disconnect_from_allauth_page_wipes_tokens(client, seller):
    client.force_login(seller)
    connection = WhatnotConnectionFactory(user=seller)
    account = SocialAccount.objects.create(
        user=seller, provider="whatnot", uid=connection.whatnot_user_id
    )

    client.post(reverse("socialaccount_connections"), {"account": account.pk})

    connection.refresh_from_db()
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert connection.status == WhatnotConnection.Status.DISCONNECTED
    assert connection.access_token == ""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({}, False, id="switch-off"),
        pytest.param({"include_in_market_research": "on"}, True, id="switch-on"),
    ],
)
def test_market_research_switch(seller_client, seller, data, expected):
    seller.include_in_market_research = not expected
    seller.save()

    response = seller_client.post(reverse("accounts:market_research"), data)

    seller.refresh_from_db()
    assert response.status_code == 302
    assert seller.include_in_market_research is expected


def test_market_research_on_by_default():
    user = UserFactory()

    assert user.include_in_market_research is True


def test_error_report_masks_token(client, seller, monkeypatch):
    from accounts.providers.whatnot import client as whatnot_client

    def crash():
        raise RuntimeError("unexpected failure while checking the token")

    # The failure happens inside fetch_seller_identity, below the frames that
    # hold the token. The reports are the text and HTML that AdminEmailHandler
    # mails, the HTML one with every frame's local variables.
    monkeypatch.setattr(whatnot_client, "graphql_url", crash)
    reports = []

    def build_report(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    got_request_exception.connect(build_report)
    client.raise_request_exception = False
    client.force_login(seller)
    try:
        client.post(reverse("accounts:personal_token"), {"token": PERSONAL_TOKEN})
    finally:
        got_request_exception.disconnect(build_report)

    [report] = reports
    assert "unexpected failure while checking the token" in report
    assert "connect_personal_token" in report
    assert "Local vars" in report
    assert PERSONAL_TOKEN not in report
    assert "********" in report


def test_production_error_page_is_generic(client, seller, monkeypatch):
    from accounts.providers.whatnot import client as whatnot_client

    def crash():
        raise RuntimeError("unexpected failure while checking the token")

    # The failure happens inside fetch_seller_identity, below the frames that
    # hold the token.
    monkeypatch.setattr(whatnot_client, "graphql_url", crash)
    client.raise_request_exception = False
    client.force_login(seller)

    response = client.post(
        reverse("accounts:personal_token"), {"token": PERSONAL_TOKEN}
    )

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"unexpected failure" not in response.content
    assert PERSONAL_TOKEN.encode() not in response.content
