"""Relay connections with keyset cursors.

A cursor stores the sort key's value and the row id of the edge it belongs to,
so a page always starts right after the last row the client saw. Rows that
change while a client walks the pages are neither skipped nor repeated, as long
as the change does not move them in the sort order (updatedAt moves a row when
the listings are sorted by UPDATED_AT, which is what incremental sync wants).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


def argument_error(argument: str, message: str) -> GraphQLError:
    return GraphQLError(
        message, extensions={"code": "BAD_USER_INPUT", "argument": argument}
    )


@dataclass(frozen=True)
class PageRequest:
    first: int | None
    last: int | None
    after: tuple | None
    before: tuple | None
    reverse: bool
    sort_key: str

    @property
    def backward(self) -> bool:
        return self.last is not None


def encode_cursor(sort_key: str, sort_value: Any, pk: int) -> str:
    raw = json.dumps([sort_key, sort_value, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(argument: str, cursor: str, sort_key: str) -> tuple:
    try:
        key, value, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise argument_error(
            argument,
            f"{argument}: {cursor!r} is not a cursor from this connection; "
            "pass an endCursor or startCursor from an earlier page.",
        ) from exc
    if key != sort_key:
        raise argument_error(
            argument,
            f"{argument}: the cursor was made for sortKey {key}, but this request "
            f"sorts by {sort_key}; restart the walk without a cursor.",
        )
    return (value, pk)


def check_size(argument: str, size: int | None) -> None:
    if size is None:
        return
    if size < 0:
        raise argument_error(argument, f"{argument} must be 0 or more (got {size}).")
    if size > MAX_PAGE_SIZE:
        raise argument_error(
            argument,
            f"{argument} is {size}, but a page holds at most {MAX_PAGE_SIZE} "
            f"items; request {MAX_PAGE_SIZE} or fewer and follow the cursors.",
        )


def page_request(args: dict, *, bulk: bool = False) -> PageRequest:
    """Check first/last/after/before and build the request.

    In a bulk operation the page-size cap does not apply and a missing first
    means every row.
    """
    first, last = args.get("first"), args.get("last")
    if first is not None and last is not None:
        raise argument_error("last", "Pass first or last, not both.")
    if not bulk:
        check_size("first", first)
        check_size("last", last)
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
    sort_key = args.get("sortKey") or "CREATED_AT"
    after = args.get("after")
    before = args.get("before")
    return PageRequest(
        first=first,
        last=last,
        after=decode_cursor("after", after, sort_key) if after else None,
        before=decode_cursor("before", before, sort_key) if before else None,
        reverse=bool(args.get("reverse")),
        sort_key=sort_key,
    )


def connection(
    rows: Sequence,
    request: PageRequest,
    key_of: Callable,
    to_node: Callable,
    has_next: bool,
    has_previous: bool,
) -> dict:
    edges = [
        {"cursor": encode_cursor(request.sort_key, *key_of(row)), "node": to_node(row)}
        for row in rows
    ]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def paginate_sql(
    db,
    *,
    select: str,
    conditions: Sequence[str],
    params: Sequence,
    sort_column: str,
    id_column: str,
    request: PageRequest,
    to_node: Callable,
) -> dict:
    """Run one keyset page query (and existence probes for the page info)."""
    ascending = not request.reverse

    def beyond(key: tuple, forward: bool) -> tuple[str, list]:
        # "forward" means later in the client's order, which is descending
        # when reverse is true.
        operator = ">" if forward == ascending else "<"
        return f"({sort_column}, {id_column}) {operator} (?, ?)", list(key)

    where = list(conditions)
    values = list(params)
    if request.after is not None:
        sql, extra = beyond(request.after, forward=True)
        where.append(sql)
        values += extra
    if request.before is not None:
        sql, extra = beyond(request.before, forward=False)
        where.append(sql)
        values += extra

    fetch_forward = not request.backward
    direction = "ASC" if fetch_forward == ascending else "DESC"
    limit = request.first if fetch_forward else request.last
    query = f"{select} WHERE {' AND '.join(where) or '1'}"
    query += f" ORDER BY {sort_column} {direction}, {id_column} {direction}"
    if limit is not None:
        query += f" LIMIT {int(limit) + 1}"
    rows = db.execute(query, values).fetchall()
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    if not fetch_forward:
        rows = list(reversed(rows))

    def key_of(row) -> tuple:
        return (row["sort_value"], row[id_column.split(".")[-1]])

    def exists_beyond(key: tuple, forward: bool) -> bool:
        sql, extra = beyond(key, forward)
        probe = f"{select} WHERE {' AND '.join([*conditions, sql])} LIMIT 1"
        return db.execute(probe, [*params, *extra]).fetchone() is not None

    if fetch_forward:
        has_next = more
        boundary = key_of(rows[0]) if rows else request.after
        has_previous = (
            request.after is not None
            and boundary is not None
            and (exists_beyond(boundary, forward=False))
        )
    else:
        has_previous = more
        boundary = key_of(rows[-1]) if rows else request.before
        has_next = (
            request.before is not None
            and boundary is not None
            and (exists_beyond(boundary, forward=True))
        )
    return connection(rows, request, key_of, to_node, has_next, has_previous)


def paginate_list(
    items: Sequence, request: PageRequest, key_of: Callable, to_node: Callable
) -> dict:
    """Page through a small in-memory list, sorted by key_of, with the same cursors."""
    ordered = sorted(items, key=key_of, reverse=request.reverse)

    def after(item, cursor) -> bool:
        return (
            key_of(item) < tuple(cursor)
            if request.reverse
            else (key_of(item) > tuple(cursor))
        )

    window = ordered
    if request.after is not None:
        window = [item for item in window if after(item, request.after)]
    if request.before is not None:
        window = [
            item
            for item in window
            if not after(item, request.before) and key_of(item) != tuple(request.before)
        ]
    start = ordered.index(window[0]) if window else None
    if request.backward:
        page = window[-request.last :] if request.last else []
        has_previous = len(window) > len(page)
        end = ordered.index(page[-1]) if page else None
        has_next = request.before is not None and (
            end is not None and end + 1 < len(ordered)
        )
    else:
        page = window if request.first is None else window[: request.first]
        has_next = len(window) > len(page)
        has_previous = request.after is not None and bool(start)
    return connection(page, request, key_of, to_node, has_next, has_previous)
