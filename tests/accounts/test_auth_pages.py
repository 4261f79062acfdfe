"""Sign-up, sign-in, sign-out, password reset and e-mail verification through
allauth, on selvedge's layout, with allauth's rate limits on."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def signup(client, username="new_seller", email="new_seller@example.test"):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": email,
            "password1": "Indigo-Selvedge-1966",
            "password2": "Indigo-Selvedge-1966",
        },
    )


def test_signup_grants_seller_role(client):
    response = signup(client)

    user = get_user_model().objects.get(username="new_seller")
    assert response.status_code == 302
    assert user.has_role(Role.SELLER)
    assert not user.has_role(Role.ANALYST)
    assert not user.is_staff
    assert user.has_perm("accounts.connect_whatnot")
    assert user.has_perm("whatnot.view_listing")
    assert not user.has_perm("research.add_dataset")


def test_signup_sends_verification_email(client):
    signup(client)

    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", message.body)
    response = client.post(link.group(1))

    assert message.to == ["new_seller@example.test"]
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new_seller")
    assert user.emailaddress_set.get().verified is True


def test_signup_errors_are_accessible(client):
    UserFactory(username="taken", email="taken@example.test")

    response = signup(client, username="taken", email="taken@example.test")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page
    assert 'class="errorlist' in page
    assert '<label for="id_username"' in page
    assert get_user_model().objects.filter(username="taken").count() == 1


def test_login_and_logout(client):
    user = UserFactory(username="denim_seller")

    login = client.post(
        reverse("account_login"), {"login": "denim_seller", "password": PASSWORD}
    )
    assert login.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk

    logout = client.post(reverse("account_logout"))
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited(client):
    UserFactory(username="denim_seller")
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": "denim_seller", "password": "wrong"}
        )

    response = client.post(
        reverse("account_login"), {"login": "denim_seller", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_rate_limit_page_explains(client):
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": "a@example.test"})

    response = client.post(
        reverse("account_reset_password"), {"email": "a@example.test"}
    )

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b"Wait a few minutes" in response.content


def test_password_reset_sends_link(client):
    UserFactory(username="denim_seller", email="denim@example.test")

    response = client.post(
        reverse("account_reset_password"), {"email": "denim@example.test"}
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["denim@example.test"]
    assert "/accounts/password/reset/key/" in message.body


def test_password_reset_rate_limited(client):
    statuses = [
        client.post(
            reverse("account_reset_password"), {"email": "denim@example.test"}
        ).status_code
        for _ in range(6)
    ]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password"],
)
def test_allauth_pages_use_base_layout(client, url_name):
    response = client.get(reverse(url_name))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in page
    assert "/static/css/selvedge.css" in page
    assert 'class="card account-form"' in page
    assert page.count("<html") == 1


def test_login_fields_keep_labels(client):
    page = client.get(reverse("account_login")).content.decode()

    assert '<label for="id_login"' in page
    assert '<label for="id_password"' in page


def test_signup_page_offers_no_whatnot(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert "/accounts/whatnot/login/" not in page


def test_login_page_offers_whatnot_sign_in(client):
    page = client.get(reverse("account_login")).content.decode()

    assert 'action="/accounts/whatnot/login/?process=login"' in page


def test_provider_get_asks_before_redirect(client):
    response = client.get(reverse("whatnot_login") + "?process=connect")

    assert response.status_code == 200
    assert b"Continue to Whatnot" in response.content
