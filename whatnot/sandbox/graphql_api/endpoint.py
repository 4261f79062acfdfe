"""Run one GraphQL request for an authenticated seller."""

from __future__ import annotations

import logging

from graphql import GraphQLError, execute_sync, parse, validate

from .context import RequestContext
from .schema import executable_schema
from .scopes import missing_scopes, root_fields

logger = logging.getLogger(__name__)


def error_body(message: str, code: str, **extensions) -> dict:
    return {
        "errors": [{"message": message, "extensions": {"code": code, **extensions}}]
    }


def check_body(payload) -> str | None:
    """Describe what is wrong with a request body, or return None."""
    if not isinstance(payload, dict):
        return "The request body must be a JSON object with a 'query' string."
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        return "The request body needs a non-empty 'query' string."
    if payload.get("variables") is not None and not isinstance(
        payload["variables"], dict
    ):
        return "'variables' must be a JSON object."
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        return "'operationName' must be a string."
    return None


def run_graphql(sandbox, owner, payload, *, bulk: bool = False) -> tuple[int, dict]:
    """Return the HTTP status and the JSON body for a GraphQL request."""
    problem = check_body(payload)
    if problem:
        return 400, error_body(problem, "BAD_REQUEST")
    schema = executable_schema()
    try:
        document = parse(payload["query"])
    except GraphQLError as exc:
        return 200, {"errors": [exc.formatted]}
    errors = validate(schema, document)
    if errors:
        return 200, {"errors": [error.formatted for error in errors]}
    operation_name = payload.get("operationName")
    operation_type, fields = root_fields(document, operation_name)
    missing = missing_scopes(owner, operation_type, fields)
    if missing:
        granted = " ".join(sorted(owner.scopes)) or "none"
        message = (
            f"This operation needs the {', '.join(missing)} scope; the token has "
            f"{granted}. Connect the store again and request the scope."
        )
        return 403, error_body(message, "FORBIDDEN", requiredScopes=missing)
    context = RequestContext(sandbox=sandbox, owner=owner, bulk=bulk)
    arguments = {
        "schema": schema,
        "document": document,
        "context_value": context,
        "variable_values": payload.get("variables") or {},
        "operation_name": operation_name,
    }
    if operation_type == "query":
        with sandbox.store.read() as db:
            context.snapshot = db
            result = execute_sync(**arguments)
    else:
        result = execute_sync(**arguments)
    for error in result.errors or []:
        original = error.original_error
        if original is not None and not isinstance(original, GraphQLError):
            logger.error("Resolver failed at %s", error.path, exc_info=original)
    return 200, result.formatted
