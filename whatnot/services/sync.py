"""Sync runs: copy a seller's Whatnot listings and orders into the mirror.

A run walks pages in two phases, listings then orders. Each stored page and
the cursor after it are committed in one transaction, so a run that dies
resumes from the page after the last stored one and counts nothing twice.

- full: every listing, oldest created first, then every order; listings the
  sweep did not see are marked removed.
- incremental: listings updated and orders created since the last successful
  run started (less WHATNOT_SYNC_OVERLAP_SECONDS for clock skew), oldest
  update first. Without a successful run before it, it runs as a full sync.
- reconcile: a full sweep whose changes are counted as repairs, since the
  webhooks should have delivered them.

A worker claims a run by setting ``lease_until`` and extends the lease after
every page. Once a lease lapses, because its worker died, another worker can
claim the run, and it resumes from its cursor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from whatnot.client.errors import MissingScope
from whatnot.client.parsing import check_next_cursor
from whatnot.models import SyncRun

from .orders import upsert_orders
from .upsert import UpsertOutcome, mark_missing_listings, upsert_listings

logger = logging.getLogger(__name__)

PageCallback = Callable[[SyncRun, int], None]


class LeaseLost(Exception):
    """Another worker claimed the run after this worker's lease lapsed."""


def queue_sync(user, kind: str = SyncRun.Kind.FULL) -> SyncRun:
    """Create a queued sync run for ``user`` and enqueue it once the
    transaction commits.

    A seller has at most one queued or running run. When one exists, it is
    returned instead, and enqueued again if its worker seems gone.
    """
    if kind not in SyncRun.Kind.values:
        raise ValueError(
            f"unknown sync kind {kind!r}; use one of {', '.join(SyncRun.Kind.values)}"
        )
    with transaction.atomic():
        active = active_run(user)
        if active is None:
            try:
                with transaction.atomic():
                    run = SyncRun.objects.create(seller=user, kind=kind)
            except IntegrityError:
                # Another request created the seller's run between the two
                # statements, and the partial unique index rejected this one.
                return active_run(user)
            transaction.on_commit(lambda: enqueue_run(run.pk))
            return run
        if run_is_stale(active):
            logger.info("Sync run %s seems abandoned; enqueuing it again", active.pk)
            transaction.on_commit(lambda: enqueue_run(active.pk))
        return active


def start_run_now(user, kind: str) -> SyncRun | None:
    """Create and claim a run for this process to execute, or claim the
    seller's abandoned run to resume it. Returns None while a live worker has
    the seller's run claimed."""
    with transaction.atomic():
        active = active_run(user)
        if active is None:
            active = SyncRun.objects.create(seller=user, kind=kind)
        elif not run_is_stale(active):
            return None
    return claim_run(active.pk)


def active_run(user) -> SyncRun | None:
    return (
        SyncRun.objects.filter(seller=user, status__in=SyncRun.ACTIVE_STATUSES)
        .order_by("queued_at")
        .first()
    )


def enqueue_run(run_id: int) -> None:
    from whatnot.tasks.sync import sync_seller_task

    sync_seller_task.delay(run_id)


def run_is_stale(run: SyncRun) -> bool:
    """Return True when no worker has the run claimed: its lease lapsed, or it
    waited in the queue longer than a lease."""
    now = timezone.now()
    if run.lease_until is not None:
        return run.lease_until < now
    return run.queued_at < now - lease_duration()


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.WHATNOT_SYNC_LEASE_SECONDS)


def claim_run(run_id: int) -> SyncRun | None:
    """Take the lease on a queued run, or on a running one whose lease lapsed.

    Returns None when the run is finished, gone or held by another worker.
    """
    now = timezone.now()
    lease_until = now + lease_duration()
    claimed = (
        SyncRun.objects.filter(pk=run_id, status__in=SyncRun.ACTIVE_STATUSES)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            status=SyncRun.Status.RUNNING,
            lease_until=lease_until,
            started_at=Coalesce("started_at", Value(now)),
        )
    )
    if not claimed:
        return None
    run = SyncRun.objects.select_related("seller").get(pk=run_id)
    if run.kind == SyncRun.Kind.INCREMENTAL and run.since is None:
        _choose_since(run)
    return run


