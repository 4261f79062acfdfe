"""The dashboards in a real Chromium: charts drawn with the table's numbers,
filters in the URL, and the CSV download equal to the table on screen."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from research.cohorts import rebuild_summaries
from tests.fixtures.browser import log_in
from tests.research.factories import MarketListingFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct-horse-battery-staple"

CHART_DATA = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  return {labels: chart.data.labels,
          datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data}))};
}"""
TABLE_CELLS = """(id) => Array.from(document.querySelectorAll('#' + id + ' tr'))
  .map(row => Array.from(row.querySelectorAll('th, td'))
    .map(cell => cell.textContent.trim()))"""


@pytest.fixture
def market(transactional_db):
    start = datetime(2024, 1, 10, tzinfo=UTC)
    for index in range(90):
        sold = index % 2 == 0
        MarketListingFactory(
            platform=("ebay", "grailed", "whatnot")[index % 3],
            listing_kind=("auction", "buy_it_now")[index % 2],
            waist=28 + index % 9,
            price=Decimal(60 + index * 3),
            listed_at=start + timedelta(days=index * 2),
            sold=sold,
            sold_price=Decimal(50 + index * 3) if sold else None,
            sold_at=start + timedelta(days=index * 2 + 5) if sold else None,
        )
    rebuild_summaries()


def number(text: str) -> float | None:
    cleaned = text.replace("$", "").replace("%", "").replace(",", "")
    return None if cleaned in ("", "—") else float(cleaned)


def assert_chart_matches_table(page, chart_id: str) -> dict:
    page.wait_for_selector(f"#{chart_id}[data-drawn='true']", state="attached")
    data = page.evaluate(CHART_DATA, chart_id)
    rows = page.evaluate(TABLE_CELLS, f"{chart_id}-table")[1:]
    assert data["labels"]
    assert [row[0] for row in rows] == data["labels"]
    for column, dataset in enumerate(data["datasets"], start=1):
        assert [number(row[column]) for row in rows] == dataset["data"], dataset[
            "label"
        ]
    return data


def test_overview_charts_render_with_data(page, live_server, analyst, market):
    log_in(page, live_server.url, "analyst", PASSWORD)

    page.goto(f"{live_server.url}/research/")

    assert page.locator("canvas").count() == 3
    prices = assert_chart_matches_table(page, "price-trend")
    counts = assert_chart_matches_table(page, "count-trend")
    assert_chart_matches_table(page, "platform-prices")
    assert sum(counts["datasets"][0]["data"]) == 90
    assert any(value for value in prices["datasets"][0]["data"])
    assert page.locator('[data-stat="listing_count"]').inner_text() == "90"


def test_filter_change_updates_url_and_chart(page, live_server, analyst, market):
    log_in(page, live_server.url, "analyst", PASSWORD)
    page.goto(f"{live_server.url}/research/cohorts/")
    before = assert_chart_matches_table(page, "count-trend")

    page.check("input[name=platform][value=grailed]")
    page.fill("input[name=waist_min]", "30")
    page.click("#cohort-filters button[type=submit]")
    page.wait_for_load_state("networkidle")

    query = parse_qs(urlparse(page.url).query)
    assert query["platform"] == ["grailed"]
    assert query["waist_min"] == ["30"]
    after = assert_chart_matches_table(page, "count-trend")
    assert sum(after["datasets"][0]["data"]) < sum(before["datasets"][0]["data"])
    assert page.locator('[data-stat="listing_count"]').inner_text() == str(
        sum(after["datasets"][0]["data"])
    )


def test_empty_cohort_message_in_browser(page, live_server, analyst, market):
    log_in(page, live_server.url, "analyst", PASSWORD)

    page.goto(f"{live_server.url}/research/cohorts/?brand=nobody")

    assert (
        "No listings match these filters" in page.locator("#empty-cohort").inner_text()
    )
    assert page.locator("canvas").count() == 0


def test_csv_download_matches_table(page, live_server, analyst, market):
    log_in(page, live_server.url, "analyst", PASSWORD)
    page.goto(f"{live_server.url}/research/listings/?platform=ebay&status=sold")
    table = page.evaluate(TABLE_CELLS, "listing-table")

    with page.expect_download() as download_info:
        page.click("#csv-download")
    path = download_info.value.path()

    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert len(table) == 16
    assert rows == table
