"""Whatnot bulk exports of a seller's listings, from start to ingestion.

`start_listing_export` runs research's listing export query as a bulk
operation, or follows the seller's running one. `follow_export` checks the
operation once: COMPLETED ingests the result, COMPLETED_WITH_FAILURES ingests
it and marks the run partial, FAILED and CANCELLED record the error and ingest
nothing, and an expired or unknown download link starts a new export. Polls
and the bulk_operation/finished webhook both call `follow_export`; moving the
run from running to downloading in one UPDATE lets only one of them ingest.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from research.ingest.importers.whatnot_export import LISTING_EXPORT_QUERY
from research.ingest.runs import execute_import_run
from research.models import ImportRun
from whatnot.client import WhatnotClient
from whatnot.client.bulk import (
    CANCELLED,
    COMPLETED_WITH_FAILURES,
    FAILED,
    BulkOperationRunning,
    RemoteBulkOperation,
    get_bulk_operation,
    get_current_bulk_operation,
    start_bulk_query,
)
from whatnot.models import BulkOperationRun

from .bulk_download import DownloadError, ResultExpired, download_result

logger = logging.getLogger(__name__)

# Replacement exports started for one expired result before giving up.
MAX_RESTARTS = 3
# A run left downloading or ingesting this long lost its worker.
STALE_AFTER = timedelta(minutes=10)
# Seconds between heartbeats a long download or ingestion writes to its run.
HEARTBEAT_SECONDS = 30


@dataclass(frozen=True)
class FollowOutcome:
    """What one check of an export did.

    `waiting` means Whatnot is still running it; `busy` means another worker
    holds the run; `restarted_as` is the run of the replacement export.
    """

    waiting: bool = False
    busy: bool = False
    restarted_as: BulkOperationRun | None = None


def start_listing_export(seller, client: WhatnotClient) -> BulkOperationRun:
    """Start a listing export for `seller`, or follow the one that is running."""
    adopted = False
    try:
        remote = start_bulk_query(client, LISTING_EXPORT_QUERY)
    except BulkOperationRunning:
        remote = get_current_bulk_operation(client)
        if remote is None:
            raise
        adopted = True
        logger.info(
            "seller %s already runs bulk operation %s; following it",
            seller.pk,
            remote.id,
        )
    run, created = BulkOperationRun.objects.get_or_create(
        whatnot_id=remote.id,
        defaults={
            "seller": seller,
            "remote_status": remote.status,
            "adopted": adopted,
        },
    )
    if created:
        logger.info("bulk export %s started for seller %s", remote.id, seller.pk)
    return run


def adopt_operation(seller, operation_id: str) -> BulkOperationRun:
    """Return the run of an operation selvedge did not start, creating it."""
    run, _ = BulkOperationRun.objects.get_or_create(
        whatnot_id=operation_id, defaults={"seller": seller, "adopted": True}
    )
    return run


def follow_export(run: BulkOperationRun, client: WhatnotClient) -> FollowOutcome:
    """Check the export once and act on its status; see the module docstring."""
    run.refresh_from_db()
    if run.is_finished:
        return FollowOutcome()
    held_elsewhere = run.status != BulkOperationRun.Status.RUNNING
    if held_elsewhere and not _take_over_stale(run):
        return FollowOutcome(busy=True)
    remote = get_bulk_operation(client, run.whatnot_id)
    if remote is None:
        finish(
            run,
            BulkOperationRun.Status.FAILED,
            error="Whatnot has no bulk operation with this id.",
        )
        return FollowOutcome()
    _record_remote(run, remote)
    if remote.running:
        return FollowOutcome(waiting=True)
    if remote.status in (FAILED, CANCELLED):
        finish(
            run,
            BulkOperationRun.Status.FAILED,
            error=f"Whatnot reported the export {remote.status}; nothing was ingested.",
        )
        return FollowOutcome()
    if remote.type == "MUTATION":
        finish(
            run,
            BulkOperationRun.Status.SKIPPED,
            error="The operation is a bulk mutation, not an export; nothing to ingest.",
        )
        return FollowOutcome()
    if not _claim(run):
        return FollowOutcome(busy=True)
    return _download_and_ingest(run, remote, client)


def poll_delay(run: BulkOperationRun) -> float:
    """Return seconds until the next poll: doubling from the first delay."""
    first = settings.WHATNOT_BULK_POLL_SECONDS
    return min(
        settings.WHATNOT_BULK_POLL_MAX_SECONDS, first * 2 ** max(0, run.polls - 1)
    )


def waited_too_long(run: BulkOperationRun) -> bool:
    limit = timedelta(seconds=settings.WHATNOT_BULK_MAX_WAIT_SECONDS)
    return timezone.now() - run.created_at > limit


def reserve_poll(run: BulkOperationRun, delay: float) -> bool:
    """Mark a poll as scheduled in `delay` seconds unless one already is.

    Returns False when an earlier-scheduled poll is still ahead, so a webhook
    and a poll chain never both keep polling.
    """
    now = timezone.now()
    due = now + timedelta(seconds=delay)
    free = BulkOperationRun.objects.filter(pk=run.pk).exclude(next_poll_at__gt=now)
    return bool(free.update(next_poll_at=due))


def finish(
    run: BulkOperationRun, status: str, *, error: str = "", reason: str = ""
) -> None:
    run.status = status
    run.error = error
    run.partial_reason = reason
    run.finished_at = timezone.now()
    run.next_poll_at = None
    run.save(
        update_fields=[
            "status",
            "error",
            "partial_reason",
            "finished_at",
            "next_poll_at",
            "updated_at",
        ]
    )
    log = logger.warning if status == BulkOperationRun.Status.FAILED else logger.info
    log(
        "bulk export %s of seller %s: %s %s",
        run.whatnot_id,
        run.seller_id,
        status,
        error or reason,
    )


def _record_remote(run: BulkOperationRun, remote: RemoteBulkOperation) -> None:
    run.remote_status = remote.status
    run.polls += 1
    if remote.result_url:
        run.result_url = remote.result_url
    run.save(update_fields=["remote_status", "polls", "result_url", "updated_at"])


def _claim(run: BulkOperationRun) -> bool:
    claimed = BulkOperationRun.objects.filter(
        pk=run.pk, status=BulkOperationRun.Status.RUNNING
    ).update(status=BulkOperationRun.Status.DOWNLOADING, updated_at=timezone.now())
    if claimed:
        run.status = BulkOperationRun.Status.DOWNLOADING
    return bool(claimed)


def _take_over_stale(run: BulkOperationRun) -> bool:
    """Move a run whose worker died mid-download back to running."""
    stale_before = timezone.now() - STALE_AFTER
    taken = BulkOperationRun.objects.filter(
        pk=run.pk,
        status__in=[
            BulkOperationRun.Status.DOWNLOADING,
            BulkOperationRun.Status.INGESTING,
        ],
        updated_at__lt=stale_before,
    ).update(status=BulkOperationRun.Status.RUNNING, updated_at=timezone.now())
    if taken:
        logger.warning(
            "taking over bulk export %s from a silent worker", run.whatnot_id
        )
        run.status = BulkOperationRun.Status.RUNNING
    return bool(taken)


def _download_and_ingest(
    run: BulkOperationRun, remote: RemoteBulkOperation, client: WhatnotClient
) -> FollowOutcome:
    if not run.seller.include_in_market_research:
        finish(
            run,
            BulkOperationRun.Status.SKIPPED,
            reason="The seller turned off market research; nothing was ingested.",
        )
        return FollowOutcome()
    if not remote.result_url:
        finish(
            run,
            BulkOperationRun.Status.FAILED,
            error="Whatnot gave no download link for the result.",
        )
        return FollowOutcome()
    directory = Path(settings.WHATNOT_BULK_DOWNLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix="bulk-") as scratch:
        path = Path(scratch) / "result.jsonl"
        try:
            downloaded = _download(run, remote.result_url, path)
        except ResultExpired as exc:
            return _restart(run, client, str(exc))
        except DownloadError as exc:
            finish(run, BulkOperationRun.Status.FAILED, error=str(exc))
            return FollowOutcome()
        _ingest(run, remote, downloaded.path)
    return FollowOutcome()


def _download(run: BulkOperationRun, url: str, path: Path):
    heartbeat = _Heartbeat(run)
    try:
        downloaded = download_result(
            url,
            path,
            attempts=settings.WHATNOT_BULK_DOWNLOAD_ATTEMPTS,
            timeout=(settings.WHATNOT_CONNECT_TIMEOUT, settings.WHATNOT_READ_TIMEOUT),
            on_progress=heartbeat.bytes_written,
        )
    finally:
        run.bytes_downloaded = heartbeat.written
        run.save(update_fields=["bytes_downloaded", "updated_at"])
    run.download_attempts = downloaded.attempts
    run.bytes_downloaded = downloaded.size
    run.expected_bytes = downloaded.size
    run.save(
        update_fields=[
            "download_attempts",
            "bytes_downloaded",
            "expected_bytes",
            "updated_at",
        ]
    )
    return downloaded


def _ingest(run: BulkOperationRun, remote: RemoteBulkOperation, path: Path) -> None:
    import_run = ImportRun.objects.create(
        kind=ImportRun.Kind.IMPORT,
        platform="whatnot-export",
        file_format="jsonl",
        seller=run.seller,
        source_name=f"Whatnot bulk export {run.whatnot_id}",
        total_bytes=path.stat().st_size,
    )
    run.status = BulkOperationRun.Status.INGESTING
    run.import_run = import_run
    run.save(update_fields=["status", "import_run", "updated_at"])
    heartbeat = _Heartbeat(run)
    report = execute_import_run(import_run, path, on_progress=heartbeat.report)
    if report is None:
        finish(run, BulkOperationRun.Status.FAILED, error=import_run.error)
        return
    reasons = []
    if remote.status == COMPLETED_WITH_FAILURES:
        reasons.append(
            "Whatnot completed the export with failures, so some listings may be "
            "missing from it."
        )
    if report.rejected:
        reasons.append(
            f"{report.rejected} lines of the file were rejected; see import run "
            f"#{import_run.pk}."
        )
    if reasons:
        finish(run, BulkOperationRun.Status.PARTIAL, reason=" ".join(reasons))
    else:
        finish(run, BulkOperationRun.Status.SUCCEEDED)


def _restart(
    run: BulkOperationRun, client: WhatnotClient, reason: str
) -> FollowOutcome:
    depth = 0
    ancestor = run
    while ancestor.restarted_from_id is not None and depth <= MAX_RESTARTS:
        ancestor = ancestor.restarted_from
        depth += 1
    if depth >= MAX_RESTARTS:
        finish(
            run,
            BulkOperationRun.Status.FAILED,
            error=f"{reason}; gave up after {MAX_RESTARTS} replacement exports.",
        )
        return FollowOutcome()
    replacement = start_listing_export(run.seller, client)
    if replacement.pk != run.pk and replacement.restarted_from_id is None:
        replacement.restarted_from = run
        replacement.save(update_fields=["restarted_from", "updated_at"])
    finish(
        run,
        BulkOperationRun.Status.RESTARTED,
        error=f"{reason}; the export was started again as {replacement.whatnot_id}.",
    )
    return FollowOutcome(restarted_as=replacement)


class _Heartbeat:
    """Touch the run now and then, so a long download or ingestion is not
    taken for a dead worker's."""

    def __init__(self, run: BulkOperationRun):
        self.run = run
        self.written = 0
        self._last = timezone.now()

    def bytes_written(self, written: int) -> None:
        self.written = written
        self._beat()

    def report(self, report) -> None:
        self._beat()

    def _beat(self) -> None:
        now = timezone.now()
        if (now - self._last).total_seconds() >= HEARTBEAT_SECONDS:
            BulkOperationRun.objects.filter(pk=self.run.pk).update(updated_at=now)
            self._last = now
