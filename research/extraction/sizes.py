"""Waist and inseam in inches from a listing title.

Sellers write sizes as "W32 L30", "32W x 30L", "32x30", "32 x 30", "32/30",
"33 by 32", "waist 33 length 30", "Size 32" or "W32". Only two-digit numbers
count, and a waist must lie in WAIST_RANGE and an inseam in INSEAM_RANGE, so
"size 8" (a women's size), "100% cotton" and a year such as 1984 are never
read as sizes. Fractional inseams ("36x32.5") are truncated to whole inches.
"""

from __future__ import annotations

import re

from .text import mentions

WAIST_RANGE = range(22, 61)
INSEAM_RANGE = range(20, 41)

_NUMBER = r"(\d{2}(?:\.\d{1,2})?)"
# _NUMBER with no digit or point before it (_LONE_NUMBER), or no digit, point,
# #, $ or / (_PAIR_NUMBER). The lookbehind follows the first digit, so the
# regex engine can jump straight to digits.
_LONE_NUMBER = r"(\d(?<![\d.]\d)\d(?:\.\d{1,2})?)"
_PAIR_NUMBER = r"(\d(?<![\d.#$/]\d)\d(?:\.\d{1,2})?)"
# "w" not preceded by a letter, with the same kind of lookbehind.
_W_LETTER = r"w(?<![a-z]w)"
_INCH = r"""(?:["']|\s?in\b|\s?inch(?:es)?\b)?"""
_PAIR_SEPARATOR = r"\s*\*?\s*(?:x|/|by|\*|-)\s*"

# Patterns that give both numbers, most explicit first. Each has the waist in
# group 1 and the inseam in group 2. Each comes with words of which one must
# appear for it to match, because a substring test is far cheaper than a scan.
_PAIR_PATTERNS = (
    # W32 L30, W 32 L 30, W32/L30, W:36/L:32, W36 x L34
    (
        ("w",),
        re.compile(
            rf"{_W_LETTER}\s*:?\s*{_NUMBER}{_INCH}\s*(?:[x/,-]|by)?\s*l\s*:?\s*"
            rf"{_NUMBER}(?!\d)"
        ),
    ),
    # 32W x 30L, 34Wx31L, 32W 34L, 36 W x 30 L
    (
        ("w",),
        re.compile(
            rf"{_LONE_NUMBER}{_INCH}\s*w\s*(?:[x/,-]|by)?\s*"
            rf"{_NUMBER}{_INCH}\s*l\b"
        ),
    ),
    # waist 33" length 30", waist 30 inseam 32
    (
        ("waist",),
        re.compile(
            rf"waist\s*:?\s*{_NUMBER}{_INCH}\s*(?:[x/,-]|and)?\s*"
            rf"(?:length|inseam|l)\s*:?\s*{_NUMBER}"
        ),
    ),
    # 32x30, 32 x 30, 32/30, 33 by 32, 36*x32, 36" x 32", 36 (35 fit) x 30
    (
        ("x", "/", "by", "*"),
        re.compile(
            rf"{_PAIR_NUMBER}{_INCH}\s*(?:\([^)]{{0,16}}\)\s*)?"
            rf"{_PAIR_SEPARATOR}{_NUMBER}(?![\d%/])"
        ),
    ),
    # Size 32 30, sz 30 30
    (
        ("size", "sz"),
        re.compile(rf"\b(?:size|sz)\.?:?\s*{_NUMBER}\s+{_NUMBER}(?![\d%])"),
    ),
)

_WAIST_PATTERNS = (
    # W32, W 32, W:32
    (("w",), re.compile(rf"{_W_LETTER}\s*:?\s*{_NUMBER}(?![\d%])")),
    # 32W, 32" W
    (("w",), re.compile(rf"{_LONE_NUMBER}{_INCH}\s*w\b")),
    # waist 38
    (("waist",), re.compile(rf"\bwaist\s*:?\s*{_NUMBER}(?!\d)")),
)

