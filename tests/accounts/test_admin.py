"""The admin for users and Whatnot connections shows state, never tokens."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import WhatnotConnection
from tests.factories import UserFactory, WhatnotConnectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def connections(seller):
    connected = WhatnotConnectionFactory(user=seller, whatnot_username="raw_denim_co")
    broken = WhatnotConnectionFactory(
        user=UserFactory(username="broken_seller"),
        whatnot_username="faded_indigo",
        status=WhatnotConnection.Status.NEEDS_RECONNECT,
    )
    return connected, broken


def test_connection_list_hides_tokens(staff_client, connections):
    response = staff_client.get(reverse("admin:accounts_whatnotconnection_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "raw_denim_co" in page
    assert "Needs reconnect" in page
    assert ">set<" in page
    for connection in connections:
        assert connection.access_token not in page
        assert connection.refresh_token not in page


def test_needs_reconnect_filter(staff_client, connections):
    response = staff_client.get(
        reverse("admin:accounts_whatnotconnection_changelist")
        + "?status__exact=needs_reconnect"
    )

    page = response.content.decode()
    assert "faded_indigo" in page
    assert "raw_denim_co" not in page


def test_change_page_hides_tokens(staff_client, connections):
    connection = connections[0]

    response = staff_client.get(
        reverse("admin:accounts_whatnotconnection_change", args=[connection.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Access token" in page
    assert connection.access_token not in page
    assert connection.refresh_token not in page
    assert 'name="access_token"' not in page
    assert 'name="refresh_token"' not in page


def test_mark_needs_reconnect_action(staff_client, connections):
    connected = connections[0]

    staff_client.post(
        reverse("admin:accounts_whatnotconnection_changelist"),
        {"action": "mark_needs_reconnect", "_selected_action": [connected.pk]},
    )

    connected.refresh_from_db()
    assert connected.status == WhatnotConnection.Status.NEEDS_RECONNECT
    assert connected.last_error == "marked by staff user staff"


def test_disconnect_action(staff_client, connections, seller):
    connected = connections[0]
    SocialAccount.objects.create(
        user=seller, provider="whatnot", uid=connected.whatnot_user_id
    )

    staff_client.post(
        reverse("admin:accounts_whatnotconnection_changelist"),
        {"action": "disconnect", "_selected_action": [connected.pk]},
    )

    connected.refresh_from_db()
    assert connected.status == WhatnotConnection.Status.DISCONNECTED
    assert connected.access_token == ""
    assert not SocialAccount.objects.filter(user=seller).exists()


def test_user_list_shows_roles(staff_client, seller, analyst):
    response = staff_client.get(reverse("admin:accounts_user_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<td class="field-roles">seller</td>' in page
    assert '<td class="field-roles">analyst</td>' in page


def test_seller_cannot_open_admin(client, seller):
    client.force_login(seller)

    response = client.get(reverse("admin:accounts_whatnotconnection_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
