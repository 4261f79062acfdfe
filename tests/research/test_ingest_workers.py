"""Attribute extraction in worker processes during an ingest."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from research.attributes import ATTRIBUTE_COLUMNS, extract_for_fields
from research.ingest import get_importer, ingest_file
from research.ingest.extracting import (
    InlineExtraction,
    ProcessExtraction,
    extraction_for,
)
from research.models import MarketListing
from tests.research.exports import (
    export_lines,
    listing_line,
    product_line,
    variant_line,
    write_jsonl,
)

WHATNOT = get_importer("whatnot-export")
COLUMNS = ("external_id", "title", *ATTRIBUTE_COLUMNS, "extractor_version")

TITLES = [
    "Vintage 90s Levi's 501 jeans W32 L30 made in USA",
    "Levis 505 orange tab 1970s 34x32 selvedge",
    "Wrangler 13MWZ cowboy cut 36/34",
    "Big E Levi's 551ZXX 1960s redline selvedge",
    "Lee Riders 101Z made in Japan W31",
]


@pytest.fixture(autouse=True)
def workers_for_small_files(settings):
    settings.RESEARCH_INGEST_PARALLEL_MIN_BYTES = 0


def stored() -> list[tuple]:
    return list(MarketListing.objects.order_by("external_id").values_list(*COLUMNS))


def varied_lines(products: int) -> list[dict]:
    lines = export_lines(products)
    for index, line in enumerate(lines):
        if "title" in line:
            line["title"] = f"{TITLES[index % len(TITLES)]} #{index}"
    return lines


@pytest.mark.django_db(transaction=True)
def test_workers_match_inline_extraction(tmp_path):
    path = write_jsonl(tmp_path / "export.jsonl", varied_lines(120))
    inline = ingest_file(path, WHATNOT, processes=0, batch_size=16)
    expected = stored()
    MarketListing.objects.all().delete()

    parallel = ingest_file(path, WHATNOT, processes=2, batch_size=16)

    assert parallel.counts() == inline.counts()
    assert parallel.created == 120
    assert stored() == expected
    assert {row[COLUMNS.index("lot")] for row in expected} >= {"501", "505", "13MWZ"}


@pytest.mark.django_db(transaction=True)
def test_key_repeated_in_batches_in_flight(tmp_path):
    # With one row per batch, every version of listing 1 is in flight while
    # the next is read: the counts and the stored row follow file order.
    lines = [
        product_line(1, title="Levi's 550"),
        variant_line(1, 1),
        listing_line(1, 1, updated_at="2026-01-01T00:00:00Z", title="Levi's 505"),
        listing_line(1, 1, updated_at="2026-02-01T00:00:00Z", title="Levi's 517"),
        listing_line(1, 1, updated_at="2026-02-01T00:00:00Z", title="Levi's 517"),
        listing_line(1, 1, updated_at="2026-01-01T00:00:00Z", title="Levi's 505"),
    ]
    path = write_jsonl(tmp_path / "export.jsonl", lines)

    report = ingest_file(path, WHATNOT, processes=2, batch_size=1)

    assert report.counts() == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "older": 1,
        "rejected": 0,
    }
    listing = MarketListing.objects.get()
    assert (listing.title, listing.lot, listing.fit) == ("Levi's 517", "517", "bootcut")


@pytest.mark.django_db(transaction=True)
def test_unchanged_rows_skip_extraction(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "export.jsonl", varied_lines(40))
    ingest_file(path, WHATNOT, processes=1, batch_size=8)
    sent: list[int] = []

    class Counting(InlineExtraction):
        def submit(self, inputs):
            sent.append(len(inputs))
            return super().submit(inputs)

    monkeypatch.setattr(
        "research.ingest.pipeline.extraction_for",
        lambda total_bytes, processes=None: Counting(),
    )

    report = ingest_file(path, WHATNOT, batch_size=8)

    assert report.unchanged == 40
    assert sent == []


def test_dead_worker_falls_back_inline():
    inputs = [(title, "", "", "", "", {}) for title in TITLES]
    extraction = ProcessExtraction(1)
    try:
        first = extraction.submit(inputs)
        assert extraction.result(first, inputs) == [
            extract_for_fields(*fields) for fields in inputs
        ]
        for pid in child_pids():
            os.kill(int(pid), signal.SIGKILL)
        second = extraction.submit(inputs)
        values = extraction.result(second, inputs)
        third = extraction.submit(inputs)
        later = extraction.result(third, inputs)
    finally:
        extraction.close()

    assert values == later == [extract_for_fields(*fields) for fields in inputs]
    assert third is None


def child_pids() -> list[str]:
    pids: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        pids.extend((task / "children").read_text(encoding="ascii").split())
    return pids


def test_choice_of_extraction(settings):
    settings.RESEARCH_INGEST_PROCESSES = 1
    settings.RESEARCH_INGEST_PARALLEL_MIN_BYTES = 1000

    small = extraction_for(999)
    large = extraction_for(1000)
    forced_inline = extraction_for(10**9, processes=0)
    large.close()

    assert isinstance(small, InlineExtraction)
    assert isinstance(large, ProcessExtraction)
    assert large.processes == 1
    assert isinstance(forced_inline, InlineExtraction)


def _choose_in_daemon(queue) -> None:
    chosen = extraction_for(10**9, processes=2)
    queue.put(type(chosen).__name__)
    chosen.close()


def test_daemonic_process_extracts_inline():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_choose_in_daemon, args=(queue,), daemon=True)
    child.start()
    chosen = queue.get(timeout=30)
    child.join(timeout=30)

    assert chosen == "InlineExtraction"