def release_run(run: SyncRun) -> None:
    """Give the lease back so that the next task can continue at once."""
    SyncRun.objects.filter(pk=run.pk, lease_until=run.lease_until).update(
        lease_until=None
    )


def fail_run(run: SyncRun, message: str) -> None:
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRun.Status.FAILED, error=message, finished_at=now, lease_until=None
    )
    run.status, run.error, run.finished_at = SyncRun.Status.FAILED, message, now
    logger.warning(
        "Sync run %s for seller %s failed: %s", run.pk, run.seller_id, message
    )


def run_sync(
    run: SyncRun,
    client,
    *,
    deadline: float | None = None,
    on_page: PageCallback | None = None,
) -> bool:
    """Continue a claimed run from its phase and cursor.

    ``deadline`` is a ``time.monotonic()`` value after which the run stops
    between pages. Returns True when the run finished, False when it stopped
    at the deadline with its cursor stored.
    """
    if run.phase == SyncRun.Phase.LISTINGS and not _sync_listings(
        run, client, deadline, on_page
    ):
        return False
    if run.phase == SyncRun.Phase.ORDERS and not _sync_orders(
        run, client, deadline, on_page
    ):
        return False
    _finish(run)
    return True


def _sync_listings(run, client, deadline, on_page) -> bool:
    cursor = run.cursor or None
    while True:
        sent_before = client.request_count
        page = client.listings_page(
            first=settings.WHATNOT_PAGE_SIZE, after=cursor, updated_since=run.since
        )
        with transaction.atomic():
            outcome = upsert_listings(run.seller, page.listings, seen_at=timezone.now())
            outcome.failed += len(page.invalid)
            _count_listings(run, outcome)
            _store_page(
                run, page.has_next_page, page.end_cursor, cursor, sent_before, client
            )
            queue_research_mirror("mirror_whatnot_listings_task", outcome.changed_ids)
        for listing_id, reason in page.invalid:
            logger.warning(
                "Sync run %s skipped Whatnot listing %r: %s", run.pk, listing_id, reason
            )
        if on_page is not None:
            on_page(run, len(page.listings) + len(page.invalid))
        if not page.has_next_page:
            return True
        check_next_cursor("listings", page.has_next_page, page.end_cursor, cursor)
        cursor = page.end_cursor
        if deadline is not None and time.monotonic() >= deadline:
            return False


def _sync_orders(run, client, deadline, on_page) -> bool:
    cursor = run.cursor or None
    while True:
        sent_before = client.request_count
        try:
            page = client.orders_page(
                first=settings.WHATNOT_PAGE_SIZE, after=cursor, created_since=run.since
            )
        except MissingScope as exc:
            # The listings are stored already, and a token without read:orders
            # should not fail the run that stored them.
            run.error = f"Orders were not synced: {exc}"
            logger.warning("Sync run %s skipped orders: %s", run.pk, exc)
            run.phase = SyncRun.Phase.DONE
            return True
        with transaction.atomic():
            outcome = upsert_orders(run.seller, page.orders)
            run.orders_count += outcome.stored
            run.failed_count += len(page.invalid)
            _store_page(
                run, page.has_next_page, page.end_cursor, cursor, sent_before, client
            )
            queue_research_mirror("mirror_whatnot_sales_task", outcome.sale_ids)
        for order_id, reason in page.invalid:
            logger.warning(
                "Sync run %s skipped Whatnot order %r: %s", run.pk, order_id, reason
            )
        if on_page is not None:
            on_page(run, 0)
        if not page.has_next_page:
            return True
        check_next_cursor("orders", page.has_next_page, page.end_cursor, cursor)
        cursor = page.end_cursor
        if deadline is not None and time.monotonic() >= deadline:
            return False


