"""The connect flow in Chromium against the local Whatnot OAuth server, which
approves or denies without a consent page of its own."""

from __future__ import annotations

import pytest

from accounts.models import WhatnotConnection
from accounts.services.tokens import refresh_access_token
from tests.accounts.fake_whatnot import SELLER
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def signed_in_page(page, live_server, seller):
    log_in(page, live_server.url, "seller", PASSWORD)
    page.goto(f"{live_server.url}/settings/")
    return page


def test_connect_lands_connected(signed_in_page, seller, fake_whatnot):
    page = signed_in_page

    page.get_by_role("button", name="Connect Whatnot").click()
    page.wait_for_url("**/settings/")

    assert page.get_by_text("Connected", exact=True).is_visible()
    assert SELLER["username"] in page.locator("#whatnot").inner_text()
    connection = WhatnotConnection.objects.get(user=seller)
    assert connection.status == WhatnotConnection.Status.CONNECTED
    assert connection.access_token in fake_whatnot.access_tokens


def test_denied_consent_explained(signed_in_page, seller, fake_whatnot):
    fake_whatnot.deny_consent = True
    page = signed_in_page

    page.get_by_role("button", name="Connect Whatnot").click()
    page.wait_for_url("**/accounts/whatnot/login/callback/**")

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Whatnot access was not granted"
    assert page.get_by_role("link", name="Back to settings").is_visible()
    assert not WhatnotConnection.objects.filter(user=seller).exists()


def test_tampered_state_explained(signed_in_page, seller, fake_whatnot):
    fake_whatnot.show_consent_page = True
    page = signed_in_page
    page.get_by_role("button", name="Connect Whatnot").click()
    approve_url = page.get_by_role("link", name="Approve").get_attribute("href")

    page.goto(approve_url.replace("state=", "state=x"))

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "This Whatnot sign-in link is not valid"
    assert fake_whatnot.token_requests() == []
    assert not WhatnotConnection.objects.filter(user=seller).exists()


def test_reconnect_after_revoked_refresh_token(signed_in_page, seller, fake_whatnot):
    page = signed_in_page
    page.get_by_role("button", name="Connect Whatnot").click()
    page.wait_for_url("**/settings/")
    connection = WhatnotConnection.objects.get(user=seller)
    fake_whatnot.revoke_refresh_tokens()
    with pytest.raises(Exception, match="invalid_grant"):
        refresh_access_token(connection.pk, stale_token=connection.access_token)

    page.reload()
    banner = page.get_by_role("alert").filter(has_text="needs to be renewed")
    assert banner.is_visible()
    page.locator("#whatnot").get_by_role("button", name="Reconnect Whatnot").click()
    page.wait_for_url("**/settings/")

    connection.refresh_from_db()
    assert connection.status == WhatnotConnection.Status.CONNECTED
    assert connection.refresh_token in fake_whatnot.refresh_tokens
    assert page.get_by_role("alert").filter(has_text="needs to be renewed").count() == 0


def test_personal_token_error_is_announced(signed_in_page, fake_whatnot):
    page = signed_in_page

    page.get_by_text("Use a personal access token instead").click()
    page.get_by_label("Personal access token").fill("wn_pat_tk_test_not_issued")
    page.get_by_role("button", name="Check and save token").click()

    field = page.get_by_label("Personal access token")
    assert field.get_attribute("aria-invalid") == "true"
    described_by = field.get_attribute("aria-describedby")
    error_text = " ".join(
        page.locator(f"#{element_id}").inner_text()
        for element_id in described_by.split()
    )
    assert "did not accept this personal access token" in error_text
