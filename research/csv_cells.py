"""CSV cells made safe to open in a spreadsheet program.

Spreadsheet programs can run a cell that starts with "=", "+", "-" or "@" as a
formula, and some also one that starts with a tab or a carriage return. Titles
come from marketplace sellers, so the CSV downloads in research pass their
cells through ``spreadsheet_safe`` to keep such text as plain text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Return `value` with a leading quote if it is text a spreadsheet would run.

    Values that are not strings (numbers, dates) are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe_row(values) -> list:
    """Return a row with each cell passed through ``spreadsheet_safe``."""
    return [spreadsheet_safe(value) for value in values]
