"""Bulk results as JSONL files: flattening, fault damage, download and uploads."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from .values import parse_timestamp

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def result_directory(sandbox) -> Path:
    path = sandbox.config.data_path
    directory = path.with_name(path.stem + "-bulk")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def is_connection(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("edges"), list)


def flatten(data: dict) -> list[dict]:
    """Turn a query result into JSONL objects, one per node.

    Every node of a connection becomes its own line. A connection nested in a
    node is taken out of it, and its nodes follow as lines that carry the
    parent's id in "__parentId". Other nested objects stay inside their node.
    """
    lines: list[dict] = []

    def emit(node: dict, parent_id) -> None:
        children = []
        line = {}
        for key, value in node.items():
            if is_connection(value):
                children.append(value)
            else:
                line[key] = value
        if parent_id is not None:
            line["__parentId"] = parent_id
        lines.append(line)
        for connection in children:
            for edge in connection["edges"]:
                if edge and edge.get("node") is not None:
                    emit(edge["node"], node.get("id"))

    for value in (data or {}).values():
        if is_connection(value):
            for edge in value["edges"]:
                if edge and edge.get("node") is not None:
                    emit(edge["node"], None)
        elif isinstance(value, dict):
            emit(value, None)
    return lines


def damage(sandbox, encoded: list[str]) -> tuple[list[str], list[str]]:
    """Apply the malformed-line and truncation faults; return lines and fault names."""
    faults = sandbox.faults
    settings = faults.settings
    applied = []
    for index, line in enumerate(encoded):
        if faults.roll("bulk_malformed", settings.bulk_malformed_rate):
            encoded[index] = line[: max(len(line) // 2, 1)] + '",}'
            if "malformed_lines" not in applied:
                applied.append("malformed_lines")
    if encoded and faults.roll("bulk_truncated", settings.bulk_truncated_rate):
        encoded[-1] = encoded[-1][: max(len(encoded[-1]) // 2, 1)]
        applied.append("truncated")
        return encoded, applied
    return encoded, applied


def write_result(
    sandbox, lines: list[dict], keep_share: float = 1.0
) -> tuple[str, int, list]:
    """Write the JSONL file; return its key, the line count and the faults applied."""
    encoded = [json.dumps(line, separators=(",", ":")) for line in lines]
    if keep_share < 1.0:
        encoded = encoded[: int(len(encoded) * keep_share)]
    encoded, applied = damage(sandbox, encoded)
    key = secrets.token_urlsafe(24)
    text = "\n".join(encoded)
    if encoded and "truncated" not in applied:
        text += "\n"
    (result_directory(sandbox) / f"{key}.jsonl").write_text(text, encoding="utf-8")
    return key, len(encoded), applied


def not_found(message: str) -> Response:
    return Response(
        json.dumps({"error": "not_found", "message": message}),
        status=404,
        mimetype="application/json",
    )


def download(sandbox, request: Request, key: str) -> Response:
    """Serve a result file until its link expires; Range requests get 206."""
    with sandbox.store.read() as db:
        row = db.execute(
            "SELECT result_expires_at FROM bulk_operations WHERE result_key = ?", (key,)
        ).fetchone()
    path = result_directory(sandbox) / f"{key}.jsonl"
    if row is None or not path.exists():
        return not_found("No bulk result at this URL.")
    if parse_timestamp(row["result_expires_at"]) <= sandbox.clock.now():
        return not_found("The bulk result link has expired; run the operation again.")
    return send_file(
        path, request.environ, mimetype="application/jsonl", conditional=True, max_age=0
    )


def create_upload(sandbox, seller_id: int, filename: str) -> dict:
    name = Path(filename).name or "upload.jsonl"
    path = f"uploads/{seller_id}/{secrets.token_urlsafe(12)}/{name}"
    with sandbox.store.write() as db:
        db.execute(
            "INSERT INTO uploads (path, seller_id, filename, created_at) "
            "VALUES (?, ?, ?, ?)",
            (path, seller_id, name, sandbox.clock.now_text()),
        )
    return {"url": f"{sandbox.config.public_url}/sandbox/{path}", "path": path}


def receive_upload(sandbox, request: Request, path: str) -> Response:
    """Store the body PUT to an upload URL from uploadCreate."""
    full_path = f"uploads/{path}"
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        return Response(
            json.dumps(
                {
                    "error": "too_large",
                    "message": f"Uploads are limited to {MAX_UPLOAD_BYTES} bytes.",
                }
            ),
            status=413,
            mimetype="application/json",
        )
    body = request.get_data(cache=False)
    with sandbox.store.write() as db:
        cursor = db.execute(
            "UPDATE uploads SET body = ? WHERE path = ?", (body, full_path)
        )
    if cursor.rowcount == 0:
        return not_found("No upload target at this URL; call uploadCreate first.")
    return Response(status=204)
