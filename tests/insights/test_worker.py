"""A summary request queued from a page and written by a real Celery worker."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from research.insights.models import SummaryReport
from tests.fixtures.openai_server import grounded, rate_limited
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
def test_worker_retries_a_rate_limit_and_stores_the_report(
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
