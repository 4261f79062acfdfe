"""Filter inputs (IdFilterInput, DateFilterInput, StringFilterInput) as SQL."""

from __future__ import annotations

from ..values import InvalidGlobalId, parse_global_id
from .pagination import argument_error

DATE_OPERATORS = {"equals": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def decode_ids(argument: str, values: list, type_name: str) -> list[int]:
    numbers = []
    for value in values:
        try:
            numbers.append(parse_global_id(value, type_name)[1])
        except InvalidGlobalId as exc:
            raise argument_error(argument, f"{argument}: {exc}.") from exc
    return numbers


def placeholders(count: int) -> str:
    return ", ".join("?" for _ in range(count))


def id_conditions(
    argument: str, spec: dict | None, column: str, type_name: str
) -> tuple[list[str], list]:
    if not spec:
        return [], []
    conditions, params = [], []
    if spec.get("equals") is not None:
        conditions.append(f"{column} = ?")
        params += decode_ids(f"{argument}.equals", [spec["equals"]], type_name)
    if spec.get("in") is not None:
        numbers = decode_ids(f"{argument}.in", spec["in"], type_name)
        conditions.append(f"{column} IN ({placeholders(len(numbers))})")
        params += numbers
    if spec.get("notIn") is not None:
        numbers = decode_ids(f"{argument}.notIn", spec["notIn"], type_name)
        conditions.append(f"{column} NOT IN ({placeholders(len(numbers))})")
        params += numbers
    return conditions, params


def date_conditions(spec: dict | None, column: str) -> tuple[list[str], list]:
    """Timestamps were normalised by the DateTime scalar, so text compares in order."""
    if not spec:
        return [], []
    conditions, params = [], []
    for name, operator in DATE_OPERATORS.items():
        if spec.get(name) is not None:
            conditions.append(f"{column} {operator} ?")
            params.append(spec[name])
    for name, operator in (("in", "IN"), ("notIn", "NOT IN")):
        if spec.get(name) is not None:
            conditions.append(f"{column} {operator} ({placeholders(len(spec[name]))})")
            params += list(spec[name])
    return conditions, params


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def string_conditions(spec: dict | None, column: str) -> tuple[list[str], list]:
    if not spec:
        return [], []
    conditions, params = [], []
    if spec.get("equals") is not None:
        conditions.append(f"{column} = ?")
        params.append(spec["equals"])
    patterns = {"contains": "%{}%", "startsWith": "{}%", "endsWith": "%{}"}
    for name, pattern in patterns.items():
        if spec.get(name) is not None:
            conditions.append(f"{column} LIKE ? ESCAPE '\\'")
            params.append(pattern.format(escape_like(spec[name])))
    for name, operator in (("in", "IN"), ("notIn", "NOT IN")):
        if spec.get(name) is not None:
            conditions.append(f"{column} {operator} ({placeholders(len(spec[name]))})")
            params += list(spec[name])
    return conditions, params


def matches_string(spec: dict | None, value: str) -> bool:
    """The same rules as string_conditions for in-memory lists (case-insensitive)."""
    if not spec:
        return True
    folded = value.casefold()
    checks = {
        "equals": lambda wanted: folded == wanted.casefold(),
        "contains": lambda wanted: wanted.casefold() in folded,
        "startsWith": lambda wanted: folded.startswith(wanted.casefold()),
        "endsWith": lambda wanted: folded.endswith(wanted.casefold()),
        "in": lambda wanted: folded in {item.casefold() for item in wanted},
        "notIn": lambda wanted: folded not in {item.casefold() for item in wanted},
    }
    return all(
        check(spec[name])
        for name, check in checks.items()
        if spec.get(name) is not None
    )
