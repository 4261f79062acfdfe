"""The import page in a real browser, with a real worker behind it."""

from __future__ import annotations

import pytest

from research.models import ImportRun, MarketListing
from tests.fixtures.browser import log_in
from tests.research.exports import POSHMARK_HEADER, poshmark_row, write_csv

PASSWORD = "correct-horse-battery-staple"


@pytest.mark.browser
@pytest.mark.slow
def test_upload_shows_worker_counts(
    page, live_server, analyst, celery_worker_process, tmp_path
):
    rows = [poshmark_row(number) for number in range(1, 8)]
    rows[6][7] = "ten"
    path = write_csv(tmp_path / "april.csv", POSHMARK_HEADER, rows)
    log_in(page, live_server.url, "analyst", PASSWORD)

    page.goto(f"{live_server.url}/research/imports/")
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=platform]", "poshmark")
    page.click("text=Upload and import")

    page.wait_for_selector("text=is queued")
    run = ImportRun.objects.get()
    row = page.locator(f"tr[data-run='{run.pk}']")
    row.locator(".badge-succeeded").wait_for(timeout=90_000)
    cells = row.locator("td").all_inner_texts()
    assert cells[6:12] == ["7", "6", "0", "0", "0", "1"]
    assert MarketListing.objects.count() == 6
    page.click(f"a[href='/research/imports/{run.pk}/#rejected']")
    assert page.locator("#rejected + .table-wrap td").all_inner_texts() == [
        "8",
        "invalid price 'ten': expected an amount such as 25 or 1234.50",
    ]


@pytest.mark.browser
def test_seller_gets_forbidden_page(page, live_server, seller):
    log_in(page, live_server.url, "seller", PASSWORD)

    response = page.goto(f"{live_server.url}/research/imports/")

    assert response.status == 403
    assert page.locator("a[href='/research/imports/']").count() == 0
