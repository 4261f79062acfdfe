"""Lot numbers and model names: Levi's 501xx, Wrangler 13MWZ, Mavi Zach, ...

Levi's lots are three-digit numbers from 200 to 799 with an optional "xx"
("501", "501xx", "505-0217" reads as 505). Other brands get their own model
lists, since their numbers mean nothing to Levi's and the reverse. A title
with no brand still gets a lot when the number is one of the well-known
Levi's lots, because "Vintage 517 bootcut" can only mean one thing.
"""

from __future__ import annotations

import re

from .brands import LEVIS

_LEVIS_LOT = re.compile(
    r"(?<![\d$#.,/])(?:lot\s*)?([2-7]\d\d)(xx)?(?:'?s)?(?![\d%]|/\d|\.\d)"
)
WELL_KNOWN_LEVIS_LOTS = frozenset(
    {"501", "502", "505", "510", "511", "512", "513", "514", "517", "527", "541"}
    | {"550", "559", "560", "569", "646", "684"}
)
_GENERIC_LOT = re.compile(r"\blot\s*#?\s*([a-z]?\d{2,4}[a-z]{0,3})\b")
_REPRODUCTION_CODE = re.compile(r"(?<![\w-])([a-z]{0,3}-?\d{3,4}[a-z]{0,3})(?![\w-])")

_REPRODUCTION_BRANDS = frozenset(
    {
        "Momotaro",
        "Studio D'Artisan",
        "Iron Heart",
        "Samurai Jeans",
        "Pure Blue Japan",
        "Oni Denim",
        "The Flat Head",
        "Sugar Cane",
        "Warehouse & Co.",
        "Evisu",
        "Edwin",
        "Big John",
        "Kapital",
        "Orslow",
    }
)

# Brand -> model names as sellers type them (normalised), each with its
# display spelling.
_NAMED_MODELS: dict[str, dict[str, str]] = {
    "Diesel": {
        name: name.title()
        for name in [
            "zatiny",
            "belther",
            "buster",
            "krooley",
            "larkee",
            "safado",
            "sleenker",
            "tepphar",
            "thommer",
            "thavar",
            "viker",
            "waykee",
            "mharky",
            "zathan",
            "darron",
            "troxer",
            "iakop",
            "kuratt",
            "timmen",
            "rooker",
            "zaf",
            "onijo",
            "tavar",
            "macrowill",
            "narrot",
            "braddom",
            "kakee",
            "lowky",
            "wazee",
            "ronhar",
            "shioner",
            "d-strukt",
            "d-mihtry",
            "d-amny",
            "d-bazer",
            "d-fining",
            "d-luster",
            "d-rise",
            "d-vider",
            "d-eetar",
            "d-kras",
        ]
    },
    "Mavi": {
        name: name.title()
        for name in [
            "zach",
            "jake",
            "marcus",
            "matt",
            "myles",
            "jim",
            "josh",
            "max",
            "james",
            "mitch",
            "dustin",
        ]
    },
    "Naked & Famous Denim": {
        "weird guy": "Weird Guy",
        "easy guy": "Easy Guy",
        "super guy": "Super Guy",
        "super skinny guy": "Super Skinny Guy",
        "superskinny guy": "Super Skinny Guy",
        "skinny guy": "Skinny Guy",
        "skinnyguy": "Skinny Guy",
        "strong guy": "Strong Guy",
        "true guy": "True Guy",
        "slim guy": "Slim Guy",
        "wireguy": "Wire Guy",
        "wire guy": "Wire Guy",
    },
    "Big Star": {
        name: name.title()
        for name in [
            "pioneer",
            "union",
            "division",
            "voyager",
            "eastman",
            "digger",
        ]
    },
    "Hugo Boss": {
        name: name.title()
        for name in [
            "maine",
            "delaware",
            "albany",
            "alabama",
            "arizona",
            "texas",
            "kansas",
            "yukon",
            "charleston",
            "taber",
            "drake",
        ]
    },
    "Nudie Jeans": {
        name: name.title()
        for name in (
            "grim tim",
            "thin finn",
            "lean dean",
            "steady eddie",
            "tight terry",
            "tilted tor",
            "gritty jackson",
            "tuff tony",
            "dude dan",
            "rad rufus",
            "brute knut",
            "lanky lars",
            "sleepy sixten",
            "slim jim",
        )
    },
    "J.Crew": {
        "484": "484",
        "770": "770",
        "250": "250",
        "1040": "1040",
        "driggs": "Driggs",
        "sutton": "Sutton",
        "bleecker": "Bleecker",
    },
    "A.P.C.": {
        "petit new standard": "Petit New Standard",
        "petit standard": "Petit Standard",
        "new standard": "New Standard",
        "rescue": "Rescue",
        "moulant": "Moulant",
    },
    "G-Star RAW": {"3301": "3301", "5620": "5620", "d-staq": "D-Staq"},
}
_NAMED_MODEL_PATTERNS = {
    brand: re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        + r")(?![\w-])"
    )
    for brand, names in _NAMED_MODELS.items()
}
_NUMBERED_MODELS = {
    "Wrangler": re.compile(
        r"\b(\d{1,3}mw[zjx]{1,2}|936[a-z]{0,3}|945[a-z]{0,3}|20x)\b"
    ),
    "Lee": re.compile(r"\b(101[zbj]?)\b"),
    "Lucky Brand": re.compile(r"(?<![\d$#.])([1-4]\d\d)(?![\d%])"),
}


def _levis_lot(text: str, *, well_known_only: bool) -> str | None:
    for match in _LEVIS_LOT.finditer(text):
        number, suffix = match.group(1), match.group(2) or ""
        if well_known_only and number not in WELL_KNOWN_LEVIS_LOTS:
            continue
        return number + suffix
    return None


def find_lot(text: str, brand: str | None) -> str | None:
    """Return the lot number or model name in normalised text, or None."""
    if brand == LEVIS:
        return _levis_lot(text, well_known_only=False)
    pattern = _NAMED_MODEL_PATTERNS.get(brand or "")
    if pattern is not None:
        match = pattern.search(text)
        if match:
            return _NAMED_MODELS[brand][match.group(1)]
    pattern = _NUMBERED_MODELS.get(brand or "")
    if pattern is not None:
        match = pattern.search(text)
        if match:
            return match.group(1).upper()
    if "lot" in text:
        match = _GENERIC_LOT.search(text)
        if match:
            return match.group(1).upper()
    if brand in _REPRODUCTION_BRANDS:
        for match in _REPRODUCTION_CODE.finditer(text):
            code = match.group(1)
            if any(character.isdigit() for character in code):
                return code.upper()
    if brand is None:
        return _levis_lot(text, well_known_only=True)
    return None
