"""Downloading a bulk result: Range resumes, size checks, expired links."""

from __future__ import annotations

import pytest

from tests.whatnot.flaky_files import FileScript, serving
from whatnot.services.bulk_download import (
    DownloadError,
    ResultExpired,
    download_result,
)

# About 1.2 MB, so a connection cut halfway has delivered whole chunks.
BODY = b"".join(f'{{"id": "line-{n:07d}"}}\n'.encode() for n in range(60_000))
TIMEOUT = (5.0, 10.0)


def download(url, tmp_path, attempts=4):
    return download_result(
        url,
        tmp_path / "result.jsonl",
        attempts=attempts,
        timeout=TIMEOUT,
        sleep=lambda seconds: None,
    )


def test_dropped_connection_resumes_with_range(tmp_path):
    script = FileScript(BODY, answers=["cut", "range"])

    with serving(script) as url:
        downloaded = download(url, tmp_path)

    assert downloaded.path.read_bytes() == BODY
    assert downloaded.size == len(BODY)
    assert downloaded.attempts == 2
    assert script.ranges[0] is None
    resumed_at = int(script.ranges[1].removeprefix("bytes=").removesuffix("-"))
    assert 0 < resumed_at <= len(BODY) // 2


def test_server_without_range_sends_whole_file(tmp_path):
    script = FileScript(BODY, answers=["cut", "ignore-range"])

    with serving(script) as url:
        downloaded = download(url, tmp_path)

    assert downloaded.path.read_bytes() == BODY
    assert downloaded.attempts == 2


def test_server_error_retried(tmp_path):
    script = FileScript(BODY, answers=[503, 500, "full"])

    with serving(script) as url:
        downloaded = download(url, tmp_path)

    assert downloaded.path.read_bytes() == BODY
    assert downloaded.attempts == 3


def test_short_body_every_time_fails(tmp_path):
    script = FileScript(BODY, answers=["cut"])

    with serving(script) as url, pytest.raises(DownloadError) as error:
        download(url, tmp_path, attempts=3)

    assert script.requests == 3
    assert str(error.value).startswith("the bulk result download stopped at")
    assert f"of {len(BODY)} bytes after 3 tries" in str(error.value)


@pytest.mark.parametrize("status", [403, 404, 410])
def test_expired_link_raises(tmp_path, status):
    script = FileScript(BODY, answers=[status])

    with serving(script) as url, pytest.raises(ResultExpired) as error:
        download(url, tmp_path)

    assert str(error.value) == f"the result link answered HTTP {status}"
    assert script.requests == 1
