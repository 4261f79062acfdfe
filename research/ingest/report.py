"""The counts and rejected lines of one ingestion run."""

from __future__ import annotations

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
        self.rejected += 1
        if len(self.rejected_lines) < REJECTED_LINES_KEPT:
            self.rejected_lines.append({"line": line, "reason": reason})

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
