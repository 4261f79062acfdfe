"""The token refresh tasks, eagerly and through a real Celery worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import WhatnotConnection
from accounts.tasks import refresh_connection_token_task
from tests.accounts.fake_whatnot import CLIENT_ID, CLIENT_SECRET
from tests.factories import WhatnotConnectionFactory
from tests.fixtures.processes import running_worker, wait_until


def issued_connection(fake, expires_in: timedelta, **fields) -> WhatnotConnection:
    issued = fake.issue_tokens()
    values = {
        "access_token": issued["access_token"],
        "refresh_token": issued["refresh_token"],
        "access_token_expires_at": timezone.now() + expires_in,
        **fields,
    }
    return WhatnotConnectionFactory(**values)


def test_beat_schedule_entry():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-expiring-whatnot-tokens"]

    assert entry["task"] == "accounts.tasks.refresh_expiring_tokens_task"
    assert entry["schedule"] == 600.0
    assert 0 < entry["options"]["expires"] < entry["schedule"]


@pytest.mark.django_db
def test_connection_task_refreshes_expiring_token(fake_whatnot):
    connection = issued_connection(fake_whatnot, timedelta(minutes=15))

    refresh_connection_token_task.apply(args=[connection.pk])

    connection.refresh_from_db()
    assert connection.last_refreshed_at is not None
    assert len(fake_whatnot.token_requests()) == 1


@pytest.mark.django_db
def test_connection_task_twice_refreshes_once(fake_whatnot):
    connection = issued_connection(fake_whatnot, timedelta(minutes=15))

    refresh_connection_token_task.apply(args=[connection.pk])
    refresh_connection_token_task.apply(args=[connection.pk])

    assert len(fake_whatnot.token_requests()) == 1


@pytest.mark.django_db
def test_connection_task_stops_on_revoked_grant(fake_whatnot):
    connection = issued_connection(fake_whatnot, timedelta(minutes=15))
    fake_whatnot.revoke_refresh_tokens()

    result = refresh_connection_token_task.apply(args=[connection.pk])

    connection.refresh_from_db()
    assert result.successful()
    assert connection.status == WhatnotConnection.Status.NEEDS_RECONNECT


@pytest.mark.django_db
def test_connection_task_ignores_missing_row():
    result = refresh_connection_token_task.apply(args=[424242])

    assert result.successful()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_beat_task_refreshes_through_worker(fake_whatnot):
    expiring = issued_connection(fake_whatnot, timedelta(minutes=12))
    fresh = issued_connection(fake_whatnot, timedelta(hours=1))
    personal = issued_connection(
        fake_whatnot,
        timedelta(minutes=1),
        kind=WhatnotConnection.Kind.PERSONAL,
        refresh_token="",
    )
    broken = issued_connection(
        fake_whatnot,
        timedelta(minutes=1),
        status=WhatnotConnection.Status.NEEDS_RECONNECT,
    )
    from accounts.tasks import refresh_expiring_tokens_task

    with running_worker(
        queues="sync",
        concurrency=1,
        WHATNOT_BASE_URL=fake_whatnot.base_url,
        WHATNOT_CLIENT_ID=CLIENT_ID,
        WHATNOT_CLIENT_SECRET=CLIENT_SECRET,
    ) as worker:
        refresh_expiring_tokens_task.delay()
        wait_until(
            lambda: WhatnotConnection.objects.get(pk=expiring.pk).last_refreshed_at,
            timeout=60,
            message=f"the expiring token was not refreshed:\n{worker.log_text()}",
        )

    refreshed = [r.form["refresh_token"] for r in fake_whatnot.token_requests()]
    assert refreshed == [expiring.refresh_token]
    for untouched in (fresh, personal, broken):
        assert WhatnotConnection.objects.get(pk=untouched.pk).last_refreshed_at is None
