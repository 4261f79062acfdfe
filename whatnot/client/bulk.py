"""Seller API calls for bulk operations: start an export query, read one.

They take a WhatnotClient, so they share its rate limit, token refresh and
retries; the calls themselves live here to keep the bulk workflow apart from
the inventory operations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .client import WhatnotClient
from .errors import ResponseFormatError, UserInputError, raise_for_user_errors

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
COMPLETED_WITH_FAILURES = "COMPLETED_WITH_FAILURES"
FAILED = "FAILED"
CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class RemoteBulkOperation:
    id: str
    status: str
    type: str
    # The result's download link once the operation completed; it expires.
    result_url: str

    @property
    def running(self) -> bool:
        return self.status == IN_PROGRESS


class BulkOperationRunning(UserInputError):
    """Whatnot refused a new bulk operation because one is running."""


def start_bulk_query(client: WhatnotClient, query: str) -> RemoteBulkOperation:
    """Start a bulk export of `query`.

    Raises BulkOperationRunning when the seller already has one running, and
    UserInputError for any other refusal (an invalid query).
    """
    data = client.execute("bulk_export_start", {"query": query})
    payload = data.get("bulkOperationRunQuery") or {}
    try:
        raise_for_user_errors("bulkOperationRunQuery", payload)
    except UserInputError as exc:
        if any("already running" in error.message for error in exc.errors):
            raise BulkOperationRunning(exc.operation, list(exc.errors)) from exc
        raise
    return _parse(payload.get("bulkOperation"), "bulkOperationRunQuery")


def get_bulk_operation(
    client: WhatnotClient, operation_id: str
) -> RemoteBulkOperation | None:
    """Return the operation, or None when Whatnot has none by that id."""
    node = client.execute("bulk_operation", {"id": operation_id}).get("bulkOperation")
    return _parse(node, "bulkOperation") if node is not None else None


def get_current_bulk_operation(client: WhatnotClient) -> RemoteBulkOperation | None:
    """Return the seller's running operation or the latest one, if any."""
    node = client.execute("current_bulk_operation").get("currentBulkOperation")
    return _parse(node, "currentBulkOperation") if node is not None else None


def _parse(node, field: str) -> RemoteBulkOperation:
    if not isinstance(node, dict) or not node.get("id") or not node.get("status"):
        raise ResponseFormatError(f"{field} returned no bulk operation id and status")
    result = node.get("result") or {}
    return RemoteBulkOperation(
        id=str(node["id"]),
        status=str(node["status"]),
        type=str(node.get("type") or ""),
        result_url=str(result.get("url") or ""),
    )
