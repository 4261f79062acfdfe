"""Several processes write to one SQLite file at once without lock errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from research.models import MarketListing
from tests.fixtures.processes import ROOT, child_process_env

WRITER = r"""
import sys, django
django.setup()
from django.db import OperationalError, transaction
from research.models import MarketListing

name, count = sys.argv[1], int(sys.argv[2])
errors = 0
for i in range(count):
    try:
        with transaction.atomic():
            row = MarketListing.objects.create(
                platform="other", external_id=f"{name}-{i}", title=f"{name} {i}"
            )
            MarketListing.objects.filter(pk=row.pk).update(title=f"{name} {i} v2")
    except OperationalError as exc:
        errors += 1
        print("lock error:", exc, flush=True)
print(f"done {name} errors={errors}", flush=True)
sys.exit(1 if errors else 0)
"""


@pytest.mark.sqlite_only
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_three_processes_write_one_sqlite_file_without_lock_errors():
    writes_each = 300
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, str(writes_each)],
            cwd=ROOT,
            env=child_process_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("web", "worker-a", "worker-b")
    ]

    outputs = [writer.communicate(timeout=300)[0] for writer in writers]

    for writer, output in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, output
        assert "errors=0" in output
    assert MarketListing.objects.count() == 3 * writes_each
    assert MarketListing.objects.filter(title__endswith="v2").count() == 3 * writes_each
