"""Writing one summary report: bundle, trim, call, check, retry once, store.

run_report() makes one pass. It stores every outcome that is final (succeeded,
failed, off) and raises TransientModelError for a failure that may pass, so the
caller (the Celery task or the summarize_market command) can wait and call it
again. retry_delay() returns how long to wait, or None when the retries are
used up.
"""

from __future__ import annotations

import json
import logging
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .bundle import build_market_bundle, build_seller_bundle
from .checks import CheckResult, check_reply
from .client import (
    OFF_MESSAGE,
    ModelReply,
    PermanentModelError,
    PromptTooLarge,
    TransientModelError,
    call_model,
    summaries_enabled,
)
from .models import SummaryReport
from .prompt import PROMPT_VERSION, build_messages, build_retry_messages
from .trimming import estimate_tokens, prompt_token_limit, trim_bundle

logger = logging.getLogger(__name__)

MAX_BACKOFF = 600.0


def create_report(**fields) -> SummaryReport:
    """Create a queued report and queue its task when the transaction commits."""
    from research.tasks.insights import generate_summary_task

    report = SummaryReport.objects.create(**fields)
    transaction.on_commit(lambda: generate_summary_task.delay(report.pk))
    return report


def build_bundle(report: SummaryReport) -> dict:
    if report.scope == SummaryReport.Scope.SELLER:
        return build_seller_bundle(report.seller, report.days, report.as_of)
    return build_market_bundle(report.filters, report.as_of)


def run_report(report: SummaryReport) -> None:
    """Make one pass at a report; see the module docstring for the contract."""
    if report.is_finished:
        return
    _mark_running(report)
    if not report.bundle:
        report.bundle = build_bundle(report)
        report.save(update_fields=["bundle"])
    if not summaries_enabled():
        finish(report, SummaryReport.Status.OFF, error=OFF_MESSAGE)
        return
    try:
        sent = trim_bundle(report.bundle)
    except PromptTooLarge as exc:
        finish(report, SummaryReport.Status.FAILED, error=str(exc))
        return
    report.bundle = sent
    report.model = settings.OPENAI_MODEL
    report.prompt_version = PROMPT_VERSION
    report.save(update_fields=["bundle", "model", "prompt_version"])
    try:
        _write_claims(report, sent)
    except (PermanentModelError, PromptTooLarge) as exc:
        logger.warning("Summary report %s failed: %s", report.pk, exc)
        finish(report, SummaryReport.Status.FAILED, error=str(exc))


def _write_claims(report: SummaryReport, bundle: dict) -> None:
    messages = build_messages(bundle)
    reply = _call(report, messages)
    result = check_model_reply(reply, bundle)
    if result.passed:
        finish(report, SummaryReport.Status.SUCCEEDED, claims=result.claims)
        return
    logger.info(
        "Summary report %s: reply failed the check with %d errors; retrying once",
        report.pk,
        len(result.errors),
    )
    retry_messages = build_retry_messages(messages, reply.text, result.errors)
    if estimate_tokens(retry_messages) > prompt_token_limit():
        raise PromptTooLarge(
            "The reply failed the claim check, and the retry prompt would exceed "
            f"OPENAI_PROMPT_TOKEN_LIMIT={prompt_token_limit()}. First errors: "
            + "; ".join(result.errors[:3])
        )
    retry = _call(report, retry_messages)
    retry_result = check_model_reply(retry, bundle)
    if retry_result.passed:
        finish(report, SummaryReport.Status.SUCCEEDED, claims=retry_result.claims)
        return
    finish(
        report,
        SummaryReport.Status.FAILED,
        error="The model's reply failed the claim check twice:\n"
        + "\n".join(f"- {error}" for error in retry_result.errors),
        rejected_reply=_parsed_or_text(retry.text),
    )


def _call(report: SummaryReport, messages: list[dict]) -> ModelReply:
    report.attempts += 1
    report.save(update_fields=["attempts"])
    reply = call_model(messages)
    report.prompt_tokens += reply.prompt_tokens
    report.completion_tokens += reply.completion_tokens
    report.save(update_fields=["prompt_tokens", "completion_tokens"])
    if reply.refusal:
        raise PermanentModelError(
            f"The model refused to write the summary: {reply.refusal}"
        )
    return reply


def check_model_reply(reply: ModelReply, bundle: dict) -> CheckResult:
    if reply.finish_reason == "length":
        return CheckResult(
            errors=["The reply was cut off at the completion token limit."]
        )
    try:
        parsed = json.loads(reply.text)
    except ValueError as exc:
        return CheckResult(errors=[f"The reply is not valid JSON ({exc})."])
    return check_reply(parsed, bundle)


def _parsed_or_text(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return {"text": text[:5000]}


def _mark_running(report: SummaryReport) -> None:
    report.status = SummaryReport.Status.RUNNING
    report.started_at = report.started_at or timezone.now()
    report.save(update_fields=["status", "started_at"])


def finish(report: SummaryReport, status: str, **fields) -> None:
    report.status = status
    report.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    logger.info("Summary report %s finished: %s", report.pk, status)


def retry_delay(
    error: TransientModelError, retries_done: int, backoff: float | None = None
) -> float | None:
    """Return the seconds to wait before the next try, or None when the retries
    for this kind of failure are used up.

    Rate limits get OPENAI_RATE_LIMIT_RETRIES tries, everything else (timeouts,
    connection and server errors) OPENAI_TIMEOUT_RETRIES. The wait doubles each
    time from OPENAI_RETRY_BACKOFF, honours a longer Retry-After, adds up to 10%
    jitter and stops growing at 10 minutes.
    """
    if error.kind == "rate_limit":
        limit = settings.OPENAI_RATE_LIMIT_RETRIES
    else:
        limit = settings.OPENAI_TIMEOUT_RETRIES
    if retries_done >= limit:
        return None
    base = settings.OPENAI_RETRY_BACKOFF if backoff is None else backoff
    delay = min(base * 2**retries_done, MAX_BACKOFF)
    if error.retry_after:
        delay = min(max(delay, error.retry_after), MAX_BACKOFF)
    return delay + random.uniform(0, delay / 10)


def give_up(report: SummaryReport, error: TransientModelError, retries: int) -> None:
    """Store a report as failed after its last transient failure."""
    finish(
        report,
        SummaryReport.Status.FAILED,
        error=f"{error} Gave up after {retries + 1} tries; request the summary "
        "again later.",
    )
