"""The schemathesis command line run against a live server over HTTP.

test_schema.py drives schemathesis's strategies through the WSGI handler in
the test process. This module runs the tool as an integrator would: the
`schemathesis run` command in its own process, reading /api/schema/ from a
running server and sending every request over a real socket.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from tests.pages.factories import ListingFactory, SaleFactory, SellerFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def run_schemathesis(live_server, token: str, report: Path, *filters: str):
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {token}",
        *filters,
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "20",
        "--workers",
        "1",
        "--seed",
        "20261204",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def seller_token():
    cache.clear()
    seller = SellerFactory(username="schemathesis-seller")
    ListingFactory.create_batch(3, seller=seller)
    SaleFactory(seller=seller)
    yield Token.objects.create(user=seller).key
    cache.clear()


def clean_run(live_server, token: str, name: str, *filters: str) -> dict:
    """Run schemathesis, check that it found nothing, return its JSON report."""
    report = Path(settings.BASE_DIR, "var", "schemathesis", f"{name}.json")
    report.parent.mkdir(parents=True, exist_ok=True)

    result = run_schemathesis(live_server, token, report, *filters)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = json.loads(report.read_text())
    assert summary["test_cases"]["with_failures"] == 0, output
    return summary


def test_listing_endpoints_return_no_server_error(live_server, seller_token):
    summary = clean_run(
        live_server, seller_token, "listings", "--include-path-regex", "^/api/listings/"
    )

    operations = summary["operations"]
    # GET and POST on the list, GET, PUT and PATCH on one listing.
    assert operations["selected"] == 5
    assert operations["tested"] == 5


def test_other_endpoints_return_no_server_error(live_server, seller_token):
    summary = clean_run(
        live_server, seller_token, "others", "--exclude-path-regex", "^/api/listings/"
    )

    operations = summary["operations"]
    assert operations["tested"] == operations["selected"]
    assert operations["selected"] >= 6
