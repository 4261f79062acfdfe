"""Memory stays flat while a large file is ingested."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fixtures.processes import ROOT, child_process_env
from tests.research.exports import export_lines, write_jsonl

PRODUCTS = 100_000
# Growth allowed from before the run to its peak: one batch of rows, the
# scratch database's page cache, the recent-parents cache and allocator slack.
MAX_GROWTH_KB = 40 * 1024
# With two worker processes, the growth from before the run to the end of the
# first batch: each worker's own copy of the pages it writes to, the chunks in
# flight and the ingesting process's allocator slack.
MAX_WARM_UP_KB = 80 * 1024
# After the first batch, the memory of all processes together may still grow
# by this much over the remaining 49 batches, no more.
MAX_LATER_GROWTH_KB = 20 * 1024


def ingest_in_child(path, processes: int) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.research.ingest_rss",
            str(path),
            "whatnot-export",
            str(processes),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_process_env(),
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.slow
def test_rss_flat_children_first(tmp_path, transactional_db):
    # Children first: every listing waits for its parents, the worst case.
    path = write_jsonl(tmp_path / "large.jsonl", reversed(export_lines(PRODUCTS)))
    file_kb = path.stat().st_size // 1024

    figures = ingest_in_child(path, processes=0)

    growth = figures["peak_kb"] - figures["before_kb"]
    assert figures["counts"]["created"] == PRODUCTS
    assert figures["counts"]["rejected"] == 0
    assert figures["batches"] >= 20
    assert figures["workers_seen"] == 0
    assert file_kb > MAX_GROWTH_KB
    assert growth < MAX_GROWTH_KB, figures


@pytest.mark.slow
def test_memory_flat_with_worker_processes(tmp_path, transactional_db):
    path = write_jsonl(tmp_path / "large.jsonl", export_lines(PRODUCTS))

    figures = ingest_in_child(path, processes=2)

    assert figures["counts"]["created"] == PRODUCTS
    assert figures["counts"]["rejected"] == 0
    assert figures["workers_seen"] == 2
    warm_up = figures["after_first_batch_family_pss_kb"] - figures["before_pss_kb"]
    later = figures["peak_family_pss_kb"] - figures["after_first_batch_family_pss_kb"]
    assert warm_up < MAX_WARM_UP_KB, figures
    assert later < MAX_LATER_GROWTH_KB, figures
