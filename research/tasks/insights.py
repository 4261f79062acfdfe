"""Celery tasks for AI market summaries (queue "insights")."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.db import transaction
from django.utils import timezone

from research.insights.client import TransientModelError
from research.insights.filters import FilterError, parse_filters
from research.insights.models import SummaryReport, TrackedCohort
from research.insights.service import (
    create_report,
    finish,
    give_up,
    retry_delay,
    run_report,
)

logger = get_task_logger(__name__)

TIME_LIMIT_MESSAGE = (
    "Writing the summary took longer than the task time limit "
    "(CELERY_TASK_SOFT_TIME_LIMIT); request it again later."
)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def generate_summary_task(self, report_id: int) -> None:
    """Write one summary report.

    Safe to run twice: a finished report is left alone, and a report whose
    worker died mid-run is run again from its stored bundle. Rate limits,
    timeouts, connection and server errors are retried with backoff (see
    research.insights.service.retry_delay); every other failure is final, and
    so is the soft time limit. An unexpected exception marks the report failed
    with its message.
    """
    report = SummaryReport.objects.filter(pk=report_id).first()
    if report is None:
        logger.info("Summary report %s is gone; nothing to do", report_id)
        return
    try:
        run_report(report)
    except (SoftTimeLimitExceeded, TransientModelError) as exc:
        if _hit_time_limit(exc):
            logger.warning("Summary report %s hit the soft time limit", report_id)
            finish(report, SummaryReport.Status.FAILED, error=TIME_LIMIT_MESSAGE)
            return
        delay = retry_delay(exc, self.request.retries)
        if delay is None:
            logger.warning(
                "Summary report %s failed after %d retries: %s",
                report_id,
                self.request.retries,
                exc,
            )
            give_up(report, exc, self.request.retries)
            return
        logger.warning(
            "Summary report %s: %s Retrying in %.1f s", report_id, exc, delay
        )
        raise self.retry(exc=exc, countdown=delay) from exc
    except Exception as exc:
        # Any other error is likely a bug or invalid stored data, so a retry would
        # fail the same way. Store it so the page stops showing the report as running.
        logger.exception("Summary report %s failed unexpectedly", report_id)
        finish(
            report,
            SummaryReport.Status.FAILED,
            error=f"Writing the summary failed with an unexpected error: "
            f"{type(exc).__name__}: {exc}. Check the report's filters and "
            "request it again; if it fails again, report it to the developers.",
        )


@shared_task(ignore_result=True)
def summarize_tracked_cohorts_task() -> None:
    """Queue this week's summary for every active tracked cohort.

    Safe to run twice: a cohort that already has a report created in the last
    6 days gets no second one.
    """
    since = timezone.now() - timedelta(days=6)
    for cohort in TrackedCohort.objects.filter(active=True):
        with transaction.atomic():
            locked = TrackedCohort.objects.select_for_update().get(pk=cohort.pk)
            if locked.reports.filter(created_at__gte=since).exists():
                continue
            try:
                filters = parse_filters(locked.filters)
            except FilterError as exc:
                logger.warning(
                    "Tracked cohort %s has invalid filters: %s", cohort.pk, exc
                )
                continue
            report = create_report(
                scope=SummaryReport.Scope.MARKET,
                filters=filters,
                tracked_cohort=locked,
            )
        logger.info(
            "Queued weekly summary report %s for tracked cohort %s",
            report.pk,
            cohort.pk,
        )


def _hit_time_limit(exc: BaseException) -> bool:
    """Return whether the soft time limit caused this error. The openai client
    reports an exception raised during a request as a connection error, so the
    limit can arrive wrapped."""
    seen = exc
    while seen is not None:
        if isinstance(seen, SoftTimeLimitExceeded):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
