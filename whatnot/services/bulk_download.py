"""Download a bulk operation's result file to disk, resuming with Range.

The body streams to the destination a chunk at a time. After a dropped
connection, a timeout or a 5xx the next try requests the missing bytes with a
Range header. A server that responds 200 instead sends the whole file again.
The size is checked against Content-Length or the total of Content-Range. The
link is a signed URL, so it is sent without credentials and never logged.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

logger = logging.getLogger(__name__)

# Bytes read per chunk. After a dropped connection the next try requests the
# bytes of the chunk in flight again.
CHUNK_BYTES = 64 * 1024
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")
# Answers that mean the link is no longer valid: the export has to run again.
EXPIRED_STATUSES = frozenset({401, 403, 404, 410})


class DownloadError(Exception):
    """The result could not be downloaded whole."""


class ResultExpired(DownloadError):
    """The result link answered as expired or unknown."""


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    attempts: int


class _RetryableAnswer(Exception):
    pass


def download_result(
    url: str,
    destination: Path,
    *,
    attempts: int,
    timeout: tuple[float, float],
    on_progress: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Downloaded:
    """Download `url` to `destination` and return its size and tries used.

    Raises ResultExpired for 401, 403, 404 and 410, and DownloadError when
    `attempts` tries do not bring the whole file.
    """
    state = _State(destination)
    try:
        for attempt in range(1, attempts + 1):
            try:
                _fetch(url, state, timeout, on_progress)
            except (requests.RequestException, _RetryableAnswer) as exc:
                logger.warning(
                    "bulk result download failed (try %s of %s, %s bytes so far): %s",
                    attempt,
                    attempts,
                    state.written,
                    type(exc).__name__,
                )
            else:
                if state.complete:
                    return Downloaded(destination, state.written, attempt)
                logger.warning(
                    "bulk result download ended early (try %s of %s): %s of %s bytes",
                    attempt,
                    attempts,
                    state.written,
                    state.expected,
                )
            if attempt < attempts:
                sleep(min(30.0, 2.0 ** (attempt - 1)))
    finally:
        state.close()
    raise DownloadError(
        f"the bulk result download stopped at {state.written} of "
        f"{state.expected if state.expected is not None else 'unknown'} bytes "
        f"after {attempts} tries"
    )


class _State:
    def __init__(self, destination: Path):
        self.file = destination.open("wb")
        self.written = 0
        self.expected: int | None = None

    @property
    def complete(self) -> bool:
        return self.expected is None or self.written == self.expected

    def restart(self, expected: int | None) -> None:
        self.file.seek(0)
        self.file.truncate()
        self.written = 0
        self.expected = expected

    def close(self) -> None:
        self.file.close()


def _fetch(url: str, state: _State, timeout, on_progress) -> None:
    headers = {"Accept-Encoding": "identity"}
    if state.written:
        headers["Range"] = f"bytes={state.written}-"
    with requests.get(url, headers=headers, stream=True, timeout=timeout) as response:
        status = response.status_code
        if status in EXPIRED_STATUSES:
            raise ResultExpired(f"the result link answered HTTP {status}")
        if status == 416 and state.written and state.written == state.expected:
            return
        if status == 429 or status >= 500:
            raise _RetryableAnswer(f"HTTP {status}")
        if status == 206:
            _resume(state, response.headers.get("Content-Range", ""))
        elif status == 200:
            state.restart(_length(response.headers.get("Content-Length")))
        else:
            raise DownloadError(f"the result link answered HTTP {status}")
        for chunk in response.iter_content(CHUNK_BYTES):
            state.file.write(chunk)
            state.written += len(chunk)
            if on_progress is not None:
                on_progress(state.written)
    state.file.flush()
    if state.expected is not None and state.written > state.expected:
        raise DownloadError(
            f"the bulk result is {state.written} bytes, more than the "
            f"{state.expected} announced"
        )


def _resume(state: _State, content_range: str) -> None:
    match = _CONTENT_RANGE.match(content_range.strip())
    if match is None or int(match.group(1)) != state.written:
        # The server sent another part than the one asked for, so the next
        # try starts over from the first byte.
        state.restart(None)
        raise _RetryableAnswer(f"unexpected Content-Range {content_range!r}")
    total = match.group(3)
    if total != "*":
        state.expected = int(total)


def _length(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
