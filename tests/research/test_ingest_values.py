"""Value parsing and the adapters that prepare rows for the upsert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from research.ingest.values import RowError, parse_cents
from research.ingest.writer import money_adapter, time_adapter

TIMES = [
    datetime(2026, 2, 4, 10, 0, tzinfo=UTC),
    datetime(2026, 2, 4, 10, 0, 0, 123456, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 2, 4, 10, 0, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 7, 1, 8, 30, tzinfo=ZoneInfo("Europe/Paris")),
    None,
]


@pytest.mark.parametrize("value", TIMES)
def test_time_adapter_matches_django(db, value):
    expected = connection.ops.adapt_datetimefield_value(value)

    assert time_adapter()(value) == expected


@pytest.mark.parametrize("value", [Decimal("351.00"), Decimal("0.05"), None])
def test_money_adapter_stores_same_amount(db, value):
    adapted = money_adapter()(value)

    if connection.vendor == "sqlite":
        # Django has the sqlite3 module bind a Decimal as its text.
        assert adapted == (None if value is None else str(value))
    else:
        assert adapted is value


@pytest.mark.parametrize(
    ("cents", "amount"),
    [
        (35100, "351.00"),
        (5, "0.05"),
        (0, "0.00"),
        (10**12 - 1, "9999999999.99"),
        ("35100", "351.00"),
    ],
)
def test_parse_cents_gives_exact_amount(cents, amount):
    parsed = parse_cents(cents, "price")

    assert str(parsed) == amount
    assert parsed.as_tuple() == Decimal(amount).as_tuple()


@pytest.mark.parametrize(
    ("cents", "message"),
    [
        (10**12, "amount too large"),
        (-1, "an amount of 0 or more"),
        (True, "expected whole cents"),
        (12.5, "expected whole cents"),
    ],
)
def test_parse_cents_rejects_bad_value(cents, message):
    with pytest.raises(RowError, match=message):
        parse_cents(cents, "price")
