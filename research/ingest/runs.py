"""Run an ImportRun: ingest its file and keep its status and counts current."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..cohorts import enqueue_summary_refresh
from ..models import Dataset, ImportRun
from .importers import get_importer
from .pipeline import ingest_file
from .readers import FileFormatError
from .report import IngestReport

logger = logging.getLogger(__name__)

# Seconds between progress writes to the run's row.
PROGRESS_INTERVAL = 1.0


def dataset_for_file(name: str, platform: str, created_by=None) -> Dataset:
    """Return the dataset called `name` for `platform`, creating it if new."""
    dataset = Dataset.objects.filter(name=name, platform=platform).first()
    if dataset is None:
        dataset = Dataset.objects.create(
            name=name, platform=platform, created_by=created_by
        )
    return dataset


def copy_report(run: ImportRun, report: IngestReport) -> None:
    run.progress = report.progress
    run.total_bytes = report.total_bytes
    run.processed_bytes = report.bytes_read
    run.processed_lines = report.lines_read
    run.created_count = report.created
    run.updated_count = report.updated
    run.unchanged_count = report.unchanged
    run.older_count = report.older
    run.rejected_count = report.rejected
    run.rejected_lines = report.rejected_lines


_PROGRESS_FIELDS = [
    "progress",
    "total_bytes",
    "processed_bytes",
    "processed_lines",
    "created_count",
    "updated_count",
    "unchanged_count",
    "older_count",
    "rejected_count",
    "rejected_lines",
    "updated_at",
]


def execute_import_run(
    run: ImportRun,
    path: str | Path,
    *,
    observed_at: datetime | None = None,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport | None:
    """Ingest `path` for `run`, recording progress, counts and the outcome.

    A file that cannot be read marks the run failed with the error, and the
    function returns None. Any other exception also fails the run and is raised
    again.
    """
    importer = get_importer(run.platform)
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.finished_at = None
    run.error = ""
    run.save(
        update_fields=["status", "started_at", "finished_at", "error", "updated_at"]
    )
    last_write = time.monotonic()

    def progress(report: IngestReport) -> None:
        nonlocal last_write
        if on_progress is not None:
            on_progress(report)
        if time.monotonic() - last_write >= PROGRESS_INTERVAL:
            copy_report(run, report)
            run.save(update_fields=_PROGRESS_FIELDS)
            last_write = time.monotonic()

    try:
        report = ingest_file(
            path,
            importer,
            file_format=run.file_format or None,
            dataset_id=run.dataset_id,
            seller_id=run.seller_id,
            observed_at=observed_at,
            on_progress=progress,
        )
    except FileFormatError as exc:
        _finish(run, ImportRun.Status.FAILED, error=str(exc))
        logger.warning("import run %s failed: %s", run.pk, exc)
        return None
    except Exception as exc:
        _finish(run, ImportRun.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        logger.exception("import run %s failed", run.pk)
        raise
    copy_report(run, report)
    _finish(run, ImportRun.Status.SUCCEEDED)
    if report.created or report.updated:
        enqueue_summary_refresh(dataset_id=run.dataset_id, seller_id=run.seller_id)
    logger.info(
        "import run %s finished: %s",
        run.pk,
        ", ".join(f"{name} {count}" for name, count in report.counts().items()),
    )
    return report


def _finish(run: ImportRun, status: str, error: str = "") -> None:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    if status == ImportRun.Status.SUCCEEDED:
        run.progress = 100
    with transaction.atomic():
        run.save()


# A running import whose row has not been touched for this long lost its
# worker; the task may take it over.
STALE_AFTER_SECONDS = 300


def claim_import_run(run_id: int) -> ImportRun | None:
    """Return the run if this worker may execute it now, else None.

    A queued run is claimed by moving it to running in one UPDATE, so two
    deliveries of the same task cannot both start it. A running run is taken
    over only when its progress has been silent for STALE_AFTER_SECONDS, which
    means the worker that had it died. Finished runs are left alone.
    """
    now = timezone.now()
    claimed = ImportRun.objects.filter(
        pk=run_id, status=ImportRun.Status.QUEUED
    ).update(status=ImportRun.Status.RUNNING, started_at=now, updated_at=now)
    if not claimed:
        stale_before = now - timedelta(seconds=STALE_AFTER_SECONDS)
        claimed = ImportRun.objects.filter(
            pk=run_id, status=ImportRun.Status.RUNNING, updated_at__lt=stale_before
        ).update(updated_at=now)
    if not claimed:
        return None
    return ImportRun.objects.get(pk=run_id)
