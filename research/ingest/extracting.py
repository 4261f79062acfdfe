"""Run attribute extraction for the writer, in this process or in others.

Extraction is the largest share of an ingest's CPU time, and it needs nothing
but a row's text. On a machine with spare cores the writer therefore hands
each batch's extraction to worker processes, and reads, maps and writes the
next batches meanwhile. Workers are forked from the ingesting process, so they
share its loaded code and tables. They never touch the database.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

from ..attributes import extract_for_fields
from .rows import ListingRow

logger = logging.getLogger(__name__)

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


class InlineExtraction:
    """Extract in the calling process when the batch is handed over."""

    processes = 0

    def submit(self, inputs: list[ExtractionInput]) -> list[tuple]:
        return extract_rows(inputs)

    def result(self, handle: list[tuple], inputs: list[ExtractionInput]) -> list[tuple]:
        return handle

    def close(self) -> None:
        pass


class ProcessExtraction:
    """Extract in a pool of forked worker processes.

    If a worker dies, the batches it had and every later one are extracted
    in the calling process instead, so a dead worker does not fail the ingest.
    """

    def __init__(self, processes: int):
        self.processes = processes
        # Objects that exist now are left out of garbage collection until the
        # pool closes: a collection in a worker would write to every one of
        # them and copy the pages it shares with this process.
        gc.freeze()
        self._executor: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=processes, mp_context=multiprocessing.get_context("fork")
        )

    def submit(self, inputs: list[ExtractionInput]) -> Future | None:
        if self._executor is None:
            return None
        try:
            return self._executor.submit(extract_rows, inputs)
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            self._give_up(exc)
            return None

    def result(
        self, handle: Future | None, inputs: list[ExtractionInput]
    ) -> list[tuple]:
        if handle is not None:
            try:
                return handle.result()
            except (BrokenProcessPool, OSError) as exc:
                self._give_up(exc)
        return extract_rows(inputs)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        gc.unfreeze()

    def _give_up(self, exc: BaseException) -> None:
        logger.warning(
            "attribute extraction workers stopped (%s); extracting in the "
            "ingesting process from here on",
            exc.__class__.__name__,
        )
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def default_processes() -> int:
    """Return RESEARCH_INGEST_PROCESSES, or one per core beyond the first."""
    configured = getattr(settings, "RESEARCH_INGEST_PROCESSES", None)
    if configured is not None:
        return max(0, int(configured))
    return max(0, (os.cpu_count() or 1) - 1)


def extraction_for(
    total_bytes: int, processes: int | None = None
) -> InlineExtraction | ProcessExtraction:
    """Choose how an ingest of a `total_bytes` file extracts attributes.

    Worker processes pay off only on files of a few megabytes or more
    (RESEARCH_INGEST_PARALLEL_MIN_BYTES). A daemonic process, such as a
    Celery prefork child, may not start processes of its own and extracts
    inline.
    """
    if processes is None:
        processes = default_processes()
    minimum = getattr(settings, "RESEARCH_INGEST_PARALLEL_MIN_BYTES", 8 * 1024 * 1024)
    if processes <= 0 or total_bytes < minimum:
        return InlineExtraction()
    if multiprocessing.current_process().daemon:
        return InlineExtraction()
    return ProcessExtraction(processes)
