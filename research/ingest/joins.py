"""Join a bulk export's child lines to their parents in any order.

Whatnot's bulk export writes every node of a nested query on its own JSONL
line and links a child to its parent with "__parentId": a listing names its
variant, the variant names its product. Parents usually come first but the
format does not promise it, so parent nodes go to a scratch SQLite file on
disk and a child whose chain is not complete yet waits there too. Memory use
stays flat whatever the file size: only a small cache of recent parents is
kept in memory.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .readers import RejectedLine, SourceRecord

PARENT_KEY = "__parentId"
# Parents walked up from one child; deeper chains are malformed.
MAX_DEPTH = 6
_RECENT_PARENTS = 4096
_PENDING_BATCH = 500
_COMMIT_EVERY = 20_000


@dataclass(slots=True)
class JoinedRecord:
    """A child line with its ancestors, nearest first."""

    line: int
    data: dict
    ancestors: list[dict]


class ParentJoiner:
    """Hold parent nodes and waiting children in a scratch database."""

    def __init__(self, directory: str | None = None):
        # NOTE: a process killed by a signal mid-import leaves this directory
        # behind. close() removes it when the import ends or raises.
        self._directory = Path(tempfile.mkdtemp(prefix="selvedge-join-", dir=directory))
        self._db = sqlite3.connect(
            self._directory / "join.sqlite3", isolation_level=None
        )
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -4096;
            PRAGMA temp_store = FILE;
            CREATE TABLE node (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE pending (line INTEGER PRIMARY KEY, body TEXT NOT NULL);
            BEGIN;
            """
        )
        self._recent: OrderedDict[str, dict] = OrderedDict()
        self._writes = 0
        self.waiting = 0

    def add_parent(self, record: SourceRecord) -> None:
        """Remember a parent node (a product or a variant) by its id."""
        node_id = str(record.data["id"])
        self._db.execute(
            "INSERT OR REPLACE INTO node (id, body) VALUES (?, ?)",
            (node_id, _dumps(record.data)),
        )
        self._remember(node_id, record.data)
        self._count_write()

    def join(self, record: SourceRecord) -> JoinedRecord | None:
        """Return the child with its ancestors, or None if it has to wait."""
        ancestors = self._ancestors(record.data)
        if ancestors is None:
            self._db.execute(
                "INSERT INTO pending (line, body) VALUES (?, ?)",
                (record.line, _dumps(record.data)),
            )
            self.waiting += 1
            self._count_write()
            return None
        return JoinedRecord(record.line, record.data, ancestors)

    def drain(self) -> Iterator[JoinedRecord | RejectedLine]:
        """Join the waiting children once every parent has been read.

        A child whose parent never appeared is rejected with the missing id.
        """
        self._db.execute("COMMIT")
        last_line = 0
        while True:
            rows = self._db.execute(
                "SELECT line, body FROM pending WHERE line > ? ORDER BY line LIMIT ?",
                (last_line, _PENDING_BATCH),
            ).fetchall()
            if not rows:
                return
            for line, body in rows:
                last_line = line
                data = json.loads(body)
                ancestors = self._ancestors(data)
                if ancestors is None:
                    yield RejectedLine(line, self._missing_reason(data))
                else:
                    yield JoinedRecord(line, data, ancestors)

    def close(self) -> None:
        self._db.close()
        shutil.rmtree(self._directory, ignore_errors=True)

    def _ancestors(self, data: dict) -> list[dict] | None:
        ancestors: list[dict] = []
        parent_id = data.get(PARENT_KEY)
        while parent_id is not None:
            if len(ancestors) >= MAX_DEPTH:
                return None
            parent = self._lookup(str(parent_id))
            if parent is None:
                return None
            ancestors.append(parent)
            parent_id = parent.get(PARENT_KEY)
        return ancestors

    def _missing_reason(self, data: dict) -> str:
        parent_id = data.get(PARENT_KEY)
        for _ in range(MAX_DEPTH):
            parent = self._lookup(str(parent_id))
            if parent is None:
                return f"parent {parent_id!r} not found in the file"
            parent_id = parent.get(PARENT_KEY)
            if parent_id is None:
                break
        return f"parent chain is deeper than {MAX_DEPTH} levels or loops"

    def _lookup(self, node_id: str) -> dict | None:
        cached = self._recent.get(node_id)
        if cached is not None:
            self._recent.move_to_end(node_id)
            return cached
        row = self._db.execute(
            "SELECT body FROM node WHERE id = ?", (node_id,)
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        self._remember(node_id, data)
        return data

    def _remember(self, node_id: str, data: dict) -> None:
        self._recent[node_id] = data
        self._recent.move_to_end(node_id)
        if len(self._recent) > _RECENT_PARENTS:
            self._recent.popitem(last=False)

    def _count_write(self) -> None:
        self._writes += 1
        if self._writes % _COMMIT_EVERY == 0:
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")

    def __enter__(self) -> ParentJoiner:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _dumps(data: dict) -> str:
    return json.dumps(data, default=str, separators=(",", ":"))
