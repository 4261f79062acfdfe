"""Summaries in a real Chromium: request, watch it run, read the report, and the
page shown when AI summaries are off."""

from __future__ import annotations

import pytest
from django.utils import timezone

from research.cohorts import rebuild_summaries
from research.insights.models import SummaryReport
from research.tasks.insights import generate_summary_task
from tests.fixtures.browser import log_in
from tests.fixtures.openai_server import grounded
from tests.fixtures.processes import running_worker
from tests.insights.conftest import FILTERS_505, build_market, claims_505
from tests.insights.test_worker import worker_env

OFF_TEXT = "AI summaries are off because no OpenAI API key is configured."
PASSWORD = "correct-horse-battery-staple"


@pytest.mark.browser
@pytest.mark.slow
def test_analyst_summarizes_cohort_dashboard(
    page, live_server, analyst, openai_settings, openai_server
):
    market = build_market(timezone.now())
    rebuild_summaries()
    top_sale = market["505_period"][2]
    openai_server.script(grounded(claims_505))
    log_in(page, live_server.url, analyst.username, PASSWORD)

    with running_worker(queues="insights", **worker_env(openai_server)):
        page.goto(
            f"{live_server.url}/research/cohorts/?brand=levis&lot=505&decade=1990s"
        )
        page.get_by_role("button", name="Summarize this view").click()
        page.get_by_text("Writing the summary.").wait_for()
        claims = page.locator(".summarize-result .claim")
        claims.first.wait_for(timeout=60_000)

    assert claims.count() == 3
    assert "3 pairs sold this week" in claims.nth(0).inner_text()
    page.locator(".summarize-result .report-status a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == (
        "Market: brand levis, lot 505, decade 1990s"
    )
    assert page.locator(".badge-succeeded").inner_text() == "Succeeded"
    second = page.locator(".claim").nth(1)
    assert "The median sold price rose to $120.00" in second.inner_text()
    assert "Median sold price, this period" in second.inner_text()
    assert "120.00 USD" in second.inner_text()
    link = page.locator(".claim").nth(2).get_by_role("link")
    assert link.inner_text() == f"ebay:{top_sale.external_id}"
    assert link.get_attribute("href") == top_sale.url
    report = SummaryReport.objects.get()
    assert report.status == SummaryReport.Status.SUCCEEDED
    assert report.requested_by == analyst


@pytest.mark.browser
def test_pages_say_summaries_are_off_without_a_key(
    page, live_server, analyst, settings
):
    settings.OPENAI_API_KEY = ""
    build_market(timezone.now())
    report = SummaryReport.objects.create(
        scope=SummaryReport.Scope.MARKET, filters=FILTERS_505, requested_by=analyst
    )
    generate_summary_task.apply(args=[report.pk])
    log_in(page, live_server.url, analyst.username, PASSWORD)

    page.goto(f"{live_server.url}/research/summaries/?brand=levis")
    off_notice = page.locator(".summarize .summaries-off")
    assert off_notice.inner_text().startswith(OFF_TEXT)
    assert page.get_by_role("button", name="Summarize this view").count() == 0

    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    assert page.locator(".badge-off").inner_text() == "AI summaries off"
    assert (
        "set OPENAI_API_KEY in the environment"
        in page.locator(".summaries-off").inner_text()
    )
    assert page.locator(".claim").count() == 0
    assert page.get_by_text("Figures the summary was written from").count() == 1


@pytest.mark.browser
def test_invalid_filter_shows_its_error_in_place(page, live_server, analyst, settings):
    settings.OPENAI_API_KEY = "sk-test-key-0123456789"
    log_in(page, live_server.url, analyst.username, PASSWORD)

    page.goto(f"{live_server.url}/research/summaries/?brand=levis&waist_min=abc")
    page.get_by_role("button", name="Summarize this view").click()

    error = page.locator(".summarize-result [role=alert]")
    error.wait_for()
    assert error.inner_text() == (
        "waist_min: Enter a whole number. Got 'abc'; expected a whole number of "
        "inches from 20 to 60, e.g. 30."
    )
    assert SummaryReport.objects.count() == 0
