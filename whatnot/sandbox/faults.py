"""Fault injection: errors, slow answers, broken bulk results, bad webhooks.

Each kind of fault draws from its own random stream seeded from the fault seed,
so the same run of requests meets the same faults, and adding a webhook fault
does not shift which API request gets a 503.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field, fields

BULK_STATUSES = ("FAILED", "CANCELLED", "COMPLETED_WITH_FAILURES")
# Values allowed in fail_next: an HTTP status or a named fault.
NAMED_FAULTS = ("timeout", "slow", "graphql_error")
FAIL_NEXT_STATUSES = (429, 500, 502, 503, 504)


@dataclass
class FaultSettings:
    """Per-run fault settings. Rates are probabilities between 0 and 1."""

    http_429_rate: float = field(
        default=0.0, metadata={"help": "429 Too Many Requests"}
    )
    http_500_rate: float = field(
        default=0.0, metadata={"help": "500 Internal Server Error"}
    )
    http_502_rate: float = field(default=0.0, metadata={"help": "502 Bad Gateway"})
    http_503_rate: float = field(
        default=0.0, metadata={"help": "503 Service Unavailable"}
    )
    slow_rate: float = field(
        default=0.0, metadata={"help": "answers delayed by slow_seconds"}
    )
    slow_seconds: float = field(
        default=2.0, metadata={"help": "delay of a slow answer, seconds"}
    )
    timeout_rate: float = field(
        default=0.0, metadata={"help": "requests held for timeout_seconds, then 504"}
    )
    timeout_seconds: float = field(
        default=35.0, metadata={"help": "how long a timed-out request is held, seconds"}
    )
    graphql_error_rate: float = field(
        default=0.0, metadata={"help": "HTTP 200 with a GraphQL INTERNAL_SERVER_ERROR"}
    )
    bulk_truncated_rate: float = field(
        default=0.0, metadata={"help": "bulk results whose last line is cut short"}
    )
    bulk_malformed_rate: float = field(
        default=0.0, metadata={"help": "bulk result lines replaced by invalid JSON"}
    )
    bulk_status: str = field(
        default="",
        metadata={
            "help": "force a bulk outcome: FAILED, CANCELLED or COMPLETED_WITH_FAILURES"
        },
    )
    webhook_duplicate_rate: float = field(
        default=0.0, metadata={"help": "webhooks delivered twice"}
    )
    webhook_delay_rate: float = field(
        default=0.0, metadata={"help": "webhooks held back by webhook_delay_seconds"}
    )
    webhook_delay_seconds: float = field(
        default=3.0, metadata={"help": "delay of a held-back webhook, seconds"}
    )
    webhook_out_of_order_rate: float = field(
        default=0.0, metadata={"help": "webhooks sent after the next one"}
    )
    webhook_bad_signature_rate: float = field(
        default=0.0, metadata={"help": "webhooks with a wrong signature"}
    )
    fail_next: list = field(
        default_factory=list,
        metadata={"help": "statuses or named faults for the next API requests"},
    )


RATE_FIELDS = tuple(f.name for f in fields(FaultSettings) if f.name.endswith("_rate"))


class InvalidFault(ValueError):
    pass


def check_settings(settings: FaultSettings) -> None:
    for name in RATE_FIELDS:
        value = getattr(settings, name)
        if not 0.0 <= value <= 1.0:
            raise InvalidFault(f"{name} must be between 0 and 1 (got {value})")
    for name in ("slow_seconds", "timeout_seconds", "webhook_delay_seconds"):
        if getattr(settings, name) < 0:
            raise InvalidFault(f"{name} must be 0 or more")
    if settings.bulk_status and settings.bulk_status not in BULK_STATUSES:
        raise InvalidFault(
            f"bulk_status must be one of {', '.join(BULK_STATUSES)} or empty "
            f"(got {settings.bulk_status!r})"
        )
    for item in settings.fail_next:
        if item not in FAIL_NEXT_STATUSES and item not in NAMED_FAULTS:
            allowed = [*FAIL_NEXT_STATUSES, *NAMED_FAULTS]
            raise InvalidFault(
                f"fail_next items must be one of {allowed} (got {item!r})"
            )


class Faults:
    def __init__(self, settings: FaultSettings | None = None, seed: int = 0):
        self._lock = threading.Lock()
        self.seed = seed
        self.settings = settings or FaultSettings()
        check_settings(self.settings)
        self._streams: dict[str, random.Random] = {}

    def snapshot(self) -> dict:
        with self._lock:
            return {"seed": self.seed, **asdict(self.settings)}

    def update(self, changes: dict) -> dict:
        """Merge changes into the settings; unknown names raise InvalidFault."""
        known = {f.name: f for f in fields(FaultSettings)}
        with self._lock:
            values = asdict(self.settings)
            for name, value in changes.items():
                if name == "seed":
                    continue
                if name not in known:
                    raise InvalidFault(
                        f"unknown fault {name!r}; known faults: {', '.join(known)}"
                    )
                values[name] = coerce(known[name], name, value)
            settings = FaultSettings(**values)
            check_settings(settings)
            self.settings = settings
            if "seed" in changes:
                self.seed = int(changes["seed"])
                self._streams.clear()
        return self.snapshot()

    def reset(self) -> dict:
        with self._lock:
            self.settings = FaultSettings()
            self._streams.clear()
        return self.snapshot()

    def roll(self, kind: str, rate: float) -> bool:
        """Draw from the kind's own stream; True means the fault happens."""
        if rate <= 0:
            return False
        with self._lock:
            stream = self._streams.setdefault(
                kind, random.Random(f"{self.seed}:{kind}")
            )
            return stream.random() < rate

    def pick(self, kind: str, count: int) -> int:
        with self._lock:
            stream = self._streams.setdefault(
                kind, random.Random(f"{self.seed}:{kind}")
            )
            return stream.randrange(count)

    def take_next(self):
        """Pop the next queued fault from fail_next, or None."""
        with self._lock:
            if not self.settings.fail_next:
                return None
            return self.settings.fail_next.pop(0)

    def request_fault(self) -> str | int | None:
        """The fault for one API request: a status code, a named fault or None."""
        queued = self.take_next()
        if queued is not None:
            return queued
        settings = self.settings
        for status in (429, 500, 502, 503):
            if self.roll(f"http_{status}", getattr(settings, f"http_{status}_rate")):
                return status
        if self.roll("timeout", settings.timeout_rate):
            return "timeout"
        if self.roll("slow", settings.slow_rate):
            return "slow"
        if self.roll("graphql_error", settings.graphql_error_rate):
            return "graphql_error"
        return None


def coerce(definition, name: str, value):
    try:
        if definition.type in ("float", float):
            return float(value)
        if definition.type in ("str", str):
            return str(value or "")
        if name == "fail_next":
            return [item if isinstance(item, str) else int(item) for item in value]
    except (TypeError, ValueError) as exc:
        raise InvalidFault(f"{name} has an invalid value {value!r}") from exc
    return value
