"""Read-only display helpers for raw Whatnot payloads in the admin."""

from __future__ import annotations

import json

from django.utils.html import format_html

# Keys whose values are replaced before a payload is shown; Whatnot payloads
# carry no credentials today, and this keeps it so if one ever does.
SECRET_KEY_PARTS = ("token", "secret", "password", "authorization")
REDACTED = "[redacted]"


def redact(value):
    """Return a copy of a JSON value with every secret-looking key's value
    replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if any(part in str(key).lower() for part in SECRET_KEY_PARTS)
            else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def pretty_json(value) -> str:
    if value in (None, {}, []):
        return "—"
    text = json.dumps(redact(value), indent=2, sort_keys=True, ensure_ascii=False)
    return format_html('<pre class="json-payload">{}</pre>', text)
