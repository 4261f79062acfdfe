"""The import and export page: roles, uploads, the worker and downloads."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research.exports import COLUMNS, SCHEMA_VERSION
from research.models import Dataset, ImportRun, MarketListing
from tests.fixtures.processes import wait_until
from tests.research.exports import (
    POSHMARK_HEADER,
    export_lines,
    poshmark_row,
    write_jsonl,
)
from tests.research.factories import MarketListingFactory, WhatnotListingFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("research:import_list", {}),
    ("research:import_runs", {}),
    ("research:export_listings", {}),
]


def poshmark_csv(rows: int = 3, bad_line: bool = False) -> bytes:
    lines = [",".join(POSHMARK_HEADER)]
    for number in range(1, rows + 1):
        row = poshmark_row(number)
        if bad_line and number == rows:
            row[7] = "ten"
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode()


def upload(client, content: bytes, name: str = "posh.csv", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        "platform": "poshmark",
        **fields,
    }
    return client.post(reverse("research:import_list"), data)


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_sent_to_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_seller_forbidden(client, seller, name, kwargs):
    client.force_login(seller)

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


def test_seller_cannot_upload(client, seller):
    client.force_login(seller)

    response = upload(client, poshmark_csv())

    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize("role", ["analyst", "staff_user"])
def test_analyst_and_staff_see_page(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("research:import_list"))

    assert response.status_code == 200
    assert b"Import a listings file" in response.content


def test_run_detail_lists_rejected_lines(client, analyst):
    run = ImportRun.objects.create(
        platform="poshmark",
        status=ImportRun.Status.SUCCEEDED,
        rejected_count=3,
        rejected_lines=[{"line": 7, "reason": "invalid price 'ten'"}],
    )
    client.force_login(analyst)

    response = client.get(reverse("research:import_detail", args=[run.pk]))

    assert response.status_code == 200
    assert b"invalid price &#x27;ten&#x27;" in response.content
    assert b"2 more rejected lines were counted but not kept." in response.content


def test_missing_run_is_404(client, analyst):
    client.force_login(analyst)

    response = client.get(reverse("research:import_detail", args=[999]))

    assert response.status_code == 404


def test_upload_queues_run_on_commit(
    client, analyst, django_capture_on_commit_callbacks
):
    client.force_login(analyst)

    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, poshmark_csv(), dataset="April scrape")

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert run.status == ImportRun.Status.QUEUED
    assert run.created_by == analyst
    assert run.dataset == Dataset.objects.get(name="April scrape", platform="poshmark")
    assert (run.platform, run.file_format, run.source_name) == (
        "poshmark",
        "csv",
        "posh.csv",
    )
    stored = Path(run.source_file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == poshmark_csv()


@pytest.mark.parametrize(
    ("content", "name", "fields", "field", "message"),
    [
        pytest.param(
            b"a,b\n",
            "listings.xlsx",
            {},
            "file",
            "is neither a .csv nor a .jsonl file",
            id="extension",
        ),
        pytest.param(
            b"id\n1\n",
            "export.csv",
            {"platform": "whatnot-export"},
            "platform",
            "Whatnot bulk export (JSONL) files are jsonl, but 'export.csv' is csv",
            id="format_for_platform",
        ),
        pytest.param(
            b"title,price\nLevi's,10\n",
            "posh.csv",
            {},
            "file",
            "poshmark files need the column(s) link, sold, date",
            id="missing_columns",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "posh.csv",
            {},
            "file",
            "is not a text file",
            id="binary",
        ),
        pytest.param(
            b"", "posh.csv", {}, "file", "The submitted file is empty.", id="empty"
        ),
        pytest.param(
            b"link,title\n\xff\xfe\xfa,x\n",
            "posh.csv",
            {},
            "file",
            "is not UTF-8 text",
            id="not_utf8",
        ),
        pytest.param(
            b"x\n",
            "posh.csv",
            {"platform": "etsy"},
            "platform",
            "Select a valid choice. etsy is not one of the available choices.",
            id="unknown_platform",
        ),
    ],
)
def test_upload_rejected_form_error(
    client, analyst, content, name, fields, field, message
):
    client.force_login(analyst)

    response = upload(client, content, name, **fields)

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert ImportRun.objects.count() == 0
    assert MarketListing.objects.count() == 0


def test_upload_over_size_limit(client, analyst, settings):
    settings.RESEARCH_IMPORT_MAX_UPLOAD_BYTES = 100
    client.force_login(analyst)

    response = upload(client, poshmark_csv(rows=5))

    assert response.status_code == 400
    [error] = response.context["form"].errors["file"]
    assert "the limit is 100\xa0bytes" in error
    assert ImportRun.objects.count() == 0


def stream(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_export_csv_has_schema_header(client, analyst, tmp_path):
    from research.ingest import get_importer, ingest_file

    ingest_file(
        write_jsonl(tmp_path / "e.jsonl", export_lines(3)),
        get_importer("whatnot-export"),
    )
    client.force_login(analyst)

    response = client.get(reverse("research:export_listings"), {"format": "csv"})

    lines = stream(response).splitlines()
    run = ImportRun.objects.get(kind=ImportRun.Kind.EXPORT)
    assert response.status_code == 200
    assert response["X-Schema-Version"] == str(SCHEMA_VERSION)
    assert response["Content-Disposition"].startswith(
        'attachment; filename="market-listings-'
    )
    assert lines[0].startswith(
        f"# selvedge.market_listings schema_version={SCHEMA_VERSION}"
    )
    assert lines[1].split(",") == list(COLUMNS)
    assert len(lines) == 5
    assert ",45.00,USD," in lines[2]
    assert (run.status, run.processed_lines, run.created_by) == (
        "succeeded",
        3,
        analyst,
    )


def test_export_jsonl_exact_anonymous(client, analyst):
    listing = WhatnotListingFactory(price=Decimal("19.99"))
    from research.mirror import mirror_whatnot_listings

    mirror_whatnot_listings([listing.pk])
    client.force_login(analyst)

    response = client.get(
        reverse("research:export_listings"), {"format": "jsonl", "platform": "whatnot"}
    )

    header, row = [json.loads(line) for line in stream(response).splitlines()]
    assert header["schema_version"] == SCHEMA_VERSION
    assert header["columns"] == list(COLUMNS)
    assert row["price"] == "19.99"
    assert row["external_id"] == listing.whatnot_id
    assert "seller" not in row
    assert listing.seller.username not in json.dumps(row)


@pytest.mark.parametrize("title", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_export_csv_quotes_formula_titles(client, analyst, title):
    MarketListingFactory(title=title, lot="-501")
    client.force_login(analyst)

    csv_text = stream(client.get(reverse("research:export_listings")))
    jsonl_text = stream(
        client.get(reverse("research:export_listings"), {"format": "jsonl"})
    )

    [row] = list(csv.DictReader(io.StringIO(csv_text.split("\r\n", 1)[1])))
    assert row["title"] == "'" + title
    assert row["lot"] == "'-501"
    assert row["price"] == "101.00"
    assert json.loads(jsonl_text.splitlines()[1])["title"] == title


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "xlsx"}, b"Unknown format 'xlsx'"),
        ({"platform": "etsy"}, b"Unknown platform 'etsy'"),
        ({"dataset": "abc"}, b"Dataset 'abc' is not a dataset id"),
        ({"dataset": "\u00b2"}, "Dataset '\u00b2' is not a dataset id".encode()),
        ({"dataset": "1" * 30}, b"leave it empty"),
    ],
)
def test_export_bad_parameters(client, analyst, params, message):
    client.force_login(analyst)

    response = client.get(reverse("research:export_listings"), params)

    assert response.status_code == 400
    assert message in response.content
    assert ImportRun.objects.count() == 0


@pytest.mark.slow
def test_upload_processed_by_worker(client, analyst, celery_worker_process):
    client.force_login(analyst)

    response = upload(client, poshmark_csv(rows=5, bad_line=True))

    assert response.status_code == 302
    run = wait_until(
        lambda: ImportRun.objects.filter(status__in=["succeeded", "failed"]).first(),
        timeout=90,
        message="the worker did not finish the import",
    )
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert (run.created_count, run.rejected_count) == (4, 1)
    assert run.rejected_lines == [
        {
            "line": 6,
            "reason": "invalid price 'ten': expected an amount such as 25 or 1234.50",
        }
    ]
    assert MarketListing.objects.filter(platform="poshmark").count() == 4
    page = client.get(reverse("research:import_runs"))
    assert b"Succeeded" in page.content
