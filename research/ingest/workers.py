"""Worker processes that parse, map and extract while an ingest writes.

Writing to the database happens in the ingesting process, one batch at a
time, and everything before it needs only the file's lines: parsing, mapping,
hashing and attribute extraction, the largest share of an ingest's CPU time.
On a machine with spare cores that work goes to worker processes forked from
the ingesting process, so they share its loaded code and tables. A worker
reads stored versions through a database connection of its own, and never
writes.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.util
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from ..attributes import extract_for_fields
from .rows import ListingRow

logger = logging.getLogger(__name__)

# How often a worker checks that the ingesting process still runs.
PARENT_CHECK_SECONDS = 1.0

# (title, description, brand_raw, size_raw, condition_raw, extra) of one row.
ExtractionInput = tuple


def extraction_input(row: ListingRow) -> ExtractionInput:
    """Return the fields of `row` that its attributes are read from."""
    return (
        row.title,
        row.description,
        row.brand_raw,
        row.size_raw,
        row.condition_raw,
        row.extra,
    )


def extract_rows(inputs: list[ExtractionInput]) -> list[tuple]:
    """Return the attribute column values of each row's fields, in order."""
    return [extract_for_fields(*fields) for fields in inputs]


class InProcess:
    """Run each call in the calling process when it is submitted."""

    processes = 0

    def submit(self, function: Callable, *args):
        return function(*args)

    def result(self, handle, function: Callable, *args):
        return handle

    def close(self) -> None:
        pass


class WorkerPool:
    """Run calls in a pool of forked worker processes.

    If a worker dies, the calls it had and every later one run in the calling
    process instead, so a dead worker does not fail the ingest.
    """

    def __init__(self, processes: int):
        self.processes = processes
        # Objects that exist now are left out of garbage collection until the
        # pool closes: a collection in a worker would write to every one of
        # them and copy the pages it shares with this process.
        gc.freeze()
        self._executor: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
        )

    def submit(self, function: Callable, *args) -> Future | None:
        if self._executor is None:
            return None
        try:
            return self._executor.submit(function, *args)
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            self._give_up(exc)
            return None

    def result(self, handle: Future | None, function: Callable, *args):
        if handle is not None:
            try:
                return handle.result()
            except (BrokenProcessPool, OSError) as exc:
                self._give_up(exc)
            except Exception as exc:
                # The call failed in the worker, or its result could not be
                # sent back (a value nested too deeply to pickle). This
                # process runs the call again and gets what it gets.
                logger.warning(
                    "ingest worker call %s failed (%s: %s); running it in the "
                    "ingesting process",
                    getattr(function, "__name__", function),
                    exc.__class__.__name__,
                    exc,
                )
        return function(*args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        gc.unfreeze()

    def _give_up(self, exc: BaseException) -> None:
        if self._executor is None:
            return
        logger.warning(
            "ingest worker processes stopped (%s); their work continues in the "
            "ingesting process",
            exc.__class__.__name__,
        )
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None


_worker_connection = None


def _start_worker() -> None:
    """Give a new worker process a database connection of its own.

    The connection inherited through the fork belongs to the ingesting
    process and is never used here. The new one is opened on first use and
    closed when the worker exits.
    """
    global _worker_connection
    _worker_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    multiprocessing.util.Finalize(None, _worker_connection.close, exitpriority=10)
    threading.Thread(
        target=_exit_with_parent, args=(os.getppid(),), daemon=True
    ).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker once the ingesting process is gone.

    A worker waits on a queue whose other end it keeps open itself, so it
    would not notice a killed parent and would keep its database connection
    forever.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def reading_connection():
    """Return the connection for reads in this process: a worker's own one."""
    return _worker_connection if _worker_connection is not None else connection


def default_processes() -> int:
    """Return RESEARCH_INGEST_PROCESSES, or the number of cores.

    The ingesting process's own share is mostly the database writes, so the
    workers and the writes together keep every core busy.
    """
    configured = getattr(settings, "RESEARCH_INGEST_PROCESSES", None)
    if configured is not None:
        return max(0, int(configured))
    return os.cpu_count() or 1


def workers_for(
    total_bytes: int, processes: int | None = None
) -> InProcess | WorkerPool:
    """Choose where an ingest of a `total_bytes` file does its per-line work.

    Worker processes pay off only on files of a few megabytes or more
    (RESEARCH_INGEST_PARALLEL_MIN_BYTES). A daemonic process, such as a
    Celery prefork child, may not start processes of its own and extracts
    inline.
    """
    if processes is None:
        processes = default_processes()
    minimum = getattr(settings, "RESEARCH_INGEST_PARALLEL_MIN_BYTES", 8 * 1024 * 1024)
    if processes <= 0 or total_bytes < minimum:
        return InProcess()
    if multiprocessing.current_process().daemon:
        return InProcess()
    return WorkerPool(processes)
