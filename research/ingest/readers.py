"""Stream CSV and JSONL files one record at a time with bounded memory.

Both readers yield SourceRecord for a parsed line and RejectedLine for a line
that cannot be read, so one bad line never stops a file. Line numbers are
1-based physical lines; a CSV record that spans lines gets the number of its
first line. `position` is the number of bytes consumed, for progress.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

import msgspec

# A line longer than this is rejected without being held in memory whole.
MAX_LINE_BYTES = 1024 * 1024
# JSON numbers with a fraction or exponent become Decimal, so prices keep their
# cents. The msgspec decoder parses a well-formed export line in about a
# third of the json module's time (measured on generated Whatnot exports). A
# line it rejects is parsed again by the json module, whose result or error
# message is the one used. Each decoder is built once and reused.
_FAST_DECODER = msgspec.json.Decoder(float_hook=Decimal)
_DECODER = json.JSONDecoder(parse_float=Decimal)


class FileFormatError(ValueError):
    """The file as a whole cannot be read: empty, no header, missing columns."""


@dataclass(slots=True)
class SourceRecord:
    line: int
    data: dict


@dataclass(slots=True)
class RejectedLine:
    line: int
    reason: str


class JsonlReader:
    """Read one JSON object per line."""

    def __init__(self, stream: BinaryIO, max_line_bytes: int = MAX_LINE_BYTES):
        self.stream = stream
        self.max_line_bytes = max_line_bytes
        self.position = 0

    def __iter__(self) -> Iterator[SourceRecord | RejectedLine]:
        for item in self.lines():
            if isinstance(item, RejectedLine):
                yield item
            else:
                yield parse_jsonl_line(*item)

    def lines(self) -> Iterator[tuple[int, bytes] | RejectedLine]:
        """Yield (line number, raw bytes) of each non-blank line, unparsed.

        A line over the size limit is skipped and yielded as rejected.
        """
        line_number = 0
        while True:
            raw = self.stream.readline(self.max_line_bytes + 1)
            if not raw:
                return
            line_number += 1
            self.position += len(raw)
            if len(raw) > self.max_line_bytes and not raw.endswith(b"\n"):
                self._skip_rest_of_line()
                yield RejectedLine(
                    line_number,
                    f"line is longer than {self.max_line_bytes} bytes",
                )
                continue
            if not raw.strip():
                continue
            yield line_number, raw

    def _skip_rest_of_line(self) -> None:
        while True:
            chunk = self.stream.readline(self.max_line_bytes)
            self.position += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                return


def parse_jsonl_line(line_number: int, raw: bytes) -> SourceRecord | RejectedLine:
    """Parse one JSONL line into a record, or reject it with the reason."""
    try:
        data = _FAST_DECODER.decode(raw)
    except (msgspec.MsgspecError, RecursionError):
        return _parse_with_json_module(line_number, raw)
    return _record(line_number, data)


def _parse_with_json_module(
    line_number: int, raw: bytes
) -> SourceRecord | RejectedLine:
    """Parse a line that msgspec rejected with the json module instead.

    The json module accepts a few such lines (NaN, lone surrogate escapes),
    and its error messages give the column, which the run report shows.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RejectedLine(
            line_number, f"not valid UTF-8 (byte {exc.start} of the line)"
        )
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        if not raw.endswith(b"\n"):
            reason = (
                "truncated line: the file ends inside a JSON value "
                f"({exc.msg} at column {exc.colno})"
            )
        else:
            reason = f"invalid JSON: {exc.msg} at column {exc.colno}"
        return RejectedLine(line_number, reason)
    except RecursionError:
        return RejectedLine(line_number, "invalid JSON: values nested too deeply")
    except ValueError as exc:
        # Python refuses integers of more than 4,300 digits.
        return RejectedLine(line_number, f"invalid JSON: {exc}")
    try:
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return RejectedLine(
            line_number,
            "invalid JSON: a \\u escape between \\ud800 and \\udfff that is not "
            "part of a surrogate pair; databases cannot store it as text, so "
            "fix or remove that character in the source",
        )
    return _record(line_number, data)


def _record(line_number: int, data) -> SourceRecord | RejectedLine:
    if not isinstance(data, dict):
        return RejectedLine(
            line_number,
            f"expected a JSON object, found {type(data).__name__}",
        )
    return SourceRecord(line_number, data)


class CsvReader:
    """Read a CSV file with a header row into dicts keyed by the header."""

    def __init__(self, stream: BinaryIO, required_columns: tuple[str, ...] = ()):
        self.stream = stream
        self.required_columns = required_columns
        self._text = io.TextIOWrapper(
            stream, encoding="utf-8-sig", errors="replace", newline=""
        )
        self._reader = csv.reader(self._text)
        self.header = self._read_header()

    @property
    def position(self) -> int:
        return self.stream.tell()

    def _read_header(self) -> list[str]:
        try:
            header = next(self._reader)
        except StopIteration:
            raise FileFormatError("the file is empty: expected a header row") from None
        except csv.Error as exc:
            raise FileFormatError(f"the header row is not valid CSV: {exc}") from None
        header = [name.strip() for name in header]
        missing = [name for name in self.required_columns if name not in header]
        if missing:
            raise FileFormatError(
                f"missing column(s) {', '.join(missing)} in the header; "
                f"found: {', '.join(header[:40])}"
            )
        return header

    def __iter__(self) -> Iterator[SourceRecord | RejectedLine]:
        width = len(self.header)
        while True:
            first_line = self._reader.line_num + 1
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RejectedLine(first_line, f"invalid CSV: {exc}")
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                yield RejectedLine(
                    first_line,
                    f"expected {width} fields, found {len(row)}"
                    + (" (the line looks truncated)" if len(row) < width else ""),
                )
                continue
            yield SourceRecord(first_line, dict(zip(self.header, row, strict=True)))
