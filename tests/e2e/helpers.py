"""Helpers the journeys share."""

from __future__ import annotations

from tests.fixtures.browser import SCREENSHOT_DIR


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot of a step under var/screenshots/e2e/."""
    directory = SCREENSHOT_DIR / "e2e"
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
