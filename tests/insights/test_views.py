"""Summary pages: roles, ownership, requests, status polling and the include."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from research.insights.models import SummaryReport
from research.tasks.insights import generate_summary_task
from tests.factories import UserFactory
from tests.fixtures.openai_server import grounded
from tests.insights.conftest import AS_OF, FILTERS_505, claims_505

pytestmark = pytest.mark.django_db

OFF_TEXT = "AI summaries are off because no OpenAI API key is configured."


@pytest.fixture
def market_report(db):
    return SummaryReport.objects.create(
        scope=SummaryReport.Scope.MARKET, filters=FILTERS_505, as_of=AS_OF
    )


@pytest.fixture
def sales_report(seller):
    return SummaryReport.objects.create(
        scope=SummaryReport.Scope.SELLER, seller=seller, filters={"days": 7}
    )


@pytest.fixture
def other_seller(db):
    from accounts.models import Role
    from accounts.roles import grant_role

    user = UserFactory(username="other-seller")
    grant_role(user, Role.SELLER)
    return user


def test_analyst_request_queues_a_market_report(
    client, analyst, settings, django_capture_on_commit_callbacks
):
    settings.OPENAI_API_KEY = "sk-test-key-0123456789"
    client.force_login(analyst)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("research:summarize"),
            {"brand": "levis", "lot": "505", "decade": "1990s", "page": "3"},
        )

    report = SummaryReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("research:report_detail", args=[report.pk])
    assert report.scope == SummaryReport.Scope.MARKET
    assert report.filters == FILTERS_505
    assert report.requested_by == analyst
    assert report.status == SummaryReport.Status.QUEUED
    assert len(callbacks) == 1


def test_double_click_reuses_the_queued_report(client, analyst):
    client.force_login(analyst)

    client.post(reverse("research:summarize"), {"brand": "levis"})
    client.post(reverse("research:summarize"), {"brand": "levis"})
    client.post(reverse("research:summarize"), {"brand": "lee"})

    assert SummaryReport.objects.count() == 2


def test_htmx_request_returns_polling_status_partial(client, analyst):
    client.force_login(analyst)

    response = client.post(
        reverse("research:summarize"),
        {"brand": "levis"},
        headers={"HX-Request": "true"},
    )

    report = SummaryReport.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="{reverse("research:report_status", args=[report.pk])}"' in body
    assert 'hx-trigger="every 2s"' in body
    assert "Writing the summary." in body


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_invalid_filter_is_400_naming_the_value(client, analyst, htmx):
    client.force_login(analyst)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        reverse("research:summarize"), {"waist_min": "abc"}, headers=headers
    )

    assert response.status_code == 400
    assert "waist_min: Enter a whole number. Got &#x27;abc&#x27;; expected" in (
        response.content.decode()
    )
    assert SummaryReport.objects.count() == 0


def test_out_of_range_date_is_400(client, analyst):
    client.force_login(analyst)

    response = client.post(
        reverse("research:summarize"), {"days": "7", "date_to": "9999-12-31"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "date_to" in body
    assert "9999-12-31" in body
    assert "1900 to 9998" in body
    assert SummaryReport.objects.count() == 0


@pytest.mark.parametrize("role", ["seller", "anonymous"])
def test_market_summary_needs_analyst_or_staff(client, seller, role):
    if role == "seller":
        client.force_login(seller)

    response = client.post(reverse("research:summarize"), {"brand": "levis"})

    assert response.status_code == (403 if role == "seller" else 302)
    assert SummaryReport.objects.count() == 0


def test_staff_may_request_a_market_summary(client, staff_user):
    client.force_login(staff_user)

    response = client.post(reverse("research:summarize"), {"brand": "levis"})

    assert response.status_code == 302
    assert SummaryReport.objects.get().requested_by == staff_user


def test_seller_requests_a_summary_of_own_sales(client, seller):
    client.force_login(seller)

    response = client.post(reverse("research:summarize_sales"), {"days": "14"})

    report = SummaryReport.objects.get()
    assert response.status_code == 302
    assert report.scope == SummaryReport.Scope.SELLER
    assert report.seller == seller
    assert report.filters == {"days": 14}


def test_analyst_cannot_request_a_sales_summary(client, analyst):
    client.force_login(analyst)

    response = client.post(reverse("research:summarize_sales"))

    assert response.status_code == 403
    assert SummaryReport.objects.count() == 0


@pytest.mark.parametrize(
    ("viewer", "report_name", "status"),
    [
        ("analyst", "market_report", 200),
        ("staff_user", "market_report", 200),
        ("seller", "market_report", 404),
        ("seller", "sales_report", 200),
        ("other_seller", "sales_report", 404),
        ("analyst", "sales_report", 404),
        ("staff_user", "sales_report", 200),
    ],
)
@pytest.mark.parametrize(
    "url_name", ["research:report_detail", "research:report_status"]
)
def test_report_pages_check_role_and_ownership(
    client, request, viewer, report_name, status, url_name
):
    report = request.getfixturevalue(report_name)
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse(url_name, args=[report.pk]))

    assert response.status_code == status


def test_report_list_shows_only_visible_reports(
    client, seller, market_report, sales_report, other_seller
):
    SummaryReport.objects.create(
        scope=SummaryReport.Scope.SELLER, seller=other_seller, filters={"days": 7}
    )
    client.force_login(seller)

    response = client.get(reverse("research:report_list"))

    assert list(response.context["reports"]) == [sales_report]


def test_report_page_renders_claims_with_cited_figures(
    client, analyst, market, openai_settings, openai_server, market_report
):
    openai_server.script(grounded(claims_505))
    generate_summary_task.apply(args=[market_report.pk])
    example = market["505_period"][2]
    client.force_login(analyst)

    response = client.get(reverse("research:report_detail", args=[market_report.pk]))

    body = response.content.decode()
    assert "3 pairs sold this week, down 25% on the week before." in body
    assert "Sold, this period</span> 3" in body
    assert "Sold: change from the previous period (%)</span> -25.0%" in body
    assert "Median sold price, this period</span> 120.00 USD" in body
    assert f'<a href="{example.url}"' in body
    assert f"ebay:{example.external_id}" in body
    assert "hx-trigger" not in body


def test_off_report_page_explains_key(client, analyst, settings, market, market_report):
    settings.OPENAI_API_KEY = ""
    generate_summary_task.apply(args=[market_report.pk])
    client.force_login(analyst)

    response = client.get(reverse("research:report_detail", args=[market_report.pk]))

    body = response.content.decode()
    market_report.refresh_from_db()
    assert market_report.status == SummaryReport.Status.OFF
    assert OFF_TEXT in body
    assert "set OPENAI_API_KEY in the environment" in body
    assert 'class="claims"' not in body


def render_include(user, query: str = "", **context) -> str:
    request = RequestFactory().get(f"/research/?{query}")
    request.user = user
    template = Template('{% include "research/includes/_summarize.html" %}')
    return template.render(Context({"request": request, **context}))


def test_include_posts_current_filters_for_analysts(analyst, settings):
    settings.OPENAI_API_KEY = "sk-test-key-0123456789"

    html = render_include(analyst, "brand=levis&lot=505&page=2")

    assert f'action="{reverse("research:summarize")}"' in html
    assert '<input type="hidden" name="brand" value="levis">' in html
    assert '<input type="hidden" name="lot" value="505">' in html
    assert 'name="page"' not in html
    assert "Summarize this view" in html


def test_include_for_sellers_posts_to_their_sales(seller, settings):
    settings.OPENAI_API_KEY = "sk-test-key-0123456789"

    html = render_include(seller, "days=30&status=sold", summarize_scope="seller")

    assert f'action="{reverse("research:summarize_sales")}"' in html
    assert '<input type="hidden" name="days" value="30">' in html
    assert 'name="status"' not in html


def test_include_says_summaries_are_off_without_a_key(analyst, settings):
    settings.OPENAI_API_KEY = ""

    html = render_include(analyst, "brand=levis")

    assert OFF_TEXT in html
    assert "<form" not in html


def test_include_is_empty_for_users_without_the_role(seller):
    assert render_include(seller, "brand=levis").strip() == ""


def test_queued_report_page_polls_its_status(client, analyst, market_report):
    client.force_login(analyst)
    status_url = reverse("research:report_status", args=[market_report.pk])

    page = client.get(reverse("research:report_detail", args=[market_report.pk]))
    partial = client.get(f"{status_url}?on_report_page=1")

    assert f'hx-get="{status_url}?on_report_page=1"' in page.content.decode()
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert f'href="{market_report.get_absolute_url()}"' not in partial.content.decode()


def test_cohort_dashboard_offers_summarize_with_its_filters(
    client, analyst, market, settings
):
    from research.cohorts import rebuild_summaries

    settings.OPENAI_API_KEY = "sk-test-key-0123456789"
    rebuild_summaries()
    client.force_login(analyst)

    response = client.get(
        reverse("research:cohort"), {"brand": "levis", "lot": "505", "bucket": "week"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'action="{reverse("research:summarize")}"' in body
    assert '<input type="hidden" name="brand" value="levis">' in body
    assert '<input type="hidden" name="lot" value="505">' in body
    assert '<input type="hidden" name="bucket"' not in body


def test_sales_page_offers_a_summary_of_own_sales(client, seller, settings):
    settings.OPENAI_API_KEY = "sk-test-key-0123456789"
    client.force_login(seller)

    response = client.get(reverse("whatnot:sale_list"))

    body = response.content.decode()
    assert f'action="{reverse("research:summarize_sales")}"' in body
    assert "Summarize this view" in body
