"""The ingestion path: idempotence, versions, parent joins and bad lines."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from research.extraction import EXTRACTOR_VERSION
from research.ingest import FileFormatError, get_importer, ingest_file
from research.models import MarketListing
from tests.research.exports import (
    POSHMARK_HEADER,
    export_lines,
    global_id,
    listing_line,
    poshmark_row,
    product_line,
    variant_line,
    write_csv,
    write_jsonl,
)

pytestmark = pytest.mark.django_db

WHATNOT = get_importer("whatnot-export")
POSHMARK = get_importer("poshmark")


@pytest.fixture(autouse=True, params=[0, 1], ids=["inline", "worker"])
def extraction_processes(request, settings):
    """Run each test with extraction in this process and in a worker process."""
    settings.RESEARCH_INGEST_PROCESSES = request.param
    settings.RESEARCH_INGEST_PARALLEL_MIN_BYTES = 0
    return request.param


def stored_rows() -> list[dict]:
    return list(MarketListing.objects.order_by("id").values())


def test_reingest_changes_nothing(tmp_path):
    path = write_csv(
        tmp_path / "poshmark.csv",
        POSHMARK_HEADER,
        [poshmark_row(number) for number in range(1, 31)],
    )
    first = ingest_file(path, POSHMARK, batch_size=7)
    before = stored_rows()

    second = ingest_file(path, POSHMARK, batch_size=7)

    assert first.counts() == {
        "created": 30,
        "updated": 0,
        "unchanged": 0,
        "older": 0,
        "rejected": 0,
    }
    assert second.counts() == {
        "created": 0,
        "updated": 0,
        "unchanged": 30,
        "older": 0,
        "rejected": 0,
    }
    assert stored_rows() == before


def test_row_fields_stored_exactly(tmp_path):
    path = write_csv(
        tmp_path / "poshmark.csv",
        POSHMARK_HEADER,
        [
            poshmark_row(
                1,
                title="Vintage Levi's 505 USA made 90s 34x30",
                price="19.99",
                sold="True",
            )
        ],
    )

    ingest_file(path, POSHMARK)

    listing = MarketListing.objects.get()
    assert listing.platform == "poshmark"
    assert listing.external_id == f"{1:024x}"
    assert listing.price == Decimal("19.99")
    assert listing.sold is True
    assert listing.sold_price == Decimal("19.99")
    assert listing.listed_at == datetime(2020, 4, 1, tzinfo=UTC)
    assert listing.source_updated_at == datetime(2020, 4, 4, tzinfo=UTC)
    assert (listing.brand, listing.lot, listing.decade) == ("Levi's", "505", "1990s")
    assert (listing.waist, listing.inseam, listing.made_in) == (34, 30, "USA")
    assert listing.extractor_version == EXTRACTOR_VERSION


def ingest_lines(tmp_path, lines, name="export.jsonl", **options):
    return ingest_file(write_jsonl(tmp_path / name, lines), WHATNOT, **options)


def export_for(listing_number: int, *, updated_at: str, title: str, **fields):
    return [
        product_line(listing_number, title=title),
        variant_line(listing_number, listing_number),
        listing_line(listing_number, listing_number, updated_at=updated_at, **fields),
    ]


def test_older_version_never_wins(tmp_path):
    ingest_lines(
        tmp_path, export_for(1, updated_at="2026-02-01T00:00:00Z", title="Levi's 505")
    )

    report = ingest_lines(
        tmp_path,
        export_for(1, updated_at="2026-01-01T00:00:00Z", title="Levi's 501"),
        name="older.jsonl",
    )

    listing = MarketListing.objects.get()
    assert report.older == 1
    assert report.updated == 0
    assert listing.title == "Levi's 505"
    assert listing.lot == "505"
    assert listing.source_updated_at == datetime(2026, 2, 1, tzinfo=UTC)


def test_same_time_keeps_stored_row(tmp_path):
    ingest_lines(
        tmp_path, export_for(1, updated_at="2026-02-01T00:00:00Z", title="Levi's 505")
    )

    report = ingest_lines(
        tmp_path,
        export_for(1, updated_at="2026-02-01T00:00:00Z", title="Levi's 501"),
        name="same-time.jsonl",
    )

    assert report.older == 1
    assert MarketListing.objects.get().title == "Levi's 505"


def test_newer_version_replaces_and_reextracts(tmp_path):
    ingest_lines(
        tmp_path, export_for(1, updated_at="2026-01-01T00:00:00Z", title="Levi's 505")
    )

    report = ingest_lines(
        tmp_path,
        export_for(1, updated_at="2026-03-01T00:00:00.250000Z", title="Levi's 517"),
        name="newer.jsonl",
    )

    listing = MarketListing.objects.get()
    assert report.updated == 1
    assert listing.title == "Levi's 517"
    assert listing.lot == "517"
    assert listing.fit == "bootcut"
    assert listing.source_updated_at == datetime(
        2026, 3, 1, 0, 0, 0, 250000, tzinfo=UTC
    )


def test_older_duplicate_in_one_file_loses(tmp_path):
    lines = [
        product_line(1, title="Levi's 550"),
        variant_line(1, 1),
        listing_line(1, 1, updated_at="2026-02-01T00:00:00Z", title="Levi's 550 newer"),
        listing_line(1, 1, updated_at="2026-01-01T00:00:00Z", title="Levi's 505 older"),
    ]

    report = ingest_lines(tmp_path, lines)

    assert (report.created, report.older) == (1, 1)
    assert MarketListing.objects.get().title == "Levi's 550 newer"


def test_sale_facts_survive_newer_version(tmp_path):
    ingest_lines(
        tmp_path, export_for(1, updated_at="2026-01-01T00:00:00Z", title="Levi's 501")
    )
    MarketListing.objects.update(
        sold=True, sold_price=Decimal("40.00"), sold_at=datetime(2026, 1, 2, tzinfo=UTC)
    )

    ingest_lines(
        tmp_path,
        export_for(1, updated_at="2026-01-03T00:00:00Z", title="Levi's 501 sold"),
        name="newer.jsonl",
    )

    listing = MarketListing.objects.get()
    assert listing.title == "Levi's 501 sold"
    assert listing.sold is True
    assert listing.sold_price == Decimal("40.00")
    assert listing.sold_at == datetime(2026, 1, 2, tzinfo=UTC)


ORDERS = ["parents_first", "children_first", "shuffled"]


@pytest.mark.parametrize("order", ORDERS)
def test_children_joined_in_any_order(tmp_path, order):
    lines = export_lines(40)
    if order == "children_first":
        lines.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(lines)

    report = ingest_lines(tmp_path, lines, batch_size=16)

    assert report.created == 40
    assert report.parent_lines == 80
    assert report.rejected == 0
    listing = MarketListing.objects.get(external_id=global_id("BuyItNowListing", 17))
    assert listing.title == "Levi's 501 jeans 32x30 #17"
    assert listing.platform == "whatnot"
    assert listing.price == Decimal("45.00")
    assert listing.listing_kind == "BUY_IT_NOW"
    assert listing.size_raw == "32"
    assert listing.extra["product_id"] == global_id("Product", 17)
    assert listing.extra["variant_id"] == global_id("ProductVariant", 17)


def test_listing_with_embedded_product(tmp_path):
    line = listing_line(5, 5)
    del line["__parentId"]
    line["productVariant"] = {
        "id": global_id("ProductVariant", 5),
        "product": {"id": global_id("Product", 5), "title": "Wrangler 13MWZ 34x30"},
    }

    report = ingest_lines(tmp_path, [line])

    listing = MarketListing.objects.get()
    assert report.created == 1
    assert listing.title == "Wrangler 13MWZ 34x30"
    assert listing.lot == "13MWZ"


def test_missing_parent_rejected_with_line(tmp_path):
    lines = [
        product_line(1),
        variant_line(1, 1),
        listing_line(1, 1),
        listing_line(2, 99),
        variant_line(3, 77),
        listing_line(3, 3),
    ]

    report = ingest_lines(tmp_path, lines)

    missing_variant = global_id("ProductVariant", 99)
    missing_product = global_id("Product", 77)
    assert report.created == 1
    assert report.rejected_lines == [
        {"line": 4, "reason": f"parent {missing_variant!r} not found in the file"},
        {"line": 6, "reason": f"parent {missing_product!r} not found in the file"},
    ]


def test_bad_jsonl_lines_counted(tmp_path):
    good = export_lines(2)
    no_id = listing_line(3, 1)
    del no_id["id"]
    bad_price = listing_line(4, 1)
    bad_price["price"] = {"amount": "ten dollars", "currency": "USD"}
    bad_time = listing_line(5, 1, updated_at="yesterday")
    lines = [
        *good,
        "{not json",
        json.dumps(no_id),
        "",
        "[1, 2, 3]",
        json.dumps(bad_price),
        json.dumps(bad_time),
    ]
    path = write_jsonl(
        tmp_path / "bad.jsonl", lines, raw_tail='{"__typename": "BuyItNowListing", "id'
    )

    report = ingest_file(path, WHATNOT)

    assert report.created == 2
    assert report.rejected == 6
    reasons = {item["line"]: item["reason"] for item in report.rejected_lines}
    assert reasons[7].startswith("invalid JSON: Expecting property name")
    assert reasons[8] == "missing id"
    assert reasons[10] == "expected a JSON object, found list"
    assert reasons[11].startswith("invalid price 'ten dollars'")
    assert reasons[12].startswith("invalid updatedAt 'yesterday'")
    assert reasons[13].startswith("truncated line: the file ends inside a JSON value")
    assert MarketListing.objects.count() == 2


def test_bad_csv_lines_counted(tmp_path):
    rows = [poshmark_row(number) for number in range(1, 5)]
    rows[1][7] = "$12.345"
    rows[2][5] = "http://www.poshmark.com/listing/no-id-here"
    path = write_csv(tmp_path / "poshmark.csv", POSHMARK_HEADER, rows)
    with path.open("a", encoding="utf-8") as out:
        out.write("levi_s,2020-04-01,3,img,20,http://www.poshmark.com/listing/x-")

    report = ingest_file(path, POSHMARK)

    assert report.created == 2
    assert report.rejected_lines == [
        {"line": 3, "reason": "invalid price '$12.345': more than 2 decimal places"},
        {
            "line": 4,
            "reason": "link 'http://www.poshmark.com/listing/no-id-here' has no "
            "Poshmark listing id at its end",
        },
        {"line": 6, "reason": "expected 13 fields, found 6 (the line looks truncated)"},
    ]


def test_out_of_range_values_reject_line(tmp_path):
    path = write_csv(
        tmp_path / "grailed.csv",
        ["id", "title", "price", "sold_price", "created_at", "sold_at"],
        [
            ["b4", "Levis 501", "1e9999", "", "2024-01-01", ""],
            ["b5", "Levis 505", "20", "", "2024-01-01", ""],
            ["b6", "Levis 506", "20", "", "0001-01-01T00:00:00+05:00", ""],
            ["b7", "Levis 507", "20", "20", "2024-01-01", "9999-12-31 23:00:00 EST"],
        ],
    )

    report = ingest_file(path, get_importer("grailed"))

    reasons = {item["line"]: item["reason"] for item in report.rejected_lines}
    assert report.created == 1
    assert reasons[2].startswith("invalid price '1e9999': amount too large")
    assert reasons[4].startswith(
        "invalid created_at '0001-01-01T00:00:00+05:00': the time falls outside"
    )
    assert reasons[5].startswith("invalid sold_at '9999-12-31 23:00:00 EST'")
    assert MarketListing.objects.get().external_id == "b5"


def test_multiline_csv_record_first_line(tmp_path):
    rows = [poshmark_row(1, title="Levi's\n501"), poshmark_row(2, price="abc")]
    path = write_csv(tmp_path / "poshmark.csv", POSHMARK_HEADER, rows)

    report = ingest_file(path, POSHMARK)

    assert report.created == 1
    assert [item["line"] for item in report.rejected_lines] == [4]


def test_missing_columns_fail_the_file(tmp_path):
    path = write_csv(tmp_path / "wrong.csv", ["title", "price"], [["Levi's", "10"]])

    with pytest.raises(FileFormatError, match="poshmark files need the column"):
        ingest_file(path, POSHMARK)

    assert MarketListing.objects.count() == 0


def test_format_not_offered_fails(tmp_path):
    path = write_csv(tmp_path / "export.csv", ["id"], [["1"]])

    with pytest.raises(
        FileFormatError, match="whatnot-export files are jsonl, not csv"
    ):
        ingest_file(path, WHATNOT)


def test_dry_run_writes_nothing(tmp_path):
    path = write_jsonl(tmp_path / "export.jsonl", export_lines(5))

    report = ingest_file(path, WHATNOT, dry_run=True)

    assert report.created == 5
    assert MarketListing.objects.count() == 0


def test_dry_run_records_no_later_time(tmp_path):
    ingest_lines(
        tmp_path, export_for(1, updated_at="2026-02-01T00:00:00Z", title="Levi's 505")
    )

    report = ingest_lines(
        tmp_path,
        export_for(1, updated_at="2026-03-01T00:00:00Z", title="Levi's 505"),
        name="later.jsonl",
        dry_run=True,
    )

    assert report.unchanged == 1
    stored = MarketListing.objects.get()
    assert stored.source_updated_at == datetime(2026, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("updated_at", "outcome"),
    [
        ("2026-02-01T00:00:00Z", "unchanged"),
        ("2026-03-01T00:00:00Z", "updated"),
        ("2026-01-01T00:00:00Z", "older"),
    ],
)
def test_previous_hash_format_replaced(tmp_path, updated_at, outcome):
    lines = export_for(1, updated_at="2026-02-01T00:00:00Z", title="Levi's 505")
    ingest_lines(tmp_path, lines)
    current = MarketListing.objects.get().content_hash
    # A digest as the previous hash function wrote it: 32 hex digits.
    MarketListing.objects.update(content_hash="0123456789abcdef" * 2)

    again = export_for(1, updated_at=updated_at, title="Levi's 505")

    report = ingest_lines(tmp_path, again, name="again.jsonl")

    assert report.counts()[outcome] == 1
    stored = MarketListing.objects.get()
    if outcome == "older":
        assert stored.content_hash == "0123456789abcdef" * 2
    else:
        assert stored.content_hash == current
        assert ingest_lines(tmp_path, again, name="third.jsonl").unchanged == 1


def test_nul_character_in_one_row(tmp_path):
    lines = export_lines(3)
    lines[5]["title"] = "Levi's\u0000 501"

    report = ingest_lines(tmp_path, lines)

    if connection.vendor == "postgresql":
        assert report.created == 2
        [rejected] = report.rejected_lines
        assert rejected["line"] == 6
        assert rejected["reason"].startswith("database rejected the row")
    else:
        assert report.created == 3
    assert (
        MarketListing.objects.filter(title__startswith="Levi's 501 jeans").count() == 2
    )


def test_reingest_reextracts_outdated_rows(tmp_path):
    path = write_csv(
        tmp_path / "poshmark.csv",
        POSHMARK_HEADER,
        [poshmark_row(number) for number in range(1, 4)],
    )
    ingest_file(path, POSHMARK)
    MarketListing.objects.filter(external_id=f"{2:024x}").update(
        extractor_version=0, brand="", lot=""
    )

    report = ingest_file(path, POSHMARK)

    assert (report.updated, report.unchanged) == (1, 2)
    listing = MarketListing.objects.get(external_id=f"{2:024x}")
    assert (listing.brand, listing.lot) == ("Levi's", "501")
    assert listing.extractor_version == EXTRACTOR_VERSION


def grailed_line(title: str, bumped_at: str) -> dict:
    return {
        "id": "g1",
        "title": title,
        "price": "55",
        "created_at": "2026-01-01T00:00:00Z",
        "bumped_at": bumped_at,
    }


def test_same_fields_later_keep_later_time(tmp_path):
    lines = [
        grailed_line("Levi's 501 32x30", "2026-01-10T00:00:00Z"),
        grailed_line("Levi's 501 32x30", "2026-04-27T00:00:00Z"),
        grailed_line("Levi's 501 32x30 (old title)", "2026-03-11T00:00:00Z"),
    ]
    path = write_jsonl(tmp_path / "grailed.jsonl", lines)

    report = ingest_file(path, get_importer("grailed"))

    listing = MarketListing.objects.get()
    assert (report.created, report.unchanged, report.older) == (1, 1, 1)
    assert listing.title == "Levi's 501 32x30"
    assert listing.source_updated_at == datetime(2026, 4, 27, tzinfo=UTC)


def test_same_fields_later_file_records_time(tmp_path):
    grailed = get_importer("grailed")
    first = [grailed_line("Levi's 501 32x30", "2026-01-10T00:00:00Z")]
    again = [grailed_line("Levi's 501 32x30", "2026-04-27T00:00:00Z")]
    older = [grailed_line("Levi's 501 32x30 (old title)", "2026-03-11T00:00:00Z")]
    ingest_file(write_jsonl(tmp_path / "first.jsonl", first), grailed)

    seen_again = ingest_file(write_jsonl(tmp_path / "again.jsonl", again), grailed)
    listing = MarketListing.objects.get()
    late = ingest_file(write_jsonl(tmp_path / "older.jsonl", older), grailed)

    assert seen_again.counts()["unchanged"] == 1
    assert listing.source_updated_at == datetime(2026, 4, 27, tzinfo=UTC)
    assert late.counts()["older"] == 1
    assert MarketListing.objects.get().title == "Levi's 501 32x30"


def test_unparseable_lines_rejected_not_fatal(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    huge = "9" * 5000
    raw_lines = [
        json.dumps(line)
        for line in export_for(1, updated_at="2026-01-01T00:00:00Z", title="Levi's 505")
    ]
    raw_lines.insert(1, '{"id": "x", "title": ' + deep + "}")
    raw_lines.insert(2, '{"id": "y", "price": ' + huge + "}")
    lone = listing_line(2, 1, updated_at="2026-01-01T00:00:00Z")
    lone["title"] = "Levi's 501 \ud800"
    raw_lines.insert(3, json.dumps(lone))
    path = write_jsonl(tmp_path / "export.jsonl", raw_lines)

    report = ingest_file(path, WHATNOT)

    reasons = {entry["line"]: entry["reason"] for entry in report.rejected_lines}
    assert report.created == 1
    assert reasons[2] == "invalid JSON: values nested too deeply"
    assert reasons[3].startswith("invalid JSON: Exceeds the limit")
    # The json module reads a lone surrogate escape into text that no
    # database driver can encode; the line is rejected, the file goes on.
    assert reasons[4].startswith("invalid JSON: a \\u escape between \\ud800")
