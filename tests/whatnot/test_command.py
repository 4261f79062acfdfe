from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import WhatnotConnectionFactory
from whatnot.models import Listing, SyncRun

pytestmark = pytest.mark.django_db


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sync_whatnot", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_syncs_one_seller(shared_sandbox, connect_seller):
    connection = connect_seller(shared_sandbox)
    username = connection.user.username
    listings = len(shared_sandbox.store(connection.whatnot_username)["listings"])

    out, err = run_command("--seller", username, "--full")

    run = SyncRun.objects.get(seller=connection.user)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.kind == SyncRun.Kind.FULL
    assert Listing.objects.filter(seller=connection.user).count() == listings
    summary = out.splitlines()[-1].split()
    assert summary[:4] == [username, "full", "succeeded", str(listings)]
    assert f"{username} (full)" in err


def test_command_skips_connection_that_needs_reconnect():
    connection = WhatnotConnectionFactory(status="needs_reconnect")

    out, _ = run_command()

    assert f"Skipping {connection.user.username}" in out
    assert not SyncRun.objects.exists()


def test_dry_run_lists_sellers_without_syncing():
    connection = WhatnotConnectionFactory()

    out, _ = run_command("--dry-run")

    assert out.strip() == f"Would sync {connection.user.username} (incremental)."
    assert not SyncRun.objects.exists()


def test_unknown_seller_is_an_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run_command("--seller", "nobody")
