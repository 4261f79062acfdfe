"""A summary request queued from a page and written by a real Celery worker."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from research.insights.models import SummaryReport
from research.tasks.insights import generate_summary_task
from tests.fixtures.openai_server import completion, grounded, rate_limited, slow
from tests.fixtures.processes import running_worker, wait_until
from tests.insights.conftest import build_market, claims_505


def worker_env(server) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": server.api_key,
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_MODEL": server.model,
        "OPENAI_TIMEOUT": "10",
        "OPENAI_RETRY_BACKOFF": "0.5",
    }


@pytest.mark.slow
def test_worker_retries_rate_limit(
    transactional_db, client, analyst, openai_settings, openai_server
):
    build_market(timezone.now())
    openai_server.script(rate_limited(), grounded(claims_505))
    client.force_login(analyst)

    with running_worker(queues="insights", **worker_env(openai_server)) as worker:
        response = client.post(
            reverse("research:summarize"),
            {"brand": "levis", "lot": "505", "decade": "1990s"},
        )
        report = SummaryReport.objects.get()
        wait_until(
            lambda: SummaryReport.objects.get(pk=report.pk).is_finished,
            timeout=90,
            message="the worker never finished the report:\n"
            + worker.log_text()[-3000:],
        )
        log = worker.log_text()

    report.refresh_from_db()
    assert response.status_code == 302
    assert report.status == SummaryReport.Status.SUCCEEDED, report.error
    assert len(report.claims) == 3
    assert report.attempts == 2
    assert len(openai_server.requests) == 2
    assert "rate limit was reached (429). Retrying in" in log
    assert openai_server.api_key not in log


@pytest.mark.slow
def test_worker_fails_report_at_time_limit(
    transactional_db, openai_settings, openai_server
):
    build_market(timezone.now())
    report = SummaryReport.objects.create(
        scope=SummaryReport.Scope.MARKET, filters={"brand": "levis", "days": 7}
    )
    openai_server.script(slow(completion([]), 6))

    with running_worker(queues="insights", **worker_env(openai_server)) as worker:
        # The sender's limits travel in the message and win over the worker's.
        generate_summary_task.apply_async(
            args=[report.pk], soft_time_limit=2, time_limit=30
        )
        wait_until(
            lambda: SummaryReport.objects.get(pk=report.pk).is_finished,
            timeout=60,
            message="the worker never finished the report:\n"
            + worker.log_text()[-3000:],
        )

    report.refresh_from_db()
    assert report.status == SummaryReport.Status.FAILED
    assert report.error.startswith(
        "Writing the summary took longer than the task time limit"
    )
    assert report.claims == []
