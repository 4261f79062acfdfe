"""Parsing of webhook envelopes: ``{id, timestamp, topic, object}``.

Parsing is lenient where Whatnot's format is not documented (the timestamp may
be an ISO 8601 string or epoch seconds, the id a string or a number, the object
any JSON value) and strict where a value is needed to store the event at all
(an id and a topic). Each topic's handler checks its own payload.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_EVENT_ID_LENGTH = 255
MAX_TOPIC_LENGTH = 100
MAX_SELLER_ID_LENGTH = 128

# Keys that carry buyer details in order and shipment payloads. They are
# removed, at any depth, before a body is stored.
BUYER_DETAIL_KEYS = frozenset(
    {
        "customer",
        "buyer",
        "shipping_address",
        "destination_address",
        "tracking_info",
        "label_url",
    }
)


class InvalidEnvelope(Exception):
    """A verified body that is not a usable webhook envelope."""

    def __init__(self, message: str, topic: str = ""):
        super().__init__(message)
        self.topic = topic


@dataclass(frozen=True, slots=True)
class Envelope:
    event_id: str
    topic: str
    timestamp: datetime | None
    seller_whatnot_id: str
    # The whole decoded body; its "object" is the topic's payload.
    data: dict

    @property
    def payload(self):
        return self.data.get("object")


def invalid_event_id(body: bytes) -> str:
    """Return the synthetic event id of an invalid body: equal bodies share it."""
    return "invalid:" + hashlib.sha256(body).hexdigest()


def parse_timestamp(value) -> datetime | None:
    """Return an aware datetime for an ISO 8601 string or epoch seconds, or None
    when the value is missing or unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        # A time near year 1 or 9999 with an offset can fall outside
        # datetime's range once converted to UTC, which the database stores.
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


def _identifier(value, name: str, max_length: int, required: bool) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        if required:
            raise InvalidEnvelope(f"the envelope has no {name!r}; it is required")
        return ""
    if not isinstance(value, str):
        raise InvalidEnvelope(
            f"the envelope's {name!r} is a {type(value).__name__}; a string is required"
        )
    if "\x00" in value:
        raise InvalidEnvelope(f"the envelope's {name!r} contains a NUL character")
    try:
        value.encode()
    except UnicodeEncodeError as exc:
        # JSON can escape half of a UTF-16 surrogate pair, which no database
        # column can store.
        raise InvalidEnvelope(
            f"the envelope's {name!r} contains an unpaired surrogate "
            f"({value[exc.start]!a}) at character {exc.start}"
        ) from None
    if len(value) > max_length:
        raise InvalidEnvelope(
            f"the envelope's {name!r} is {len(value)} characters long; "
            f"the maximum is {max_length}"
        )
    return value


def parse_envelope(body: bytes, header_seller_id: str = "") -> Envelope:
    """Parse a verified body into an Envelope, or raise InvalidEnvelope.

    The seller comes from the envelope's ``seller_id`` when present, because the
    envelope is covered by the signature, and otherwise from the
    X-Whatnot-Seller-Id header value passed in.
    """
    try:
        # JSON over HTTP is UTF-8; json.loads would also guess UTF-16 or UTF-32
        # from raw bytes.
        text = body.decode()
    except UnicodeDecodeError as exc:
        raise InvalidEnvelope(
            f"the body is not UTF-8: {exc.reason} at byte {exc.start}"
        ) from exc
    try:
        data = json.loads(text)
    except RecursionError:
        raise InvalidEnvelope("the body nests JSON too deeply to parse") from None
    except ValueError as exc:
        raise InvalidEnvelope(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidEnvelope(
            f"the body is a JSON {type(data).__name__}; a JSON object with id, "
            "timestamp, topic and object is required"
        )
    topic = _identifier(data.get("topic"), "topic", MAX_TOPIC_LENGTH, required=True)
    try:
        event_id = _identifier(data.get("id"), "id", MAX_EVENT_ID_LENGTH, required=True)
        seller = _identifier(
            data.get("seller_id"), "seller_id", MAX_SELLER_ID_LENGTH, required=False
        )
    except InvalidEnvelope as exc:
        raise InvalidEnvelope(str(exc), topic=topic) from None
    if not seller and header_seller_id and len(header_seller_id) <= 128:
        seller = header_seller_id
    return Envelope(
        event_id=event_id,
        topic=topic,
        timestamp=parse_timestamp(data.get("timestamp")),
        seller_whatnot_id=seller,
        data=data,
    )


def _strip_buyer_details(value) -> bool:
    # A loop over a stack rather than recursion: json.loads accepts nesting
    # deeper than the Python frames left below a Django view.
    removed = False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in BUYER_DETAIL_KEYS.intersection(item):
                del item[key]
                removed = True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return removed


def redact_buyer_details(envelope: Envelope, body: bytes) -> tuple[bytes, bool]:
    """Return the body to store and whether buyer details were removed from it.

    The envelope's data is changed in place. Only the payload is searched, so
    an envelope key never disappears.
    """
    if not _strip_buyer_details(envelope.payload):
        return body, False
    try:
        redacted = json.dumps(envelope.data, separators=(",", ":"))
    except RecursionError:
        raise InvalidEnvelope(
            "the body nests JSON too deeply to store", topic=envelope.topic
        ) from None
    return redacted.encode(), True
