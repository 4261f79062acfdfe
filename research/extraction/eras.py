"""The decade a garment was made, as "1980s", from a listing title.

An explicit decade wins ("80s", "'80s", "1980's", "eighties", "Y2K"), then a
year ("2016 Levi's 501", "care tag dated 84", "SS04"), then construction
markers. The markers are estimates that vintage-denim sellers use: a big E tab
was printed until 1971 (read as 1960s) and "66" single-stitch back pockets
date a 501 to the 1970s. An orange tab sets no decade, because Levi's used
it from the 1960s into the 2000s. A decade that names a style ("90s style",
"throwback 1990's", "70s inspired") is not when the garment was made, and
years are skipped next to reproduction names (LVC's "1947 501xx", Madewell's
"1991", Gap's "1969"), where they name a model, not a date.
"""

from __future__ import annotations

import re

_DECADE_WORDS = {
    "twenties": "1920s",
    "thirties": "1930s",
    "forties": "1940s",
    "fifties": "1950s",
    "sixties": "1960s",
    "seventies": "1970s",
    "eighties": "1980s",
    "nineties": "1990s",
}

_FULL_DECADE = re.compile(r"(?<![\w$#.])(19[2-9]0|20[0-2]0)'?s\b")
_SHORT_DECADE = re.compile(r"(?<![\w$#.])'?([3-9]0|00)'?s\b")
_Y2K = re.compile(r"\by2k\b")
_WORD_DECADE = re.compile(r"\b(" + "|".join(_DECADE_WORDS) + r")\b")

_YEAR = re.compile(r"(?<![\w$#.])(19[3-9]\d|20[0-2]\d)(?![\w%])(?!'?s\b)")
_SEASON = re.compile(r"\b(?:ss|fw|aw|s/s|f/w|a/w)\s?'?(\d{2})\b")
_SEASON_WORDS = re.compile(r"ss|fw|aw|s/s|f/w|a/w")
_DATED = re.compile(
    r"\b(?:dated|care tag(?: dated)?)\s*:?\s*'?(19\d\d|[4-9]\d)\b"
    r"|\b(19\d\d|'[4-9]\d)\s+care tag\b"
)
# A year right before a lot number or after "lot"/"style" names a model.
_MODEL_YEAR_AFTER = re.compile(r"\s*(?:\d{3}|lot\b|model\b|type\b)")
_MODEL_YEAR_BEFORE = re.compile(r"(?:lot|style|model|no\.|madewell|madwell|gap)\s*$")
_REPRODUCTION = re.compile(r"\blvc\b|vintage clothing|reproduction|\brepro\b")

_STYLE_BEFORE = re.compile(r"(?:throwback|reissue|re-issue|inspired by|style of)\W*$")
_STYLE_AFTER = re.compile(r"\W*(?:style|inspired|look|vibe|throwback|reissue)\b")

_SINGLE_STITCH = re.compile(
    r"single[- ]?stitch|\b66\s?(?:model|501|red ?line)|\bsixty[- ]six\b"
)


_DIGIT = re.compile(r"\d")


def _decade_of_year(year: int) -> str:
    return f"{year // 10 * 10}s"


def _explicit_decade(text: str) -> tuple[int, str] | None:
    """Return (position, decade) of the first decade written out in text."""
    found: list[tuple[int, str]] = []
    if "0s" in text or "0's" in text:
        for match in _FULL_DECADE.finditer(text):
            if not _names_a_style(text, match):
                found.append((match.start(), f"{match.group(1)}s"))
                break
        for match in _SHORT_DECADE.finditer(text):
            if not _names_a_style(text, match):
                digits = match.group(1)
                decade = "2000s" if digits == "00" else f"19{digits}s"
                found.append((match.start(), decade))
                break
    if "y2k" in text:
        for match in _Y2K.finditer(text):
            if not _names_a_style(text, match):
                found.append((match.start(), "2000s"))
                break
    if "ties" in text:
        for match in _WORD_DECADE.finditer(text):
            if not _names_a_style(text, match):
                found.append((match.start(), _DECADE_WORDS[match.group(1)]))
                break
    return min(found) if found else None


def _names_a_style(text: str, match: re.Match) -> bool:
    return bool(
        _STYLE_AFTER.match(text, match.end())
        or _STYLE_BEFORE.search(text, 0, match.start())
    )


def _dated_decade(text: str) -> str | None:
    match = ("dated" in text or "care tag" in text) and _DATED.search(text)
    if match:
        digits = (match.group(1) or match.group(2)).lstrip("'")
        year = int(digits) if len(digits) == 4 else 1900 + int(digits)
        return _decade_of_year(year)
    if ("19" in text or "20" in text) and not _REPRODUCTION.search(text):
        for match in _YEAR.finditer(text):
            if _MODEL_YEAR_AFTER.match(text, match.end()):
                continue
            if _MODEL_YEAR_BEFORE.search(text, 0, match.start()):
                continue
            if _names_a_style(text, match):
                continue
            return _decade_of_year(int(match.group(1)))
    match = _SEASON.search(text) if _SEASON_WORDS.search(text) else None
    if match:
        two_digits = int(match.group(1))
        return _decade_of_year(
            1900 + two_digits if two_digits >= 50 else 2000 + two_digits
        )
    return None


def find_decade(text: str, *, big_e: bool | None = None) -> str | None:
    """Return the decade ("1980s") that normalised text states or implies."""
    explicit = _explicit_decade(text)
    if explicit:
        return explicit[1]
    if _DIGIT.search(text):
        dated = _dated_decade(text)
        if dated:
            return dated
    if big_e:
        return "1960s"
    if ("stitch" in text or "66" in text or "sixty" in text) and _SINGLE_STITCH.search(
        text
    ):
        return "1970s"
    return None