def _count_listings(run: SyncRun, outcome: UpsertOutcome) -> None:
    run.created_count += outcome.created
    run.updated_count += outcome.updated
    run.unchanged_count += outcome.unchanged
    run.failed_count += outcome.failed
    run.conflict_count += outcome.conflicts


def _store_page(run, has_next_page, end_cursor, cursor, sent_before, client) -> None:
    """Save the counters and the position after a page, and extend the lease.

    A page without a next page moves the run to its next phase. A page that
    claims a next page without a new cursor keeps the old cursor, and the
    caller then fails the run.
    """
    run.pages += 1
    run.requests += client.request_count - sent_before
    if not has_next_page:
        run.phase = (
            SyncRun.Phase.ORDERS
            if run.phase == SyncRun.Phase.LISTINGS
            else SyncRun.Phase.DONE
        )
        run.cursor = ""
    elif end_cursor and end_cursor != cursor:
        run.cursor = end_cursor
    held_until = run.lease_until
    run.lease_until = timezone.now() + lease_duration()
    saved = SyncRun.objects.filter(pk=run.pk, lease_until=held_until).update(
        **{name: getattr(run, name) for name in PAGE_STATE_FIELDS}
    )
    if not saved:
        raise LeaseLost(f"sync run {run.pk} was claimed by another worker")


PAGE_STATE_FIELDS = (
    "phase",
    "cursor",
    "pages",
    "requests",
    "created_count",
    "updated_count",
    "unchanged_count",
    "failed_count",
    "conflict_count",
    "orders_count",
    "lease_until",
    "error",
)


def _finish(run: SyncRun) -> None:
    from .push import requeue_stalled_pushes

    if run.kind in (SyncRun.Kind.FULL, SyncRun.Kind.RECONCILE):
        run.removed_count = mark_missing_listings(
            run.seller, swept_since=run.started_at
        )
    if run.kind == SyncRun.Kind.RECONCILE:
        run.repaired_count = (
            run.created_count
            + run.updated_count
            + run.removed_count
            + run.conflict_count
        )
        requeue_stalled_pushes(run.seller)
    run.status = SyncRun.Status.SUCCEEDED
    run.phase = SyncRun.Phase.DONE
    run.finished_at = timezone.now()
    run.lease_until = None
    run.save(
        update_fields=[
            "status",
            "phase",
            "finished_at",
            "lease_until",
            "removed_count",
            "repaired_count",
            "error",
        ]
    )
    logger.info(
        "Sync run %s (%s) for seller %s finished: %s created, %s updated, "
        "%s unchanged, %s failed, %s conflicts, %s removed, %s orders, "
        "%s requests",
        run.pk,
        run.kind,
        run.seller_id,
        run.created_count,
        run.updated_count,
        run.unchanged_count,
        run.failed_count,
        run.conflict_count,
        run.removed_count,
        run.orders_count,
        run.requests,
    )


def _choose_since(run: SyncRun) -> None:
    """Set an incremental run's lower bound from the last successful run, or
    turn it into a full run when there is none."""
    previous = (
        SyncRun.objects.filter(seller=run.seller, status=SyncRun.Status.SUCCEEDED)
        .exclude(started_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if previous is None:
        logger.info(
            "Sync run %s: seller %s has no successful sync yet; running a full sync",
            run.pk,
            run.seller_id,
        )
        run.kind = SyncRun.Kind.FULL
    else:
        overlap = timedelta(seconds=settings.WHATNOT_SYNC_OVERLAP_SECONDS)
        run.since = previous.started_at - overlap
    SyncRun.objects.filter(pk=run.pk).update(kind=run.kind, since=run.since)


def queue_research_mirror(task_name: str, ids: list[int]) -> None:
    """Ask research to mirror changed listings or sales once the page commits.

    ``task_name`` is ``mirror_whatnot_listings_task`` or
    ``mirror_whatnot_sales_task`` of research.tasks.imports. Bulk writes send
    no post_save signal, so research learns of synced rows only this way.
    """
    if not ids:
        return
    from research.tasks import imports

    task = getattr(imports, task_name)
    ids = list(ids)
    transaction.on_commit(lambda: task.delay(ids))
