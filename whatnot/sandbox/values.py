"""Global ids, timestamps and money as the Seller API writes them."""

from __future__ import annotations

import base64
import binascii
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class InvalidGlobalId(ValueError):
    pass


def global_id(type_name: str, number: int) -> str:
    return base64.b64encode(f"{type_name}:{number}".encode()).decode()


def parse_global_id(value: str, *expected_types: str) -> tuple[str, int]:
    """Decode base64 "Type:number"; raise InvalidGlobalId naming the value."""
    try:
        decoded = base64.b64decode(str(value).encode(), validate=True).decode()
        type_name, number = decoded.split(":", 1)
        pk = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidGlobalId(
            f'{value!r} is not a valid global id (base64 of "Type:number")'
        ) from exc
    if expected_types and type_name not in expected_types:
        wanted = " or ".join(expected_types)
        raise InvalidGlobalId(f"{value!r} is a {type_name} id, expected a {wanted} id")
    return type_name, pk


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(value: str) -> datetime:
    """Parse ISO 8601; a value without a UTC offset is rejected."""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset; add Z or +00:00")
    return moment.astimezone(UTC)


def normalize_timestamp(value: str) -> str:
    """Return the stored form of an ISO 8601 value, which sorts as text."""
    return format_timestamp(parse_timestamp(value))


class Clock:
    """Hand out strictly increasing UTC timestamps.

    Two changes never share an updatedAt, so a client that asks for
    ``updatedAt > last seen`` never misses one written in the same microsecond.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        with self._lock:
            moment = datetime.now(UTC)
            if moment <= self._last:
                moment = self._last + timedelta(microseconds=1)
            self._last = moment
            return moment

    def now_text(self) -> str:
        return format_timestamp(self.now())


def money(cents: int | None, currency: str) -> dict | None:
    """GraphQL Money: integer cents."""
    if cents is None:
        return None
    return {"amount": int(cents), "currency": currency}


def webhook_money(cents: int | None, currency: str) -> dict | None:
    """Webhook money: a decimal string in major units, e.g. "185.00"."""
    if cents is None:
        return None
    amount = (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
    return {"amount": str(amount), "currency": currency}
