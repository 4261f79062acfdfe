"""Text normalisation shared by every attribute reader."""

from __future__ import annotations

import re

# Sellers type curly quotes, primes and the multiplication sign where the
# patterns expect ASCII, so "W32 \u00d7 L30" and "Levi\u2019s" must read like
# "W32 x L30" and "Levi's".
_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2033": '"',
        "\u2032": "'",
        "\u00d7": "x",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\n": " ",
        "\r": " ",
        "\t": " ",
        "_": " ",
        "\u2122": " ",
        "\u00ae": " ",
    }
)
_SPACES = re.compile(r" {2,}")


def normalize(text: str) -> str:
    """Return `text` lower-cased with quotes, dashes and spaces made ASCII."""
    text = text.translate(_TRANSLATION).lower()
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """Return whether any of `words` occurs in `text`.

    Readers run this substring test before a regular expression, which costs
    far more.
    """
    for word in words:  # noqa: SIM110 (any() over a generator is slower)
        if word in text:
            return True
    return False
