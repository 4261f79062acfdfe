"""Seller pages in a real browser at phone and laptop widths."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import SCREENSHOT_DIR, log_in
from tests.pages.factories import ListingFactory

PASSWORD = "correct-horse-battery-staple"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("width", "height", "path"),
    [
        pytest.param(390, 844, "/inventory/", id="phone-inventory"),
        pytest.param(390, 844, "/inventory/new/", id="phone-form"),
        pytest.param(390, 844, "/dashboard/", id="phone-dashboard"),
        pytest.param(1366, 768, "/inventory/", id="laptop-inventory"),
    ],
)
def test_page_fits_the_screen_width(
    browser_instance, live_server, seller, width, height, path
):
    ListingFactory.create_batch(3, seller=seller, title="Levi's 501 " + "x" * 120)
    context = browser_instance.new_context(viewport={"width": width, "height": height})
    screen = context.new_page()
    try:
        log_in(screen, live_server.url, seller.username, PASSWORD)
        screen.goto(f"{live_server.url}{path}")
        scroll_width = screen.evaluate("document.documentElement.scrollWidth")
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = path.strip("/").replace("/", "-")
        screen.screenshot(
            path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True
        )
    finally:
        context.close()

    assert scroll_width <= width


@pytest.mark.browser
def test_form_errors_are_announced_and_linked(page, live_server, seller):
    log_in(page, live_server.url, seller.username, PASSWORD)
    page.goto(f"{live_server.url}/inventory/new/")

    page.get_by_role("button", name="Create listing").click()

    alert = page.get_by_role("alert")
    assert "The listing was not saved. Fix 4 fields" in alert.inner_text()
    title = page.get_by_label("Title")
    assert title.get_attribute("aria-invalid") == "true"
    assert "id_title_error" in title.get_attribute("aria-describedby")


@pytest.mark.browser
def test_filters_update_the_table_in_place(page, live_server, seller):
    ListingFactory(seller=seller, title="Lee Storm Rider", brand="Lee")
    ListingFactory(seller=seller, title="Levi's 501", brand="Levi's")
    log_in(page, live_server.url, seller.username, PASSWORD)
    page.goto(f"{live_server.url}/inventory/")

    page.get_by_label("Brand").fill("Lee")
    page.get_by_label("Brand").press("Enter")
    page.wait_for_url("**/inventory/?*brand=Lee*")

    rows = page.locator("#listing-results tbody tr")
    assert rows.count() == 1
    assert "Lee Storm Rider" in rows.first.inner_text()
