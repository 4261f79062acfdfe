"""Logging helpers shared by every process."""

from __future__ import annotations

import logging
import re

# Whatnot tokens, bearer headers, OpenAI keys and Fernet-encrypted blobs.
SECRET_PATTERNS = [
    re.compile(r"wn_(?:access|refresh|pat)_tk_[A-Za-z0-9_\-]+"),
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]+"),
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"gAAAAA[A-Za-z0-9_\-=]{20,}"),
    re.compile(r"(?i)(refresh_token|access_token|client_secret|password)=[^&\s]+"),
]
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Replace anything shaped like a credential with a fixed marker."""
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Last line of defence: code never logs a token on purpose, and this filter
    masks one that reaches a log record through an exception message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text = str(exc)
            if redact(text) != text:
                record.exc_text = redact(
                    logging.Formatter().formatException(record.exc_info)
                )
        return True
