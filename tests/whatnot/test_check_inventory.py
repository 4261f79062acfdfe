from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from whatnot.models import Listing

pytestmark = pytest.mark.django_db


def check(*args) -> str:
    out = StringIO()
    call_command("check_inventory", *args, stdout=out)
    return out.getvalue()


def synced_seller(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    call_command(
        "sync_whatnot",
        "--seller",
        connection.user.username,
        "--full",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    return connection


def test_synced_store_matches(shared_sandbox, connect_seller):
    connection = synced_seller(shared_sandbox, connect_seller)
    remote = len(shared_sandbox.store(connection.whatnot_username)["listings"])

    out = check("--seller", connection.user.username)

    assert f"{remote} listings on Whatnot, {remote} in selvedge" in out
    assert "0 difference(s)" in out
    assert "matches Whatnot" in out


def test_remote_edit_is_reported_until_the_next_sync(shared_sandbox, connect_seller):
    connection = synced_seller(shared_sandbox, connect_seller)
    listing = Listing.objects.filter(seller=connection.user).first()
    shared_sandbox.edit_listing(listing.whatnot_id, title="Retitled on Whatnot")

    out = StringIO()
    with pytest.raises(CommandError, match="1 listing"):
        call_command(
            "check_inventory", "--seller", connection.user.username, stdout=out
        )

    assert f"{listing.whatnot_id}: differs in title" in out.getvalue()
    assert "Retitled on Whatnot" in out.getvalue()


def test_local_listing_missing_on_whatnot_is_reported(shared_sandbox, connect_seller):
    connection = synced_seller(shared_sandbox, connect_seller)
    Listing.objects.create(
        seller=connection.user, whatnot_id="TGlzdGluZzo5OTk5OTk5", title="Ghost"
    )

    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "check_inventory", "--seller", connection.user.username, stdout=out
        )

    assert "TGlzdGluZzo5OTk5OTk5: not on Whatnot any more" in out.getvalue()


def test_unknown_seller_is_an_error():
    with pytest.raises(CommandError, match="No selvedge user is called 'nobody'"):
        check("--seller", "nobody")
