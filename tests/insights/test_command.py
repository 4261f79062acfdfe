"""The summarize_market command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from research.insights.models import SummaryReport
from tests.fixtures.openai_server import grounded, invalid_api_key, rate_limited
from tests.insights.conftest import claims_505

pytestmark = pytest.mark.usefixtures("market")

FILTER_ARGS = [
    "--filter",
    "brand=levis",
    "--filter",
    "lot=505",
    "--filter",
    "decade=1990s",
    "--as-of",
    "2026-12-01T12:00",
]


def summarize(*args: str) -> str:
    out = StringIO()
    call_command("summarize_market", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def seller_claims(payload: dict) -> list[dict]:
    figures = payload["figures"]
    return [
        {
            "text": f"You sold {figures['sold_count']} items.",
            "figure_keys": ["sold_count"],
            "listing_ids": [],
        }
    ]


def test_command_prints_claims_with_their_figures(openai_settings, openai_server):
    openai_server.script(grounded(claims_505))

    output = summarize(*FILTER_ARGS)

    report = SummaryReport.objects.get()
    assert report.status == SummaryReport.Status.SUCCEEDED
    assert report.filters == {
        "brand": "levis",
        "lot": "505",
        "decade": "1990s",
        "days": 7,
    }
    assert f"Market: brand levis, lot 505, decade 1990s (report {report.pk})" in output
    assert "1. 3 pairs sold this week, down 25% on the week before." in output
    assert "   period.sold_count = 3 (Sold, this period)" in output
    assert "   trend.median_sold_price.delta_pct = 26.3% " in output
    assert "   listing ebay:" in output
    assert (
        "gpt-5-test, prompt summary-v1: 900 prompt and 120 completion tokens." in output
    )


def test_command_waits_out_a_rate_limit(openai_settings, openai_server):
    openai_server.script(rate_limited(), grounded(claims_505))

    summarize(*FILTER_ARGS)

    assert SummaryReport.objects.get().status == SummaryReport.Status.SUCCEEDED
    assert len(openai_server.requests) == 2


def test_command_summarizes_a_sellers_sales(openai_settings, openai_server, seller):
    openai_server.script(grounded(seller_claims))

    output = summarize("--seller", "seller")

    report = SummaryReport.objects.get()
    assert report.scope == SummaryReport.Scope.SELLER
    assert report.seller == seller
    assert "1. You sold 0 items." in output


def test_command_fails_with_the_reason(openai_settings, openai_server):
    openai_server.script(invalid_api_key())

    with pytest.raises(CommandError) as error:
        summarize(*FILTER_ARGS)

    report = SummaryReport.objects.get()
    assert str(error.value).startswith(f"Report {report.pk} failed: The model server")
    assert "Set a valid OPENAI_API_KEY" in str(error.value)


def test_command_without_key_stores_off_report_and_fails(settings, openai_server):
    settings.OPENAI_API_KEY = ""

    with pytest.raises(CommandError) as error:
        summarize(*FILTER_ARGS)

    assert "AI summaries are off" in str(error.value)
    assert SummaryReport.objects.get().status == SummaryReport.Status.OFF
    assert openai_server.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--filter", "brand"],
            "Invalid --filter 'brand': write it as KEY=VALUE.",
            id="no-equals",
        ),
        pytest.param(
            ["--filter", "colour=blue"], "Unknown filter 'colour'.", id="unknown"
        ),
        pytest.param(["--seller", "nobody"], "No user named 'nobody'.", id="no-user"),
        pytest.param(
            ["--seller", "analyst"], "User 'analyst' is not a seller;", id="role"
        ),
        pytest.param(
            ["--as-of", "last week"],
            "Invalid --as-of 'last week': use an ISO date",
            id="as-of",
        ),
        pytest.param(
            ["--seller", "seller", "--filter", "brand=levis"],
            "--seller takes only the days filter, not brand.",
            id="seller-filters",
        ),
    ],
)
def test_command_rejects_bad_arguments(args, message, seller, analyst):
    with pytest.raises(CommandError) as error:
        summarize(*args)

    assert str(error.value).startswith(message)
    assert SummaryReport.objects.count() == 0


def test_dry_run_prints_the_bundle_and_stores_nothing(openai_server):
    output = summarize(*FILTER_ARGS, "--dry-run")

    bundle = json.loads(output)
    assert bundle["figures"]["sold_count"]["value"] == 8
    assert SummaryReport.objects.count() == 0
    assert openai_server.requests == []
