"""JSONL lines parsed by msgspec give what the json module gives."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from research.ingest.readers import (
    JsonlReader,
    RejectedLine,
    SourceRecord,
    _parse_with_json_module,
    parse_jsonl_line,
)

# Lines both decoders parse, lines only the json module parses, and lines
# neither parses. Each must give what the json module alone gives.
LINES = [
    b'{"id": "TGlzdGluZzox", "price": {"amount": 35100, "currency": "USD"}}\n',
    b'{"amount": "12.50", "ratio": 1.50, "tiny": 1.0e-5, "big": 1E+2}\n',
    b'{"n": 123456789012345678901234567890, "neg": -0.0, "zero": -0}\n',
    b'{"title": "Levi\'s 501 \\u00e9 \\ud83d\\ude00 \xe2\x80\xa8 caf\xc3\xa9"}\n',
    b'{"key": 1, "key": 2, "nested": {"a": [1, {"b": null}], "t": true}}\r\n',
    b'\t{"padded": " spaces "}\t\n',
    b'{"\\u0000": "nul key", "slash": "\\/"}\n',
    b'{"price": NaN, "limit": Infinity, "low": -Infinity}\n',
    b'{"title": "lone \\ud800 surrogate"}\n',
    b'{"id": 1,}\n',
    b'{"id": 01}\n',
    b"{'id': 1}\n",
    b'{"id": 1}{"id": 2}\n',
    b'{"title": "\xff\xfe"}\n',
    b'{"title": "\xed\xa0\x80"}\n',
    b'{"title": "control \x01"}\n',
    b"[1, 2]\n",
    b'"text"\n',
    b'{"id": "cut short',
    b"[" * 5000 + b"]" * 5000 + b"\n",
    b'{"n": ' + b"9" * 5000 + b"}\n",
]


def _shown(result: SourceRecord | RejectedLine) -> tuple:
    # repr keeps Decimal('1.50') apart from Decimal('1.5') and float from int.
    if isinstance(result, RejectedLine):
        return ("rejected", result.line, result.reason)
    return ("record", result.line, repr(result.data))


@pytest.mark.parametrize("raw", LINES, ids=range(len(LINES)))
def test_fast_path_matches_json_module(raw):
    assert _shown(parse_jsonl_line(7, raw)) == _shown(_parse_with_json_module(7, raw))


def test_fractions_parse_as_decimals():
    record = parse_jsonl_line(1, b'{"a": 12.50, "b": 1250, "c": 1e2}\n')

    assert record.data == {"a": Decimal("12.50"), "b": 1250, "c": Decimal("1E+2")}
    assert [str(value) for value in record.data.values()] == ["12.50", "1250", "1E+2"]
    assert isinstance(record.data["b"], int)


def test_rejection_reasons():
    stream = io.BytesIO(
        b'{"price": NaN}\n{"id": 1,}\n[1]\n{"title": "\xff"}\n{"id": "cut'
    )

    results = list(JsonlReader(stream))

    assert isinstance(results[0], SourceRecord)
    assert results[0].data["price"] != results[0].data["price"]  # NaN
    assert results[1].reason.startswith("invalid JSON: Expecting property name")
    assert results[2].reason == "expected a JSON object, found list"
    assert results[3].reason == "not valid UTF-8 (byte 11 of the line)"
    assert results[4].reason.startswith("truncated line: the file ends inside")
