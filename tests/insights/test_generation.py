"""Writing a report through the real openai client against the fake server."""

from __future__ import annotations

import pytest

from research.insights.bundle import build_market_bundle
from research.insights.models import SummaryReport
from research.insights.prompt import PROMPT_VERSION, build_messages, prompt_payload
from research.insights.trimming import (
    estimate_tokens,
    first_prompt_budget,
    trim_bundle,
)
from research.tasks.insights import generate_summary_task
from tests.fixtures.openai_server import (
    TEST_API_KEY,
    TEST_MODEL,
    completion,
    error_reply,
    grounded,
    insufficient_quota,
    invalid_api_key,
    model_not_found,
    rate_limited,
    slow,
)
from tests.insights.conftest import AS_OF, FILTERS_505, claims_505

pytestmark = pytest.mark.usefixtures("market")


@pytest.fixture
def report(db):
    return SummaryReport.objects.create(
        scope=SummaryReport.Scope.MARKET, filters=FILTERS_505, as_of=AS_OF
    )


def run(report: SummaryReport) -> SummaryReport:
    generate_summary_task.apply(args=[report.pk])
    report.refresh_from_db()
    return report


def wrong_number_claims(payload: dict) -> list[dict]:
    return [
        {
            "text": "The median sold price was $125.",
            "figure_keys": ["period.median_sold_price"],
            "listing_ids": [],
        }
    ]


def missing_id_claims(payload: dict) -> list[dict]:
    return [
        {
            "text": "A pair sold for $140.",
            "figure_keys": [],
            "listing_ids": ["ebay:does-not-exist"],
        }
    ]


def test_good_reply_is_stored_with_claims_and_usage(
    openai_settings, openai_server, report
):
    expected = prompt_payload(trim_bundle(build_market_bundle(FILTERS_505, AS_OF)))
    openai_server.expected_payload = expected
    openai_server.script(grounded(claims_505, prompt_tokens=1500, completion_tokens=90))

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert report.error == ""
    assert [claim["text"] for claim in report.claims] == [
        "3 pairs sold this week, down 25% on the week before.",
        "The median sold price rose to $120.00, up 26.3% for 1990s 505s.",
        "The top sale of the week went for $140.00.",
    ]
    assert report.claims[2]["listing_ids"] == [expected["examples"][0]["id"]]
    assert (report.prompt_tokens, report.completion_tokens) == (1500, 90)
    assert report.attempts == 1
    assert report.model == TEST_MODEL
    assert report.prompt_version == PROMPT_VERSION
    assert report.started_at is not None
    assert report.finished_at >= report.started_at
    assert prompt_payload(report.bundle) == expected
    assert len(openai_server.requests) == 1
    request = openai_server.requests[0]
    assert request.body["response_format"]["json_schema"]["strict"] is True
    assert request.headers["authorization"] == f"Bearer {TEST_API_KEY}"


def test_finished_report_is_not_sent_again(openai_settings, openai_server, report):
    openai_server.script(grounded(claims_505))
    run(report)

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize(
    ("bad_claims", "error"),
    [
        pytest.param(
            missing_id_claims,
            "Claim 1 cites listing id 'ebay:does-not-exist', which is not in the "
            "bundle.",
            id="missing-id",
        ),
        pytest.param(
            wrong_number_claims,
            "Claim 1 writes 125, which matches none of its cited figures "
            "(period.median_sold_price=120.00).",
            id="wrong-number",
        ),
    ],
)
def test_failed_check_is_retried_once_with_the_errors(
    openai_settings, openai_server, report, bad_claims, error
):
    openai_server.script(grounded(bad_claims), grounded(claims_505))

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert len(report.claims) == 3
    assert report.attempts == 2
    assert report.prompt_tokens == 2 * 900
    retry_messages = openai_server.requests[1].messages
    assert [message["role"] for message in retry_messages] == [
        "system",
        "user",
        "assistant",
        "user",
    ]
    assert error in retry_messages[3]["content"]


@pytest.mark.parametrize(
    ("bad_claims", "error"),
    [
        pytest.param(
            missing_id_claims, "cites listing id 'ebay:does-not-exist'", id="id"
        ),
        pytest.param(wrong_number_claims, "Claim 1 writes 125", id="number"),
    ],
)
def test_second_failed_check_stores_failed_report(
    openai_settings, openai_server, report, bad_claims, error
):
    openai_server.script(grounded(bad_claims), grounded(bad_claims))

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert report.error.startswith("The model's reply failed the claim check twice:")
    assert error in report.error
    assert report.claims == []
    assert report.rejected_reply == {"claims": bad_claims({})}
    assert len(openai_server.requests) == 2


def test_reply_that_is_not_json_is_retried(openai_settings, openai_server, report):
    openai_server.script(completion(content="Sales were strong."), grounded(claims_505))

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert (
        "The reply is not valid JSON"
        in openai_server.requests[1].messages[3]["content"]
    )


def test_rate_limit_is_retried_then_succeeds(openai_settings, openai_server, report):
    openai_server.script(rate_limited(), rate_limited(), grounded(claims_505))

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert report.attempts == 3
    assert len(openai_server.requests) == 3


