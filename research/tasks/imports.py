"""Celery tasks for imports, the Whatnot mirror and attribute upkeep.

All run on the exports queue (see CELERY_TASK_ROUTES) and are safe to run
twice: imports are claimed before they start and upserts are idempotent.
"""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger
from django.utils import timezone

from research.ingest.reextract import reextract_attributes
from research.ingest.runs import claim_import_run, execute_import_run
from research.mirror import (
    mirror_whatnot_listings,
    mirror_whatnot_sales,
    remove_seller_market_rows,
)
from research.models import ImportRun
from research.tasks.summaries import rebuild_cohort_summaries_task

logger = get_task_logger(__name__)

# Rows re-extracted per run of the periodic task; beat runs it hourly.
REEXTRACT_ROWS_PER_RUN = 200_000


@shared_task(ignore_result=True, soft_time_limit=3600, time_limit=3660)
def import_listings_task(run_id: int) -> None:
    """Ingest an uploaded file for the ImportRun `run_id`."""
    run = claim_import_run(run_id)
    if run is None:
        logger.info("import run %s is finished or running elsewhere; skipped", run_id)
        return
    if not run.source_file:
        _fail(run, "the run has no uploaded file")
        return
    try:
        path = run.source_file.path
        open(path, "rb").close()
    except OSError as exc:
        _fail(run, f"the uploaded file cannot be read: {exc.strerror or exc}")
        return
    execute_import_run(run, path)


def _fail(run: ImportRun, error: str) -> None:
    run.status = ImportRun.Status.FAILED
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "updated_at"])
    logger.warning("import run %s failed: %s", run.pk, error)


@shared_task(ignore_result=True)
def mirror_whatnot_listings_task(listing_ids: list[int]) -> None:
    """Mirror these whatnot.Listing ids into the market listings table."""
    report = mirror_whatnot_listings(listing_ids)
    logger.info(
        "mirrored %s listings: %s",
        len(listing_ids),
        ", ".join(f"{name} {count}" for name, count in report.counts().items()),
    )


@shared_task(ignore_result=True)
def mirror_whatnot_sales_task(sale_ids: list[int]) -> None:
    """Mark the market rows of these whatnot.Sale ids sold."""
    changed = mirror_whatnot_sales(sale_ids)
    logger.info("mirrored %s sales into %s market rows", len(sale_ids), changed)


@shared_task(ignore_result=True)
def remove_seller_market_listings_task(seller_id: int) -> None:
    """Delete a seller's market rows after they opted out of market research."""
    remove_seller_market_rows(seller_id)


@shared_task(ignore_result=True, soft_time_limit=3000, time_limit=3060)
def reextract_outdated_attributes_task() -> int:
    """Re-extract rows stored by an older extractor version, a slice per run."""
    done = reextract_attributes(outdated_only=True, limit=REEXTRACT_ROWS_PER_RUN)
    if done:
        logger.info("re-extracted the attributes of %s listings", done)
        rebuild_cohort_summaries_task.delay()
    return done
