"""Parse source values: money as Decimal, aware datetimes, flags and text.

Each parser raises RowError with a message that names the field, shows the
value and states what was expected, so the run report can print it as is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_datetime

MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
# Whole cents below this fit a column of MONEY_MAX_DIGITS digits.
_CENTS_LIMIT = 10**MONEY_MAX_DIGITS
_MAX_SHOWN = 60

_MONEY_NOISE = re.compile(r"^(?:usd|us\s?\$|\$)\s*|\s*(?:usd)$", re.IGNORECASE)
_TRUE = frozenset({"true", "1", "yes", "y", "t", "sold"})
_FALSE = frozenset({"false", "0", "no", "n", "f", ""})
# Trailing zone names that eBay's reports print after the time.
_ZONE_OFFSETS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "CST": -6,
    "CDT": -5,
    "EST": -5,
    "EDT": -4,
}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%b-%d-%y",
    "%b-%d-%y %H:%M:%S",
    "%b-%d-%Y",
    "%b-%d-%Y %H:%M:%S",
    "%d %b %Y",
)


class RowError(ValueError):
    """A source row that cannot be stored; the message gives the reason."""


def shown(value) -> str:
    """Return `value` quoted and shortened for an error message."""
    text = str(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return repr(text)


def parse_money(value, field: str) -> Decimal | None:
    """Parse "25", "25.5", "$1,234.50", "USD 25" or a JSON number exactly.

    Returns None for an empty value. Raises RowError for anything else that is
    not a non-negative amount with at most two decimal places.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise RowError(f"invalid {field} {shown(value)}: expected an amount")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = _MONEY_NOISE.sub("", str(value).strip()).replace(",", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise RowError(
                f"invalid {field} {shown(value)}: expected an amount such as "
                "25 or 1234.50"
            ) from None
    return _checked_amount(amount, value, field)


def _checked_amount(amount: Decimal, value, field: str) -> Decimal:
    if not amount.is_finite() or amount < 0:
        raise RowError(
            f"invalid {field} {shown(value)}: expected an amount of 0 or more"
        )
    # Check the size first: rounding an amount such as 1e9999 to cents would
    # raise decimal.InvalidOperation instead of a RowError.
    if amount.adjusted() + 1 + MONEY_DECIMAL_PLACES > MONEY_MAX_DIGITS:
        raise RowError(
            f"invalid {field} {shown(value)}: amount too large; the maximum is "
            f"{MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES} digits before the point"
        )
    exponent = amount.as_tuple().exponent
    too_precise = isinstance(exponent, int) and exponent < -MONEY_DECIMAL_PLACES
    if too_precise and amount != amount.quantize(Decimal("0.01")):
        raise RowError(
            f"invalid {field} {shown(value)}: more than "
            f"{MONEY_DECIMAL_PLACES} decimal places"
        )
    amount = amount.quantize(Decimal("0.01"))
    if len(amount.as_tuple().digits) > MONEY_MAX_DIGITS:
        raise RowError(f"invalid {field} {shown(value)}: amount too large")
    return amount


def parse_cents(value, field: str) -> Decimal | None:
    """Parse an integer number of cents (the Seller API's Money.amount)."""
    if type(value) is int and 0 <= value < _CENTS_LIMIT:
        # An int in range gives what the checks below would return.
        return Decimal(value).scaleb(-MONEY_DECIMAL_PLACES)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"invalid {field} {shown(value)}: expected whole cents")
    try:
        cents = Decimal(str(value))
    except InvalidOperation:
        raise RowError(
            f"invalid {field} {shown(value)}: expected whole cents"
        ) from None
    if cents != cents.to_integral_value():
        raise RowError(f"invalid {field} {shown(value)}: expected whole cents")
    return _checked_amount(cents / 100, value, field)


def parse_when(value, field: str) -> datetime | None:
    """Parse an ISO-8601 time or date, or a date format eBay reports use.

    Returns an aware datetime; a time without a zone is taken as UTC and a date
    as midnight UTC. None for an empty value.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _in_utc_range(
            value if value.tzinfo else value.replace(tzinfo=UTC), value, field
        )
    text = str(value).strip()
    if not text:
        return None
    parsed = _parse_iso(text)
    if parsed is None:
        parsed = _parse_report_date(text)
    if parsed is None:
        raise RowError(
            f"invalid {field} {shown(value)}: expected an ISO-8601 date or time "
            "such as 2024-03-04 or 2024-03-04T10:00:00Z"
        )
    return _in_utc_range(parsed, value, field)


def _in_utc_range(parsed: datetime, value, field: str) -> datetime:
    """Return `parsed` if it converts to UTC, or raise RowError.

    A time near year 1 or year 9999 with a zone offset can fall outside the
    years that datetime supports once it is converted to UTC for storage.
    """
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise RowError(
            f"invalid {field} {shown(value)}: the time falls outside years 1 to "
            "9999 in UTC; check the date"
        ) from None
    return parsed


def _parse_iso(text: str) -> datetime | None:
    try:
        # The standard library's parser is the fast path for clean ISO text.
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = parse_datetime(text.replace(" UTC", "Z"))
        except ValueError:
            parsed = None
    if parsed is None and len(text) == 10:
        try:
            parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_report_date(text: str) -> datetime | None:
    offset = 0
    head, _, zone = text.rpartition(" ")
    if head and zone.upper() in _ZONE_OFFSETS:
        offset = _ZONE_OFFSETS[zone.upper()]
        text = head
    for date_format in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, date_format)
        except ValueError:
            continue
        try:
            return (parsed - timedelta(hours=offset)).replace(tzinfo=UTC)
        except OverflowError:
            return None
    return None


def parse_flag(value, field: str) -> bool:
    """Parse true/false, 1/0, yes/no; an empty value is False."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(f"invalid {field} {shown(value)}: expected true or false")


def text_value(value) -> str:
    """Return a source value as stripped text; None becomes ""."""
    if value is None:
        return ""
    return str(value).strip()


def required_text(value, field: str, max_length: int) -> str:
    """Return non-empty text of at most `max_length` characters or raise."""
    text = text_value(value)
    if not text:
        raise RowError(f"missing {field}")
    if len(text) > max_length:
        raise RowError(
            f"{field} is {len(text)} characters long; the maximum is {max_length}"
        )
    return text


def clipped(value, max_length: int, field: str, extra: dict) -> str:
    """Return text cut to `max_length`, keeping the full value in extra."""
    text = text_value(value)
    if len(text) > max_length:
        extra.setdefault("full_values", {})[field] = text
        return text[:max_length]
    return text
