"""Logging helpers shared by every process."""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

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


class SecretSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's error-report filter, extended to undecorated frames.

    Besides variables marked with sensitive_variables, it hides every frame
    variable whose name looks like a credential (allauth's OAuth frames hold
    ``access_token`` and ``token``), and masks credential-shaped text in the
    repr of the others. Like Django's filter, it is off while DEBUG is on.
    """

    secret_names = re.compile(
        r"token|secret|password|passwd|authorization|api_?key|credential", re.I
    )

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [
            (name, self._cleanse_variable(name, value)) for name, value in variables
        ]

    def _cleanse_variable(self, name: str, value):
        if value == self.cleansed_substitute:
            return value
        if self.secret_names.search(name):
            return self.cleansed_substitute
        try:
            text = repr(value)
        except Exception:  # a broken __repr__ must not break the report
            return value
        cleaned = redact(text)
        return cleaned if cleaned != text else value