# "Size 32", "sz 34", "tag size 36", "size 29 US", "32R". A European size
# ("size 38 FR") is a different scale, so it is skipped.
_SIZE_PATTERNS = (
    (
        ("size", "sz", "tag"),
        re.compile(
            rf"\b(?:size|sz|tagged|tag)\.?:?\s*{_NUMBER}(?:r|s|l|w)?\b"
            r"(?!\s*(?:fr|it|eu|eur|euro|de|months?|mo|yrs?|years?)\b)"
        ),
    ),
    (("r",), re.compile(r"(\d(?<![\d.]\d)\d)r\b")),
    # A bare number right after the garment word at the end: "Levi's 501 Jeans 34"
    (
        ("jean", "denim", "pant", "trouser"),
        re.compile(r"\b(?:jeans?|denim|pants|trousers)\W{0,3}(\d{2})\W{0,3}$"),
    ),
    # A bare number that opens the title: "34 Black Levi's Straight Fit Jeans"
    ((), re.compile(r"^\W{0,2}(\d{2})\s+(?!pairs?\b|pack\b|colou?rs?\b|%|x\b)[a-z]")),
    # A bare number anywhere else in a range only waists use, as in "Naked &
    # Famous 36 Indigo Selvedge": not after "lot", "type", "size", "#" or
    # "no.", and not before a count, a unit or a European size scale.
    (
        (),
        re.compile(
            r"(?<![\w#$./'-])(?<!lot )(?<!type )(?<!no\. )(?<!size )(?<!sz )"
            r"(2[6-9]|3\d|4[0-4])(?:\"|\s?in\b)?(?![\w%/.'-])"
            r"(?!\s*(?:pairs?|pack|colou?rs?|oz|pieces|pcs|lbs?|fr|it|eu|de)\b)"
        ),
    ),
)

_INSEAM_PATTERNS = (
    re.compile(rf"\binseam\s*:?\s*{_NUMBER}"),
    re.compile(rf"(?<![\d.]){_NUMBER}{_INCH}\s*inseam\b"),
)
_TWO_DIGITS = re.compile(r"\d\d")
# A title that names one of these and none of the bottoms is not for trousers.
_TOP = re.compile(
    r"\b(?:jacket|trucker|shirt|tee|t-shirt|vest|coat|sweater|sweatshirt|hoodie|"
    r"blazer|parka|blouse|dress|sneakers?|shoes|trainers|heels|loafers|boots|belt)\b"
)
_BOTTOM = re.compile(
    r"\b(?:jeans?|pants|trousers|shorts|chinos?|overalls|denim|corduroys?|"
    r"dungarees|bottoms)\b"
)


def _inches(text: str) -> int:
    return int(float(text))


def _waist_or_none(text: str) -> int | None:
    value = _inches(text)
    return value if value in WAIST_RANGE else None


def find_waist_inseam(
    text: str, *, bare_sizes: bool | None = True
) -> tuple[int | None, int | None]:
    """Return (waist, inseam) in inches from normalised text; None where absent.

    `bare_sizes` allows "Size 32" and lone numbers to count as a waist. Callers
    turn it off for tops, where "size 40" is a chest measurement. None allows
    them unless the text names a top and no bottom.
    """
    if not _TWO_DIGITS.search(text):
        return None, None
    for words, pattern in _PAIR_PATTERNS:
        if not mentions(text, words):
            continue
        for match in pattern.finditer(text):
            waist = _inches(match.group(1))
            inseam = _inches(match.group(2))
            if waist in WAIST_RANGE and inseam in INSEAM_RANGE:
                return waist, inseam
    waist = _first_waist(text, _WAIST_PATTERNS)
    if bare_sizes is None:
        bare_sizes = waist is None and not _names_only_a_top(text)
    if waist is None and bare_sizes:
        waist = _first_waist(text, _SIZE_PATTERNS)
    return waist, _find_inseam(text)


def _names_only_a_top(text: str) -> bool:
    return bool(_TOP.search(text)) and not _BOTTOM.search(text)


def _first_waist(
    text: str, patterns: tuple[tuple[tuple[str, ...], re.Pattern], ...]
) -> int | None:
    for words, pattern in patterns:
        if words and not mentions(text, words):
            continue
        for match in pattern.finditer(text):
            waist = _waist_or_none(match.group(1))
            if waist is not None:
                return waist
    return None


def _find_inseam(text: str) -> int | None:
    if "inseam" not in text:
        return None
    for pattern in _INSEAM_PATTERNS:
        match = pattern.search(text)
        if match:
            inseam = _inches(match.group(1))
            if inseam in INSEAM_RANGE:
                return inseam
    return None


_SIZE_NUMBER = re.compile(r"^\s*(\d{2}(?:\.\d+)?)\s*(?:w|r|s|l|us)?\s*$")


def waist_from_size_field(size: str) -> int | None:
    """Return the waist from a source's size field ("32", "32.0", "32W", "33R")."""
    match = _SIZE_NUMBER.match(size.lower())
    if match is None:
        return None
    return _waist_or_none(match.group(1))
