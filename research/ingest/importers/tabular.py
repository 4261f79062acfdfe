"""Helpers for importers of flat CSV or JSONL rows."""

from __future__ import annotations


def pick(data: dict, *names: str):
    """Return the first non-empty value among header `names`, matched loosely.

    eBay and other exports vary the case and spacing of their headers, so
    names compare lower-cased with spaces, dashes and underscores removed.
    """
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return value
    loose = _loose_keys(data)
    for name in names:
        key = loose.get(_loose(name))
        if key is not None and data[key] not in (None, ""):
            return data[key]
    return None


def has_any_column(header: list[str], *names: str) -> bool:
    wanted = {_loose(name) for name in names}
    return any(_loose(column) in wanted for column in header)


def _loose(name: str) -> str:
    return "".join(character for character in name.lower() if character not in " -_()")


def _loose_keys(data: dict) -> dict[str, str]:
    return {_loose(key): key for key in data}
