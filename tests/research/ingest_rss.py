"""Ingest a file in this process and print its memory use as JSON.

Run by test_memory.py in a child process, so that the test process's own
memory does not blur the figures:

    python -m tests.research.ingest_rss PATH NAME [PROCESSES]

PROCESSES is the number of extraction worker processes (default 0). Besides
this process's resident set, the figures include the proportional set size
(PSS) of this process and its workers together: pages a worker shares with
this process after the fork count once, split between them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def status_kb(field: str, pid: str = "self") -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/{pid}/status")


def pss_kb(pid: str) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except (FileNotFoundError, ProcessLookupError):
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def child_pids() -> list[str]:
    pids: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        try:
            pids.extend((task / "children").read_text(encoding="ascii").split())
        except FileNotFoundError:
            continue
    return pids


def main(path: str, importer_name: str, processes: int) -> None:
    import django

    django.setup()
    from research.ingest import get_importer, ingest_file

    before_kb = status_kb("VmRSS")
    before_pss_kb = pss_kb(str(os.getpid()))
    samples: list[int] = []
    family: list[int] = []
    workers_seen = 0

    def sample(report) -> None:
        nonlocal workers_seen
        samples.append(status_kb("VmRSS"))
        children = child_pids()
        workers_seen = max(workers_seen, len(children))
        family.append(pss_kb(str(os.getpid())) + sum(map(pss_kb, children)))

    report = ingest_file(
        path, get_importer(importer_name), on_progress=sample, processes=processes
    )
    print(
        json.dumps(
            {
                "before_kb": before_kb,
                "after_first_batch_kb": samples[0],
                "peak_kb": status_kb("VmHWM"),
                "before_pss_kb": before_pss_kb,
                "after_first_batch_family_pss_kb": family[0],
                "peak_family_pss_kb": max(family),
                "workers_seen": workers_seen,
                "batches": len(samples),
                "counts": report.counts(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
