"""Ingest work in worker processes: parsing, mapping and extraction."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from research.attributes import ATTRIBUTE_COLUMNS, extract_for_fields
from research.ingest import get_importer, ingest_file
from research.ingest.importers import ImportContext
from research.ingest.pipeline import _next_chunk, prepare_lines
from research.ingest.readers import JsonlReader
from research.ingest.report import REJECTED_LINES_KEPT, IngestReport
from research.ingest.workers import InProcess, WorkerPool, extract_rows, workers_for
from research.ingest.writer import SOURCE_COLUMNS, PreparedRow
from research.models import MarketListing
from tests.fixtures.processes import ROOT, child_process_env
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

WHATNOT = get_importer("whatnot-export")
COLUMNS = ("external_id", "title", *ATTRIBUTE_COLUMNS, "extractor_version")

SOURCE_TITLE = SOURCE_COLUMNS.index("title")
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


def embedded_line(number: int, *, title: str, updated_at: str) -> dict:
    """A listing line with its variant and product inside, as in the bench file."""
    line = listing_line(number, number, updated_at=updated_at, title=title)
    del line["__parentId"]
    line["productVariant"] = {
        "id": global_id("ProductVariant", number),
        "sku": f"SKU-{number}",
        "product": {"id": global_id("Product", number), "title": title},
    }
    return line


def embedded_lines(count: int) -> list[dict]:
    return [
        embedded_line(
            number,
            title=f"{TITLES[number % len(TITLES)]} #{number}",
            updated_at="2026-01-01T00:00:00Z",
        )
        for number in range(1, count + 1)
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shape", ["parent lines", "embedded"])
def test_workers_match_inline_ingest(tmp_path, shape):
    lines = varied_lines(120) if shape == "parent lines" else embedded_lines(120)
    path = write_jsonl(tmp_path / "export.jsonl", lines, raw_tail='{"id": "cut')
    inline = ingest_file(path, WHATNOT, processes=0, batch_size=16)
    expected = stored()
    MarketListing.objects.all().delete()

    parallel = ingest_file(path, WHATNOT, processes=2, batch_size=16)

    assert parallel.counts() == inline.counts()
    assert parallel.lines_read == inline.lines_read
    assert parallel.parent_lines == inline.parent_lines
    assert parallel.rejected_lines == inline.rejected_lines
    assert parallel.created == 120
    assert parallel.rejected == 1
    assert stored() == expected
    assert {row[COLUMNS.index("lot")] for row in expected} >= {"501", "505", "13MWZ"}


@pytest.mark.django_db(transaction=True)
def test_workers_match_inline_csv(tmp_path):
    path = write_csv(
        tmp_path / "poshmark.csv",
        POSHMARK_HEADER,
        [poshmark_row(number) for number in range(1, 41)],
    )
    poshmark = get_importer("poshmark")
    inline = ingest_file(path, poshmark, processes=0, batch_size=8)
    expected = stored()
    MarketListing.objects.all().delete()

    parallel = ingest_file(path, poshmark, processes=1, batch_size=8)

    assert parallel.counts() == inline.counts()
    assert parallel.created == 40
    assert stored() == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shape", ["parent lines", "embedded"])
def test_key_repeated_in_batches_in_flight(tmp_path, shape):
    # With one row per batch and one line per chunk, every version of listing
    # 1 is in flight while the next is read: counts and the stored row still
    # follow file order.
    versions = [
        ("2026-01-01T00:00:00Z", "Levi's 505"),
        ("2026-02-01T00:00:00Z", "Levi's 517"),
        ("2026-02-01T00:00:00Z", "Levi's 517"),
        ("2026-01-01T00:00:00Z", "Levi's 505"),
    ]
    if shape == "embedded":
        lines = [
            embedded_line(1, title=title, updated_at=updated_at)
            for updated_at, title in versions
        ]
    else:
        lines = [product_line(1, title="Levi's 550"), variant_line(1, 1)] + [
            listing_line(1, 1, updated_at=updated_at, title=title)
            for updated_at, title in versions
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
    assert listing.title == "Levi's 517"
    assert (listing.lot, listing.fit) == ("517", "bootcut")
    assert listing.source_updated_at == datetime(2026, 2, 1, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_worker_skips_extracting_stored_rows(tmp_path):
    lines = embedded_lines(30)
    lines[4]["title"] = "Levi's 517 changed"
    lines[4]["updatedAt"] = "2026-03-01T00:00:00Z"
    first = write_jsonl(tmp_path / "first.jsonl", embedded_lines(30))
    ingest_file(first, WHATNOT, processes=1)
    path = write_jsonl(tmp_path / "second.jsonl", lines)
    with path.open("rb") as stream:
        chunk = list(JsonlReader(stream).lines())
    context = ImportContext(observed_at=datetime(2026, 4, 1, tzinfo=UTC))

    prepared = prepare_lines(WHATNOT.name, "whatnot", (None, None), context, chunk)

    rows = [PreparedRow(*item[2:]) for item in prepared]
    assert len(rows) == 30
    changed = rows.pop(4)
    assert changed.attributes is not None
    assert changed.checked is False
    assert all(row.checked for row in rows)
    assert all(row.attributes is None for row in rows)


@pytest.mark.django_db(transaction=True)
def test_unchanged_rows_skip_extraction(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "export.jsonl", varied_lines(40))
    ingest_file(path, WHATNOT, processes=1, batch_size=8)
    sent: list[int] = []

    class Counting(InProcess):
        def submit(self, function, *args):
            sent.append(len(args[-1]))
            return super().submit(function, *args)

    monkeypatch.setattr(
        "research.ingest.pipeline.workers_for",
        lambda total_bytes, processes=None: Counting(),
    )

    report = ingest_file(path, WHATNOT, batch_size=8)

    assert report.unchanged == 40
    assert sent == []


def test_dead_worker_falls_back_inline():
    inputs = [(title, "", "", "", "", {}) for title in TITLES]
    expected = [extract_for_fields(*fields) for fields in inputs]
    pool = WorkerPool(1)
    try:
        first = pool.submit(extract_rows, inputs)
        assert pool.result(first, extract_rows, inputs) == expected
        for pid in child_pids():
            os.kill(int(pid), signal.SIGKILL)
        second = pool.submit(extract_rows, inputs)
        values = pool.result(second, extract_rows, inputs)
        third = pool.submit(extract_rows, inputs)
        later = pool.result(third, extract_rows, inputs)
    finally:
        pool.close()

    assert values == expected
    assert later == expected
    assert third is None


def child_pids() -> list[str]:
    pids: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        pids.extend((task / "children").read_text(encoding="ascii").split())
    return pids


def test_choice_of_workers(settings):
    settings.RESEARCH_INGEST_PROCESSES = 1
    settings.RESEARCH_INGEST_PARALLEL_MIN_BYTES = 1000

    small = workers_for(999)
    large = workers_for(1000)
    forced_inline = workers_for(10**9, processes=0)
    large.close()

    assert isinstance(small, InProcess)
    assert isinstance(large, WorkerPool)
    assert large.processes == 1
    assert isinstance(forced_inline, InProcess)


def _choose_in_daemon(queue) -> None:
    chosen = workers_for(10**9, processes=2)
    queue.put(type(chosen).__name__)
    chosen.close()


def test_daemonic_process_works_inline():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_choose_in_daemon, args=(queue,), daemon=True)
    child.start()
    chosen = queue.get(timeout=30)
    child.join(timeout=30)

    assert chosen == "InProcess"


@pytest.mark.django_db(transaction=True)
def test_prepared_rows_survive_pickling():
    line = json.dumps(
        embedded_line(7, title="Levi's 501", updated_at="2026-01-01T00:00:00Z")
    )
    context = ImportContext(observed_at=datetime(2026, 4, 1, tzinfo=UTC))
    pool = WorkerPool(1)
    try:
        args = (WHATNOT.name, "whatnot", (None, None), context, [(1, line.encode())])
        handle = pool.submit(prepare_lines, *args)
        [(kind, number, *fields)] = pool.result(handle, prepare_lines, *args)
    finally:
        pool.close()

    row = PreparedRow(*fields)
    assert (kind, number) == ("row", 1)
    assert row.external_id == global_id("BuyItNowListing", 7)
    assert row.values[SOURCE_TITLE] == "Levi's 501"


@pytest.mark.django_db
def test_postgres_statistics_refreshed(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are refreshed on PostgreSQL only")
    monkeypatch.setattr("research.ingest.writer.ANALYZE_AFTER_ROWS", 10)
    path = write_jsonl(tmp_path / "export.jsonl", embedded_lines(30))

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s",
                [MarketListing._meta.db_table],
            )
            return cursor.fetchone()[0]

    before = estimated_rows()
    ingest_file(path, WHATNOT, processes=0, batch_size=10)

    # Analyzed after 10 rows and again after 20; the next is due at 40.
    assert before != 20
    assert estimated_rows() == 20


@pytest.mark.django_db(transaction=True)
def test_deeply_nested_parent_line(tmp_path):
    # Nesting the JSON parser takes but pickling a result back from a worker
    # does not: the chunk is prepared again in the ingesting process.
    lines = varied_lines(3)
    deep: list = []
    for _ in range(600):
        deep = [deep]
    lines[0]["tags"] = deep
    path = write_jsonl(tmp_path / "export.jsonl", lines)
    inline = ingest_file(path, WHATNOT, processes=0)
    MarketListing.objects.all().delete()

    parallel = ingest_file(path, WHATNOT, processes=2)

    assert parallel.counts() == inline.counts()
    assert parallel.created == 3


def test_chunks_bounded_by_bytes(monkeypatch):
    monkeypatch.setattr("research.ingest.pipeline.CHUNK_BYTES", 1000)
    lines = iter([(number, b"x" * 400) for number in range(1, 11)])

    first = _next_chunk(lines)
    second = _next_chunk(lines)

    assert [number for number, _ in first] == [1, 2, 3]
    assert [number for number, _ in second] == [4, 5, 6]


def test_rejected_lines_kept_lowest_first():
    report = IngestReport()
    for line in [900, *range(REJECTED_LINES_KEPT + 10, 10, -1), 5]:
        report.reject(line, f"bad line {line}")

    listed = [entry["line"] for entry in report.rejected_lines]
    assert report.rejected == REJECTED_LINES_KEPT + 2
    assert listed == sorted(listed)
    assert listed[0] == 5
    assert len(listed) == REJECTED_LINES_KEPT
    assert 900 not in listed


ORPHAN_SCRIPT = """
import os, signal, sys
import django
django.setup()
from research.ingest.workers import WorkerPool
pool = WorkerPool(2)
pool.result(pool.submit(os.getpid), os.getpid)
for task in os.listdir("/proc/self/task"):
    with open(f"/proc/self/task/{task}/children") as children:
        sys.stdout.write(children.read())
sys.stdout.write("\\n")
sys.stdout.flush()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_workers_exit_when_parent_killed():
    result = subprocess.run(
        [sys.executable, "-c", ORPHAN_SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_process_env(),
        timeout=60,
    )
    workers = result.stdout.split()
    assert len(workers) == 2, result.stderr

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.2)

    assert not any(alive(pid) for pid in workers)


def alive(pid: str) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"
