"""Bulk operations: an export query or a mutation per JSONL line, run in the
background while the client polls or waits for bulk_operation/finished.

A seller runs one bulk operation at a time. A finished export's result.url is
a download link that expires after --bulk-result-ttl seconds.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

from graphql import GraphQLError, OperationDefinitionNode, parse, validate

from . import bulk_results
from .bulk_results import create_upload, download, receive_upload
from .graphql_api import nodes
from .graphql_api.schema import executable_schema
from .graphql_api.scopes import missing_scopes, root_fields
from .graphql_api.validation import UserErrors, decode_id
from .payloads import bulk_operation_object
from .sellers import TokenOwner
from .values import format_timestamp, global_id

logger = logging.getLogger(__name__)

__all__ = ["BULK_MUTATIONS", "BulkRunner", "download", "receive_upload"]

# Share of the lines kept when the COMPLETED_WITH_FAILURES fault applies.
PARTIAL_SHARE = 0.9


def check_document(
    errors: UserErrors, path: list, text: str, expected_type: str, owner
):
    """Parse and validate a bulk document; add userErrors and return it or None."""
    try:
        document = parse(text)
    except GraphQLError as exc:
        errors.add(path, f"The {expected_type} does not parse: {exc.message}")
        return None
    problems = validate(executable_schema(), document)
    if problems:
        details = "; ".join(problem.message for problem in problems)
        errors.add(path, f"The {expected_type} is not valid: {details}")
        return None
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    if len(operations) != 1 or operations[0].operation.value != expected_type:
        errors.add(path, f"Give exactly one {expected_type} operation.")
        return None
    operation_type, fields = root_fields(document, None)
    missing = missing_scopes(owner, operation_type, fields)
    if missing:
        errors.add(path, f"The {expected_type} needs the {', '.join(missing)} scope.")
        return None
    return document


def start_operation(context, kind: str, text: str, upload_path: str | None = None):
    """Insert an IN_PROGRESS operation unless one is running; return payload."""
    sandbox = context.sandbox
    with sandbox.store.write() as db:
        running = db.execute(
            "SELECT id FROM bulk_operations WHERE seller_id = ? "
            "AND status = 'IN_PROGRESS'",
            (context.seller_id,),
        ).fetchone()
        if running is not None:
            errors = UserErrors()
            errors.add(
                None,
                "A bulk operation is already running "
                f"({global_id('BulkOperation', running['id'])}); wait for it to "
                "finish or cancel it.",
            )
            return errors.payload(bulkOperation=True)
        now = sandbox.clock.now_text()
        cursor = db.execute(
            "INSERT INTO bulk_operations (seller_id, type, query, scopes, status, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?, ?)",
            (
                context.seller_id,
                kind,
                text,
                " ".join(sorted(context.owner.scopes)),
                now,
                now,
            ),
        )
        row = db.execute(
            "SELECT * FROM bulk_operations WHERE id = ?", (cursor.lastrowid,)
        ).fetchone()
    sandbox.bulk.launch(row["id"], context.owner, upload_path)
    return {
        "bulkOperation": nodes.bulk_operation_node(row, context.public_url),
        "userErrors": [],
    }


def bulk_operation_run_query(_root, info, input):
    context = info.context
    errors = UserErrors()
    check_document(errors, ["input", "query"], input["query"], "query", context.owner)
    if errors:
        return errors.payload(bulkOperation=True)
    return start_operation(context, "QUERY", input["query"])


def bulk_operation_run_mutation(_root, info, input):
    context = info.context
    errors = UserErrors()
    check_document(
        errors, ["input", "mutation"], input["mutation"], "mutation", context.owner
    )
    with context.read() as db:
        upload = db.execute(
            "SELECT body FROM uploads WHERE path = ? AND seller_id = ?",
            (input["uploadPath"], context.seller_id),
        ).fetchone()
    if upload is None:
        errors.add(
            ["input", "uploadPath"],
            f"No upload at {input['uploadPath']!r}; call uploadCreate first.",
        )
    elif upload["body"] is None:
        errors.add(
            ["input", "uploadPath"],
            "Nothing was uploaded to this path yet; PUT the JSONL file first.",
        )
    if errors:
        return errors.payload(bulkOperation=True)
    return start_operation(context, "MUTATION", input["mutation"], input["uploadPath"])


def bulk_operation_cancel(_root, info, input):
    context = info.context
    errors = UserErrors()
    pk = decode_id(errors, ["input", "id"], input["id"], "BulkOperation")
    if errors:
        return errors.payload(bulkOperation=True)
    with context.sandbox.change() as (db, events):
        row = db.execute(
            "SELECT * FROM bulk_operations WHERE id = ? AND seller_id = ?",
            (pk, context.seller_id),
        ).fetchone()
        if row is None:
            errors.add(["input", "id"], f"Bulk operation not found: {input['id']}.")
        elif row["status"] != "IN_PROGRESS":
            errors.add(
                ["input", "id"], f"The bulk operation is {row['status']}, not running."
            )
        if errors:
            return errors.payload(bulkOperation=True)
        now = context.clock.now_text()
        db.execute(
            "UPDATE bulk_operations SET status = 'CANCELLED', updated_at = ?, "
            "completed_at = ? WHERE id = ?",
            (now, now, pk),
        )
        row = db.execute("SELECT * FROM bulk_operations WHERE id = ?", (pk,)).fetchone()
        events.append(
            (context.seller_id, "bulk_operation/finished", bulk_operation_object(row))
        )
    return {
        "bulkOperation": nodes.bulk_operation_node(row, context.public_url),
        "userErrors": [],
    }


def upload_create(_root, info, input):
    errors = UserErrors()
    if not input["filename"].strip():
        errors.add(["input", "filename"], "The filename can't be blank.")
        return errors.payload(upload=True)
    return {
        "upload": create_upload(
            info.context.sandbox, info.context.seller_id, input["filename"]
        ),
        "userErrors": [],
    }


BULK_MUTATIONS = {
    "bulkOperationRunQuery": bulk_operation_run_query,
    "bulkOperationRunMutation": bulk_operation_run_mutation,
    "bulkOperationCancel": bulk_operation_cancel,
    "uploadCreate": upload_create,
}


class BulkRunner:
    """Runs each bulk operation in its own daemon thread."""

    def __init__(self, sandbox):
        self.sandbox = sandbox

    def start(self) -> None:
        """Mark operations left IN_PROGRESS by a previous process as FAILED."""
        with self.sandbox.store.write() as db:
            db.execute(
                "UPDATE bulk_operations SET status = 'FAILED', error = ?, "
                "updated_at = ? WHERE status = 'IN_PROGRESS'",
                (
                    "The sandbox restarted while the operation ran.",
                    self.sandbox.clock.now_text(),
                ),
            )

    def launch(self, operation_id: int, owner: TokenOwner, upload_path) -> None:
        thread = threading.Thread(
            target=self._run,
            args=(operation_id, owner, upload_path),
            name=f"sandbox-bulk-{operation_id}",
            daemon=True,
        )
        thread.start()

    def _run(self, operation_id: int, owner: TokenOwner, upload_path) -> None:
        started = time.monotonic()
        try:
            outcome = self._execute(operation_id, owner, upload_path)
        except Exception as exc:
            logger.exception("Bulk operation %d failed", operation_id)
            outcome = {"status": "FAILED", "error": f"{type(exc).__name__}: {exc}"}
        remaining = self.sandbox.config.bulk_min_seconds - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        self._finish(operation_id, outcome)

    def _execute(self, operation_id: int, owner: TokenOwner, upload_path) -> dict:
        from .graphql_api.endpoint import run_graphql

        with self.sandbox.store.read() as db:
            row = db.execute(
                "SELECT * FROM bulk_operations WHERE id = ?", (operation_id,)
            ).fetchone()
        forced = self.sandbox.faults.settings.bulk_status
        if forced in ("FAILED", "CANCELLED"):
            return {"status": forced, "error": f"{forced} by the bulk_status fault"}
        if row["type"] == "QUERY":
            status, body = run_graphql(
                self.sandbox, owner, {"query": row["query"]}, bulk=True
            )
            if status != 200 or body.get("errors"):
                messages = "; ".join(e["message"] for e in body.get("errors", []))
                return {"status": "FAILED", "error": messages or f"HTTP {status}"}
            lines = bulk_results.flatten(body.get("data") or {})
        else:
            lines = self._run_mutation_lines(
                owner, row["query"], upload_path, run_graphql
            )
        share = PARTIAL_SHARE if forced == "COMPLETED_WITH_FAILURES" else 1.0
        key, count, applied = bulk_results.write_result(self.sandbox, lines, share)
        failed = forced == "COMPLETED_WITH_FAILURES" or any(
            "errors" in line for line in lines if row["type"] == "MUTATION"
        )
        return {
            "status": "COMPLETED_WITH_FAILURES" if failed else "COMPLETED",
            "result_key": key,
            "object_count": count,
            "error": ", ".join(applied) or None,
        }

    def _run_mutation_lines(self, owner, mutation: str, upload_path, run_graphql):
        with self.sandbox.store.read() as db:
            upload = db.execute(
                "SELECT body FROM uploads WHERE path = ?", (upload_path,)
            ).fetchone()
        results = []
        text = (upload["body"] or b"").decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                variables = json.loads(line)
            except json.JSONDecodeError as exc:
                results.append(
                    {
                        "errors": [{"message": f"Line {number} is not JSON: {exc}"}],
                        "__lineNumber": number,
                    }
                )
                continue
            _status, body = run_graphql(
                self.sandbox, owner, {"query": mutation, "variables": variables}
            )
            results.append({**body, "__lineNumber": number})
        return results

    def _finish(self, operation_id: int, outcome: dict) -> None:
        sandbox = self.sandbox
        with sandbox.change() as (db, events):
            row = db.execute(
                "SELECT * FROM bulk_operations WHERE id = ?", (operation_id,)
            ).fetchone()
            if row["status"] != "IN_PROGRESS":
                return
            now = sandbox.clock.now()
            expires = None
            if outcome.get("result_key"):
                expires = format_timestamp(
                    now + timedelta(seconds=sandbox.config.bulk_result_ttl)
                )
            db.execute(
                "UPDATE bulk_operations SET status = ?, result_key = ?, "
                "result_expires_at = ?, object_count = ?, error = ?, updated_at = ?, "
                "completed_at = ? WHERE id = ?",
                (
                    outcome["status"],
                    outcome.get("result_key"),
                    expires,
                    outcome.get("object_count", 0),
                    outcome.get("error"),
                    format_timestamp(now),
                    format_timestamp(now),
                    operation_id,
                ),
            )
            row = db.execute(
                "SELECT * FROM bulk_operations WHERE id = ?", (operation_id,)
            ).fetchone()
            events.append(
                (
                    row["seller_id"],
                    "bulk_operation/finished",
                    bulk_operation_object(row),
                )
            )
        logger.info("Bulk operation %d finished: %s", operation_id, outcome["status"])
