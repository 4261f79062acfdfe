"""Hand newly stored events to the workers in batches.

Sending one Celery message costs a web process more than verifying and
inserting the webhook it announces (see docs/benchmarks.md). So the receiver
does not send a message per event: on commit it adds the event's id to this
process's dispatcher, and a background thread sends the ids gathered over a
few milliseconds as one process_webhook_events_task.

Ids still in memory when a process dies are not lost events: their rows are
committed with status ``received``, and the requeue sweep queues them once
they are overdue.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

# How long the thread lets ids gather after the first one arrives. Longer
# batches save more messages under load and delay processing by as much.
GATHER_SECONDS = 0.05
MAX_BATCH = 500


def publish_batch(event_pks: list[int]) -> None:
    from whatnot.tasks.webhooks import process_webhook_events_task

    # A short argsrepr keeps the message headers small: Celery would otherwise
    # put a repr of up to MAX_BATCH ids into them.
    process_webhook_events_task.apply_async(
        (event_pks,), argsrepr=f"[{len(event_pks)} event ids]"
    )


class BatchDispatcher:
    """Collect event ids and send them in batches from a background thread.

    The thread starts on the first id a process adds, so a process forked
    after import (a gunicorn or Celery worker) gets its own.
    """

    def __init__(
        self,
        publish: Callable[[list[int]], None] = publish_batch,
        gather_seconds: float = GATHER_SECONDS,
        max_batch: int = MAX_BATCH,
    ):
        self.publish = publish
        self.gather_seconds = gather_seconds
        self.max_batch = max_batch
        self.pending: list[int] = []
        self.condition = threading.Condition()
        self.thread: threading.Thread | None = None
        self.owner_pid: int | None = None
        atexit.register(self.flush)

    def add(self, event_pk: int) -> None:
        with self.condition:
            self.pending.append(event_pk)
            if not self._thread_running():
                self._start_thread()
            self.condition.notify()

    def _thread_running(self) -> bool:
        return (
            self.thread is not None
            and self.owner_pid == os.getpid()
            and self.thread.is_alive()
        )

    def _start_thread(self) -> None:
        self.owner_pid = os.getpid()
        self.thread = threading.Thread(
            target=self._run, name="webhook-dispatch", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.pending:
                    self.condition.wait()
            time.sleep(self.gather_seconds)
            self.flush()

    def flush(self) -> None:
        """Send every id added so far. A failed send is logged, and the
        requeue sweep queues those events later."""
        with self.condition:
            batch, self.pending = self.pending, []
        for start in range(0, len(batch), self.max_batch):
            chunk = batch[start : start + self.max_batch]
            try:
                self.publish(chunk)
            except Exception:
                logger.warning(
                    "Queueing %s webhook events failed (ids %s to %s); the "
                    "requeue sweep will queue them again",
                    len(chunk),
                    chunk[0],
                    chunk[-1],
                    exc_info=True,
                )


dispatcher = BatchDispatcher()
