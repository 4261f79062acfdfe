"""The OpenAI call, through the official client, and what its failures mean.

Any OpenAI-compatible server works: the base URL comes from OPENAI_BASE_URL.
The client's own retries are off (max_retries=0) so that the Celery task alone
decides when to try again; see research.insights.service.retry_delay.
"""

from __future__ import annotations

from dataclasses import dataclass

import openai
from django.conf import settings

from config.logging import redact

from .prompt import RESPONSE_FORMAT

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
CONNECT_TIMEOUT = 10.0
OFF_MESSAGE = (
    "AI summaries are off because no OpenAI API key is configured. To turn them "
    "on, set OPENAI_API_KEY in the environment of the web and worker processes "
    "and restart them."
)


class SummaryError(Exception):
    """A summary that could not be written; the message is shown to users."""


class SummariesOff(SummaryError):
    def __init__(self) -> None:
        super().__init__(OFF_MESSAGE)


class PermanentModelError(SummaryError):
    """A failure that trying again will not fix: quota, key, model, request."""


class PromptTooLarge(SummaryError):
    pass


class TransientModelError(SummaryError):
    """A failure that may pass: rate limit, timeout, connection, server error."""

    def __init__(self, message: str, kind: str, retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after


@dataclass
class ModelReply:
    text: str
    refusal: str | None
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


def summaries_enabled() -> bool:
    return bool(settings.OPENAI_API_KEY)


def base_url() -> str:
    return settings.OPENAI_BASE_URL or OPENAI_DEFAULT_BASE_URL


def call_model(messages: list[dict]) -> ModelReply:
    """Send one chat completion request for JSON claims.

    Raises SummariesOff without a key, TransientModelError for what may pass
    and PermanentModelError for what will not.
    """
    if not summaries_enabled():
        raise SummariesOff()
    timeout = openai.Timeout(
        settings.OPENAI_TIMEOUT, connect=min(CONNECT_TIMEOUT, settings.OPENAI_TIMEOUT)
    )
    with openai.OpenAI(
        api_key=settings.OPENAI_API_KEY,
        base_url=base_url(),
        timeout=timeout,
        max_retries=0,
    ) as client:
        try:
            completion = client.chat.completions.create(
                model=settings.OPENAI_MODEL,
                messages=messages,
                response_format=RESPONSE_FORMAT,
            )
        except openai.APIError as exc:
            raise translate_error(exc) from exc
    if not completion.choices:
        raise PermanentModelError("The model's reply has no choices.")
    choice = completion.choices[0]
    usage = completion.usage
    return ModelReply(
        text=choice.message.content or "",
        refusal=getattr(choice.message, "refusal", None),
        finish_reason=choice.finish_reason,
        prompt_tokens=usage.prompt_tokens if usage else 0,
        completion_tokens=usage.completion_tokens if usage else 0,
    )


def translate_error(exc: openai.APIError) -> SummaryError:
    """Map an OpenAI client error to a transient or permanent summary error."""
    model = settings.OPENAI_MODEL
    if isinstance(exc, openai.APITimeoutError):
        return TransientModelError(
            f"The model did not reply within {settings.OPENAI_TIMEOUT:g} s "
            "(OPENAI_TIMEOUT).",
            kind="timeout",
        )

    if isinstance(exc, openai.APIConnectionError):
        return TransientModelError(
            f"Could not connect to the model server at {base_url()}.",
            kind="connection",
        )

    if isinstance(exc, openai.RateLimitError):
        if "insufficient_quota" in (exc.code, exc.type):
            return PermanentModelError(
                "The OpenAI account has no quota left (insufficient_quota). Add "
                "credit or raise the usage limit in the account's billing "
                "settings, then request the summary again."
            )
        return TransientModelError(
            "The model server's rate limit was reached (429).",
            kind="rate_limit",
            retry_after=_retry_after(exc),
        )

    if isinstance(exc, openai.AuthenticationError):
        return PermanentModelError(
            f"The model server at {base_url()} rejected the API key (401). Set a "
            "valid OPENAI_API_KEY and restart the web and worker processes."
        )

    if isinstance(exc, openai.PermissionDeniedError):
        return PermanentModelError(
            f"The API key may not use model {model!r} (403). Set OPENAI_MODEL to "
            "a model the key's project can use."
        )

    if isinstance(exc, openai.NotFoundError):
        return PermanentModelError(
            f"Model {model!r} was not found at {base_url()} (404). Set "
            "OPENAI_MODEL to a model this server offers."
        )

    if isinstance(exc, openai.InternalServerError):
        return TransientModelError(
            f"The model server failed with status {exc.status_code}.", kind="server"
        )

    status = getattr(exc, "status_code", None)
    detail = exc.body.get("message") if isinstance(exc.body, dict) else None
    return PermanentModelError(
        f"The model server rejected the request (status {status}, code "
        f"{exc.code or 'none'}): {redact(str(detail or exc.message))[:300]}"
    )


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        if "retry-after" in headers:
            return float(headers["retry-after"])
    except ValueError:
        return None
    return None
