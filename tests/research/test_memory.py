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


@pytest.mark.slow
def test_rss_flat_children_first(tmp_path, transactional_db):
    # Children first: every listing waits for its parents, the worst case.
    path = write_jsonl(tmp_path / "large.jsonl", reversed(export_lines(PRODUCTS)))
    file_kb = path.stat().st_size // 1024

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.research.ingest_rss",
            str(path),
            "whatnot-export",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_process_env(),
        timeout=600,
        check=True,
    )

    figures = json.loads(result.stdout.splitlines()[-1])
    growth = figures["peak_kb"] - figures["before_kb"]
    assert figures["counts"]["created"] == PRODUCTS
    assert figures["counts"]["rejected"] == 0
    assert figures["batches"] >= 20
    assert file_kb > MAX_GROWTH_KB
    assert growth < MAX_GROWTH_KB, figures