def test_rate_limit_gives_up_after_its_retries(openai_settings, openai_server, report):
    openai_settings.OPENAI_RATE_LIMIT_RETRIES = 2
    openai_server.script(rate_limited(), rate_limited(), rate_limited())

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert report.error == (
        "The model server's rate limit was reached (429). Gave up after 3 tries; "
        "request the summary again later."
    )
    assert len(openai_server.requests) == 3


def test_server_error_is_retried(openai_settings, openai_server, report):
    openai_server.script(error_reply(503, "overloaded", "busy"), grounded(claims_505))

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert len(openai_server.requests) == 2


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        pytest.param(
            insufficient_quota(),
            "The OpenAI account has no quota left (insufficient_quota).",
            id="insufficient-quota",
        ),
        pytest.param(
            invalid_api_key(),
            "rejected the API key (401). Set a valid OPENAI_API_KEY",
            id="invalid-key",
        ),
        pytest.param(
            model_not_found(),
            f"Model '{TEST_MODEL}' was not found at http://127.0.0.1:",
            id="model-not-found",
        ),
        pytest.param(
            error_reply(400, "context_length_exceeded", "Too long."),
            "The model server rejected the request (status 400, code "
            "context_length_exceeded): Too long.",
            id="bad-request",
        ),
    ],
)
def test_permanent_error_fails_at_once(
    openai_settings, openai_server, report, reply, message
):
    openai_server.script(reply)

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert message in report.error
    assert TEST_API_KEY not in report.error
    assert report.claims == []
    assert len(openai_server.requests) == 1


def test_refusal_fails_the_report(openai_settings, openai_server, report):
    openai_server.script(completion(refusal="I can't help with that."))

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert report.error == (
        "The model refused to write the summary: I can't help with that."
    )


def test_timeouts_are_retried_a_bounded_number_of_times(
    openai_settings, openai_server, report
):
    openai_settings.OPENAI_TIMEOUT = 0.3
    openai_settings.OPENAI_TIMEOUT_RETRIES = 1
    openai_server.script(
        slow(completion([]), 1.5), slow(completion([]), 1.5), grounded(claims_505)
    )

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert report.error == (
        "The model did not reply within 0.3 s (OPENAI_TIMEOUT). Gave up after 2 "
        "tries; request the summary again later."
    )
    assert len(openai_server.requests) == 2
    openai_server.replies.clear()


def test_slow_reply_then_good_reply_succeeds(openai_settings, openai_server, report):
    openai_settings.OPENAI_TIMEOUT = 0.3
    openai_server.script(slow(completion([]), 1.5), grounded(claims_505))

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    assert len(openai_server.requests) == 2


def test_unexpected_error_fails_the_report(
    openai_settings, openai_server, report, monkeypatch
):
    def broken_bundle(report):
        raise OverflowError("date value out of range")

    monkeypatch.setattr("research.insights.service.build_bundle", broken_bundle)

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert "OverflowError: date value out of range" in report.error
    assert report.finished_at is not None
    assert openai_server.requests == []


def test_no_api_key_stores_report_as_off(settings, openai_server, report):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = openai_server.base_url

    report = run(report)

    assert report.status == SummaryReport.Status.OFF
    assert "set OPENAI_API_KEY" in report.error
    assert report.claims == []
    assert report.bundle["figures"]["sold_count"]["value"] == 8
    assert openai_server.requests == []


def test_large_bundle_is_trimmed_examples_then_movers(
    openai_settings, openai_server, db
):
    filters = {"brand": "levis", "days": 7}
    full = build_market_bundle(filters, AS_OF)
    assert len(full["examples"]) == 6
    assert len(full["movers"]) == 2
    bare = {**full, "examples": [], "movers": []}
    bare_size = estimate_tokens(build_messages(bare))
    # The smallest limit whose first-prompt budget still fits the bare bundle.
    limit = bare_size
    while first_prompt_budget(limit) < bare_size:
        limit += 1
    openai_settings.OPENAI_PROMPT_TOKEN_LIMIT = limit
    report = SummaryReport.objects.create(
        scope=SummaryReport.Scope.MARKET, filters=filters, as_of=AS_OF
    )
    openai_server.script(
        completion(
            [
                {
                    "text": "14 pairs sold overall.",
                    "figure_keys": ["sold_count"],
                    "listing_ids": [],
                }
            ]
        )
    )

    report = run(report)

    assert report.status == SummaryReport.Status.SUCCEEDED
    sent = openai_server.requests[0].payload
    assert sent["examples"] == []
    assert sent["movers"] == []
    assert sent["breakdown"] == prompt_payload(full)["breakdown"]
    assert report.bundle["trimmed"] == [
        f"{len(full['examples'])} examples",
        f"{len(full['movers'])} movers",
    ]
    assert estimate_tokens(openai_server.requests[0].messages) <= bare_size


def test_bundle_over_the_limit_is_never_sent(openai_settings, openai_server, report):
    openai_settings.OPENAI_PROMPT_TOKEN_LIMIT = 400

    report = run(report)

    assert report.status == SummaryReport.Status.FAILED
    assert report.error.startswith("The stats bundle needs about ")
    assert "OPENAI_PROMPT_TOKEN_LIMIT=400" in report.error
    assert openai_server.requests == []
