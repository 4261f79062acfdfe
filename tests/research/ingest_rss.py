"""Ingest a file in this process and print its memory use as JSON.

Run by test_memory.py in a child process, so that the test process's own
memory does not blur the figures: python -m tests.research.ingest_rss PATH NAME
"""

from __future__ import annotations

import json
import sys


def rss_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def main(path: str, importer_name: str) -> None:
    import django

    django.setup()
    from research.ingest import get_importer, ingest_file

    before_kb = rss_kb("VmRSS")
    samples: list[int] = []

    def sample(report) -> None:
        samples.append(rss_kb("VmRSS"))

    report = ingest_file(path, get_importer(importer_name), on_progress=sample)
    print(
        json.dumps(
            {
                "before_kb": before_kb,
                "after_first_batch_kb": samples[0],
                "peak_kb": rss_kb("VmHWM"),
                "batches": len(samples),
                "counts": report.counts(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
