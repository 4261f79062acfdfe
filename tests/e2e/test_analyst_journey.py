"""An analyst reads the market: overview, a cohort with charts and comps, the
CSV, a real file imported through the upload page and processed by a real
worker, and the summary button shown as off without an OpenAI key."""

from __future__ import annotations

import csv
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from research.models import ImportRun, MarketListing
from tests.e2e.helpers import screenshot
from tests.fixtures.browser import log_in
from tests.fixtures.processes import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GRAILED_FILE = (
    settings.BASE_DIR.parent / "shared/data/real/grailed_sold_listings_2026.csv"
)
PASSWORD = "correct-horse-battery-staple"
IMPORT_TIMEOUT_MS = 120_000


def stat(page, name: str) -> int:
    return int(page.locator(f'[data-stat="{name}"]').inner_text().replace(",", ""))


def cohort_count_on_page(page, url: str) -> int:
    """Return the cohort's listing count, or 0 while the page shows none."""
    page.goto(url)
    if page.locator("#empty-cohort").count():
        return 0
    return stat(page, "listing_count")


def test_analyst_journey(page, live_server, analyst, stack, settings):
    settings.OPENAI_API_KEY = ""
    base = live_server.url
    page.set_default_timeout(45_000)
    call_command("generate_market_dataset", rows=1500, seed=7)
    cache.clear()
    log_in(page, base, "analyst", PASSWORD)

    # The overview charts the whole market once the worker has summarized it.
    wait_until(
        lambda: (
            cohort_count_on_page(page, f"{base}/research/")
            == MarketListing.objects.count()
        ),
        timeout=90,
        interval=2,
        message=f"the overview did not reach every listing:\n{stack.logs()}",
    )
    page.wait_for_selector("#price-trend[data-drawn='true']", state="attached")
    assert page.locator("canvas").count() == 3
    market_count = stat(page, "listing_count")
    assert market_count == MarketListing.objects.count()
    screenshot(page, "analyst-01-overview")

    # Filter to Levi's 501 from the 1990s, waist 30 to 32.
    page.goto(f"{base}/research/cohorts/")
    page.fill("#cohort-filters input[name=brand]", "Levi's")
    page.fill("#cohort-filters input[name=lot]", "501")
    page.fill("#cohort-filters input[name=decade]", "1990s")
    page.fill("#cohort-filters input[name=waist_min]", "30")
    page.fill("#cohort-filters input[name=waist_max]", "32")
    page.click("#cohort-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    query = parse_qs(urlparse(page.url).query)
    assert query["lot"] == ["501"]
    assert query["waist_max"] == ["32"]
    page.wait_for_selector("#count-trend[data-drawn='true']", state="attached")
    cohort_count = stat(page, "listing_count")
    expected = MarketListing.objects.filter(
        brand="Levi's", lot="501", decade="1990s", waist__gte=30, waist__lte=32
    ).count()
    assert cohort_count == expected
    assert 0 < cohort_count < market_count
    screenshot(page, "analyst-02-cohort")

    # Comps for the same cohort give a price range.
    page.goto(
        f"{base}/research/comps/partial/?brand=Levi%27s&lot=501&decade=1990s&waist=31"
    )
    low = page.locator('[data-comps="price_low"]').inner_text()
    high = page.locator('[data-comps="price_high"]').inner_text()
    assert float(low.lstrip("$")) <= float(high.lstrip("$"))

    # The CSV of the cohort's listings matches the table on screen.
    page.go_back()
    page.get_by_role("link", name="See these listings").click()
    page.wait_for_load_state("networkidle")
    table_rows = page.locator("#listing-table tbody tr").count()
    with page.expect_download() as download_info:
        page.click("#csv-download")
    with open(download_info.value.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert table_rows > 0
    assert len(rows) == table_rows + 1

    # Upload a real Grailed file; the worker imports it into the market.
    page.goto(f"{base}/research/imports/")
    page.set_input_files("input[name=file]", str(GRAILED_FILE))
    page.select_option("select[name=platform]", "grailed")
    page.click("text=Upload and import")
    page.wait_for_selector("text=is queued")
    run = ImportRun.objects.latest("pk")
    row = page.locator(f"tr[data-run='{run.pk}']")
    try:
        row.locator(".badge-succeeded").wait_for(timeout=IMPORT_TIMEOUT_MS)
    except Exception as exc:
        raise AssertionError(f"the import did not finish:\n{stack.logs()}") from exc
    screenshot(page, "analyst-03-import")
    run.refresh_from_db()
    grailed = MarketListing.objects.filter(platform="grailed").count()
    assert grailed > 300
    assert run.created_count == grailed
    wait_until(
        lambda: (
            cohort_count_on_page(page, f"{base}/research/cohorts/?platform=grailed")
            == grailed
        ),
        timeout=90,
        interval=3,
        message=f"the cohort did not reach {grailed} Grailed listings:\n{stack.logs()}",
    )

    # Without an OpenAI key the page shows that summaries are off.
    page.goto(f"{base}/research/summaries/")
    off = page.locator(".summaries-off")
    assert "no OpenAI API key is configured" in off.inner_text()
    assert page.get_by_role("button", name="Summarize this view").count() == 0
    screenshot(page, "analyst-04-summaries-off")
