"""import_listings, extract_attributes and reextract_attributes."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from research.extraction import EXTRACTOR_VERSION
from research.models import ImportRun, MarketListing
from tests.fixtures.processes import ROOT, child_process_env
from tests.research.exports import (
    POSHMARK_HEADER,
    export_lines,
    poshmark_row,
    write_csv,
    write_jsonl,
)

pytestmark = pytest.mark.django_db


def run_import(*args, **options) -> str:
    out = StringIO()
    call_command("import_listings", *args, stdout=out, **options)
    return out.getvalue()


def test_import_prints_counts_and_rejects(tmp_path):
    rows = [poshmark_row(number) for number in range(1, 4)]
    rows[2][7] = "free"
    path = write_csv(tmp_path / "posh.csv", POSHMARK_HEADER, rows)

    output = run_import(str(path), platform="poshmark")

    run = ImportRun.objects.get()
    assert (
        "2 created, 0 updated, 0 unchanged, 0 older, 1 rejected (3 lines read)"
        in output
    )
    assert "line 4: invalid price 'free'" in output
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.rejected_lines == [
        {
            "line": 4,
            "reason": "invalid price 'free': expected an amount such as 25 or 1234.50",
        }
    ]
    assert run.dataset.name == "posh.csv"
    assert run.progress == 100


def test_import_dry_run_writes_nothing(tmp_path):
    path = write_jsonl(tmp_path / "export.jsonl", export_lines(3))

    output = run_import(str(path), platform="whatnot-export", dry_run=True)

    assert "Dry run, nothing written: 3 created" in output
    assert "6 product and variant lines joined." in output
    assert MarketListing.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_import_for_seller_sets_owner(tmp_path, seller):
    path = write_jsonl(tmp_path / "export.jsonl", export_lines(2))

    run_import(str(path), platform="whatnot-export", seller="seller")

    assert set(MarketListing.objects.values_list("seller__username", "dataset")) == {
        ("seller", None)
    }


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        pytest.param(
            ["missing.csv"], {"platform": "poshmark"}, "no such file", id="file"
        ),
        pytest.param(
            ["{csv}"],
            {"platform": "whatnot-export"},
            "whatnot-export files are jsonl, not csv",
            id="format",
        ),
        pytest.param(
            ["{csv}"],
            {"platform": "poshmark", "observed_at": "yesterday"},
            "--observed-at 'yesterday' is not an ISO-8601 time",
            id="observed_at",
        ),
        pytest.param(
            ["{csv}"],
            {"platform": "poshmark", "seller": "nobody"},
            "--seller 'nobody': no such user",
            id="seller",
        ),
    ],
)
def test_import_bad_arguments(tmp_path, args, options, message):
    path = write_csv(tmp_path / "posh.csv", POSHMARK_HEADER, [poshmark_row(1)])
    args = [arg.format(csv=path) for arg in args]

    with pytest.raises(CommandError, match=message):
        run_import(*args, **options)

    assert MarketListing.objects.count() == 0


def test_import_missing_columns_fails_run(tmp_path):
    path = write_csv(tmp_path / "grailed.csv", ["id", "title"], [["1", "Levi's"]])

    with pytest.raises(CommandError, match="grailed files need the column"):
        run_import(str(path), platform="grailed")

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith("grailed files need the column(s) price")
    assert MarketListing.objects.count() == 0


def test_extract_attributes_reads_stdin():
    titles = "Levi's 501xx Big E W32 L34 Made in USA\nWomen's jeans size 8\n"

    result = subprocess.run(
        [sys.executable, "manage.py", "extract_attributes", "-"],
        input=titles,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_process_env(),
        timeout=60,
        check=True,
    )

    first, second = [json.loads(line) for line in result.stdout.splitlines()]
    assert first == {
        "brand": "Levi's",
        "lot": "501xx",
        "decade": "1960s",
        "waist": 32,
        "inseam": 34,
        "made_in": "USA",
        "selvedge": None,
        "big_e": True,
        "gender": None,
    }
    assert second["gender"] == "women"
    assert second["waist"] is None


def test_extract_attributes_reads_file(tmp_path):
    path = tmp_path / "titles.txt"
    path.write_text("Wrangler 13MWZ 36x30\n\n", encoding="utf-8")
    out = StringIO()

    call_command("extract_attributes", str(path), stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["lot"] for line in lines] == ["13MWZ", None]


def test_extract_attributes_missing_file():
    with pytest.raises(CommandError, match=r"nope\.txt: no such file"):
        call_command("extract_attributes", "nope.txt")


def test_reextract_updates_outdated_rows(tmp_path):
    path = write_csv(
        tmp_path / "posh.csv", POSHMARK_HEADER, [poshmark_row(n) for n in range(1, 6)]
    )
    run_import(str(path), platform="poshmark")
    MarketListing.objects.filter(external_id__endswith="1").update(
        extractor_version=0, lot="", brand=""
    )
    out = StringIO()

    call_command("reextract_attributes", outdated_only=True, stdout=out)

    assert "Extracted attributes of 1 listings" in out.getvalue()
    assert set(
        MarketListing.objects.values_list("extractor_version", "lot", "brand")
    ) == {(EXTRACTOR_VERSION, "501", "Levi's")}


def test_model_save_reextracts_changed_title(tmp_path):
    path = write_csv(tmp_path / "posh.csv", POSHMARK_HEADER, [poshmark_row(1)])
    run_import(str(path), platform="poshmark")
    listing = MarketListing.objects.get()

    listing.title = "Levi's 646 bell bottoms 70s"
    listing.save(update_fields=["title"])

    listing.refresh_from_db()
    assert (listing.lot, listing.decade, listing.fit) == ("646", "1970s", "flare")
