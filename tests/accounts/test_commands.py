"""manage.py connect_whatnot against a local Whatnot ``me`` endpoint."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import WhatnotConnection
from tests.accounts.fake_whatnot import SELLER
from tests.factories import UserFactory, WhatnotConnectionFactory

pytestmark = pytest.mark.django_db

PERSONAL_TOKEN = "wn_pat_tk_test_Hs5Qe8Wn2Cz7Vb1Mx4Lr"


def test_connect_stores_personal_token(seller, fake_whatnot):
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)
    out = io.StringIO()

    call_command("connect_whatnot", "seller", "--token", PERSONAL_TOKEN, stdout=out)

    stored = WhatnotConnection.objects.get(user=seller)
    assert stored.kind == WhatnotConnection.Kind.PERSONAL
    assert stored.access_token == PERSONAL_TOKEN
    assert stored.whatnot_user_id == SELLER["id"]
    assert f"Whatnot seller {SELLER['username']} ({SELLER['id']})" in out.getvalue()
    assert PERSONAL_TOKEN not in out.getvalue()


def test_token_read_from_stdin(seller, fake_whatnot):
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    call_command(
        "connect_whatnot",
        "seller",
        "--token",
        "-",
        stdin=io.StringIO(PERSONAL_TOKEN + "\n"),
        stdout=io.StringIO(),
    )

    assert WhatnotConnection.objects.get(user=seller).access_token == PERSONAL_TOKEN


def test_dry_run_stores_nothing(seller, fake_whatnot):
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)
    out = io.StringIO()

    call_command(
        "connect_whatnot", "seller", "--token", PERSONAL_TOKEN, "--dry-run", stdout=out
    )

    assert "nothing was stored" in out.getvalue()
    assert not WhatnotConnection.objects.exists()


def test_rejected_token_raises(seller, fake_whatnot):
    with pytest.raises(CommandError) as caught:
        call_command("connect_whatnot", "seller", "--token", "wn_pat_tk_test_bad")

    message = str(caught.value)
    assert "did not accept this personal access token (HTTP 401" in message
    assert "wn_pat_tk_test_bad" not in message
    assert not WhatnotConnection.objects.exists()


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        pytest.param("nobody", "No selvedge user is named 'nobody'", id="unknown"),
        pytest.param("plain_user", "does not have the seller role", id="not-seller"),
    ],
)
def test_user_checks(fake_whatnot, username, expected):
    UserFactory(username="plain_user")
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    with pytest.raises(CommandError, match=expected):
        call_command("connect_whatnot", username, "--token", PERSONAL_TOKEN)

    assert fake_whatnot.requests == []


def test_empty_token_rejected(seller, fake_whatnot):
    with pytest.raises(CommandError, match="The token is empty"):
        call_command("connect_whatnot", "seller", "--token", "   ")


def test_store_of_another_seller(seller, fake_whatnot):
    WhatnotConnectionFactory(whatnot_user_id=SELLER["id"])
    fake_whatnot.add_personal_token(PERSONAL_TOKEN)

    with pytest.raises(CommandError, match="already connected to another"):
        call_command("connect_whatnot", "seller", "--token", PERSONAL_TOKEN)

    assert not WhatnotConnection.objects.filter(user=seller).exists()
