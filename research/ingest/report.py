"""The counts and rejected lines of one ingestion run."""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field

from ..models import ImportRun

# Rejected lines kept with their reasons; the count covers all of them.
REJECTED_LINES_KEPT = ImportRun.REJECTED_LINES_KEPT


@dataclass
class IngestReport:
    """What happened to each listing line of a file.

    created + updated + unchanged + older + rejected equals the listing lines
    read. A Whatnot export's product and variant lines are counted apart in
    parent_lines.
    """

    lines_read: int = 0
    parent_lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    rejected: int = 0
    rejected_lines: list[dict] = field(default_factory=list)
    bytes_read: int = 0
    total_bytes: int = 0

    def reject(self, line: int, reason: str) -> None:
        """Count a rejected line; keep the REJECTED_LINES_KEPT lowest lines.

        Lines may be rejected out of file order (a batch is written after
        later lines were read), so the kept list is ordered by line number.
        """
        self.rejected += 1
        listed = self.rejected_lines
        if len(listed) >= REJECTED_LINES_KEPT and line >= listed[-1]["line"]:
            return
        insort(listed, {"line": line, "reason": reason}, key=_line_number)
        if len(listed) > REJECTED_LINES_KEPT:
            listed.pop()

    @property
    def rejected_lines_omitted(self) -> int:
        return self.rejected - len(self.rejected_lines)

    @property
    def progress(self) -> int:
        """Percent of the file's bytes read, 0-100."""
        if not self.total_bytes:
            return 0
        return min(100, self.bytes_read * 100 // self.total_bytes)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "older": self.older,
            "rejected": self.rejected,
        }


def _line_number(entry: dict) -> int:
    return entry["line"]
