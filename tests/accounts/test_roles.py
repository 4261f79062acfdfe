"""Role groups, their permissions, and the view check."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from accounts import roles
from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_groups_exist_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))

    assert {"seller", "analyst", "staff"} <= names


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        pytest.param(
            Role.SELLER,
            ["accounts.connect_whatnot", "whatnot.change_listing"],
            ["research.add_dataset", "accounts.change_whatnotconnection"],
            id="seller",
        ),
        pytest.param(
            Role.ANALYST,
            ["research.add_dataset", "research.view_marketlisting"],
            ["accounts.connect_whatnot", "whatnot.change_listing"],
            id="analyst",
        ),
        pytest.param(
            Role.STAFF,
            ["accounts.change_whatnotconnection", "research.add_dataset"],
            [],
            id="staff",
        ),
    ],
)
def test_role_permissions(role, allowed, denied):
    user = UserFactory()
    roles.grant_role(user, role)

    user = type(user).objects.get(pk=user.pk)

    for permission in allowed:
        assert user.has_perm(permission), permission
    for permission in denied:
        assert not user.has_perm(permission), permission


def test_staff_role_sets_is_staff():
    user = UserFactory()

    roles.grant_role(user, Role.STAFF)

    user.refresh_from_db()
    assert user.is_staff is True


def test_unknown_permission_named(monkeypatch):
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, Role.SELLER, ["whatnot.fly_listing"])

    with pytest.raises(LookupError, match=r"'whatnot\.fly_listing'"):
        roles.ensure_role_groups()


def test_role_required_decorator(rf, seller, analyst):
    view = roles.role_required(Role.ANALYST)(lambda request: HttpResponse("ok"))
    anonymous = rf.get("/research/")
    anonymous.user = AnonymousUser()
    as_seller = rf.get("/research/")
    as_seller.user = seller
    as_analyst = rf.get("/research/")
    as_analyst.user = analyst

    assert view(anonymous).status_code == 302
    with pytest.raises(PermissionDenied):
        view(as_seller)
    assert view(as_analyst).status_code == 200
