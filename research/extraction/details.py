"""Country of manufacture, selvedge, big E, gender, fit, wash and condition."""

from __future__ import annotations

import re

from .text import mentions

COUNTRIES: dict[str, str] = {
    "usa": "USA",
    "u.s.a": "USA",
    "u.s.a.": "USA",
    "us": "USA",
    "u.s.": "USA",
    "america": "USA",
    "united states": "USA",
    "mexico": "Mexico",
    "japan": "Japan",
    "italy": "Italy",
    "canada": "Canada",
    "turkey": "Turkey",
    "china": "China",
    "hong kong": "Hong Kong",
    "macau": "Macau",
    "taiwan": "Taiwan",
    "korea": "South Korea",
    "south korea": "South Korea",
    "philippines": "Philippines",
    "bangladesh": "Bangladesh",
    "pakistan": "Pakistan",
    "india": "India",
    "sri lanka": "Sri Lanka",
    "vietnam": "Vietnam",
    "cambodia": "Cambodia",
    "indonesia": "Indonesia",
    "thailand": "Thailand",
    "egypt": "Egypt",
    "tunisia": "Tunisia",
    "morocco": "Morocco",
    "lesotho": "Lesotho",
    "mauritius": "Mauritius",
    "haiti": "Haiti",
    "dominican republic": "Dominican Republic",
    "honduras": "Honduras",
    "guatemala": "Guatemala",
    "el salvador": "El Salvador",
    "nicaragua": "Nicaragua",
    "costa rica": "Costa Rica",
    "colombia": "Colombia",
    "peru": "Peru",
    "brazil": "Brazil",
    "poland": "Poland",
    "portugal": "Portugal",
    "spain": "Spain",
    "france": "France",
    "belgium": "Belgium",
    "uk": "United Kingdom",
    "england": "United Kingdom",
    "united kingdom": "United Kingdom",
    "germany": "Germany",
    "hungary": "Hungary",
    "romania": "Romania",
    "bulgaria": "Bulgaria",
    "malta": "Malta",
    "australia": "Australia",
}

# ISO 3166 alpha-2 codes that sources such as Grailed put in structured fields.
COUNTRY_CODES: dict[str, str] = {
    "US": "USA",
    "MX": "Mexico",
    "JP": "Japan",
    "IT": "Italy",
    "CA": "Canada",
    "TR": "Turkey",
    "CN": "China",
    "HK": "Hong Kong",
    "MO": "Macau",
    "TW": "Taiwan",
    "KR": "South Korea",
    "PH": "Philippines",
    "BD": "Bangladesh",
    "PK": "Pakistan",
    "IN": "India",
    "LK": "Sri Lanka",
    "VN": "Vietnam",
    "KH": "Cambodia",
    "ID": "Indonesia",
    "TH": "Thailand",
    "EG": "Egypt",
    "TN": "Tunisia",
    "MA": "Morocco",
    "LS": "Lesotho",
    "MU": "Mauritius",
    "HT": "Haiti",
    "DO": "Dominican Republic",
    "HN": "Honduras",
    "GT": "Guatemala",
    "SV": "El Salvador",
    "NI": "Nicaragua",
    "CR": "Costa Rica",
    "CO": "Colombia",
    "PE": "Peru",
    "BR": "Brazil",
    "PL": "Poland",
    "PT": "Portugal",
    "ES": "Spain",
    "FR": "France",
    "BE": "Belgium",
    "GB": "United Kingdom",
    "DE": "Germany",
    "HU": "Hungary",
    "RO": "Romania",
    "BG": "Bulgaria",
    "MT": "Malta",
    "AU": "Australia",
}

_COUNTRY_NAMES = "|".join(
    re.escape(name) for name in sorted(COUNTRIES, key=len, reverse=True)
)
_MADE_IN = re.compile(rf"\bmade\s+in\s+(?:the\s+)?({_COUNTRY_NAMES})(?![a-z])")
_COUNTRY_MADE = re.compile(rf"\b({_COUNTRY_NAMES})[\s-]*made\b")
_ADJECTIVE_MADE = re.compile(
    r"\b(american|mexican|japanese|italian|canadian)[\s-]+made\b"
)
_ADJECTIVES = {
    "american": "USA",
    "mexican": "Mexico",
    "japanese": "Japan",
    "italian": "Italy",
    "canadian": "Canada",
}
# Standing alone in a denim title, these names mean where the garment was
# made; "Japanese denim" names the fabric and does not count.
_STANDALONE_COUNTRY = re.compile(
    r"(?<![\w.])(usa|u\.s\.a\.?|mexico|japan|italy|mij)(?![\w])"
)
_STANDALONE_WORDS = ("usa", "u.s.a", "mexico", "japan", "italy", "mij")
_BRANDS_WITH_COUNTRIES = re.compile(
    r"pure blue japan|blue blue japan|made in the shade"
)


def find_made_in(text: str) -> str | None:
    """Return the country of manufacture named in normalised text."""
    if "made" in text:
        match = _MADE_IN.search(text) or _COUNTRY_MADE.search(text)
        if match:
            return COUNTRIES[match.group(1)]
        match = _ADJECTIVE_MADE.search(text)
        if match:
            return _ADJECTIVES[match.group(1)]
    if not mentions(text, _STANDALONE_WORDS):
        return None
    if "japan" in text:
        text = _BRANDS_WITH_COUNTRIES.sub(" ", text)
    match = _STANDALONE_COUNTRY.search(text)
    if match:
        name = match.group(1)
        return "Japan" if name == "mij" else COUNTRIES[name]
    return None


def country_from_code_or_name(value: str) -> str | None:
    """Return the country for a source's field: "MX", "Mexico", "made in usa"."""
    value = value.strip()
    if not value:
        return None
    if value.upper() in COUNTRY_CODES and len(value) == 2:
        return COUNTRY_CODES[value.upper()]
    lowered = value.lower()
    return COUNTRIES.get(lowered) or find_made_in(lowered)


_NOT_SELVEDGE = re.compile(r"\b(?:non|no|not)[\s-]*(?:selvedge|selvage|selvege)")
_SELVEDGE = re.compile(
    r"selvedge|selvage|selvege|\bselv\b|self[\s-]?edge|\bred[\s-]?lines?\b"
)


def find_selvedge(text: str) -> bool | None:
    """Return True for selvedge or redline denim, False when denied, else None."""
    if "sel" not in text and "red" not in text:
        return None
    if _NOT_SELVEDGE.search(text):
        return False
    return True if _SELVEDGE.search(text) else None


_BIG_E = re.compile(r"\bbig[\s-]?e\b")
_SMALL_E = re.compile(r"\b(?:small|little)[\s-]?e\b")


def find_big_e(text: str) -> bool | None:
    """Return True for a big E tab, False for a small e, else None."""
    if "big" in text and _BIG_E.search(text):
        return True
    if ("small" in text or "little" in text) and _SMALL_E.search(text):
        return False
    return None


_MEN = re.compile(r"\b(?:men|mens|men's|man|male|menswear|gents?|mans)\b")
_WOMEN = re.compile(
    r"\b(?:women|womens|women's|woman|woman's|womans|ladies|lady|female|womenswear)\b"
)
_KIDS_WORDS = ("boy", "girl", "kid", "youth", "toddler", "child")
_KIDS = re.compile(
    r"\b(?:boys?|boy's|girls?|girl's|kids?|kid's|youth|toddler|children's|childrens)\b"
)


def find_gender(text: str) -> str | None:
    """Return "men", "women", "unisex" or "kids" as normalised text states it."""
    if "unisex" in text:
        return "unisex"
    women = "wom" in text or "lad" in text or "fem" in text
    women = women and bool(_WOMEN.search(text))
    men = "m" in text and bool(_MEN.search(text))
    if men and women:
        return "unisex"
    if women:
        return "women"
    if men:
        return "men"
    if mentions(text, _KIDS_WORDS) and _KIDS.search(text):
        return "kids"
    return None


# (value, words one of which must appear, pattern), most specific first. The
# substring test skips the regular expression for most titles.
_FITS = (
    ("slim straight", ("slim",), re.compile(r"slim[\s&/-]*(?:and\s+)?straight")),
    ("slim taper", ("slim",), re.compile(r"slim[\s&/-]*taper")),
    ("athletic", ("athletic",), re.compile(r"\bathletic")),
    ("skinny", ("skinny",), re.compile(r"\bskinny")),
    (
        "bootcut",
        ("boot",),
        re.compile(r"\bboot[\s-]?(?:cut|leg|fit)\b|\bbootcut|slim boot|\bbootleg"),
    ),
    ("flare", ("flare", "bell"), re.compile(r"\bflared?\b|bell[\s-]?bottoms?")),
    ("wide leg", ("wide",), re.compile(r"\bwide[\s-]?leg")),
    ("baggy", ("baggy",), re.compile(r"\bbaggy")),
    ("loose", ("loose",), re.compile(r"\bloose")),
    ("relaxed", ("relaxed",), re.compile(r"\brelaxed")),
    ("carpenter", ("carpenter",), re.compile(r"\bcarpenter")),
    ("tapered", ("taper",), re.compile(r"\btaper(?:ed)?\b")),
    ("slim", ("slim",), re.compile(r"\bslim(?:\b|fit|-fit)")),
    ("regular", ("regular",), re.compile(r"\bregular\b")),
    ("straight", ("straight", "original"), re.compile(r"\bstraight|original fit")),
)

# The fit each Levi's lot was cut to, used when the title names the lot only.
LEVIS_LOT_FITS = {
    "501": "straight",
    "501xx": "straight",
    "502": "tapered",
    "505": "regular",
    "510": "skinny",
    "511": "slim",
    "512": "slim taper",
    "513": "slim straight",
    "514": "straight",
    "517": "bootcut",
    "527": "bootcut",
    "541": "athletic",
    "550": "relaxed",
    "559": "relaxed",
    "560": "loose",
    "569": "loose",
    "646": "flare",
    "684": "flare",
}


def find_fit(text: str) -> str | None:
    """Return the cut named in normalised text ("slim straight", "bootcut")."""
    return _first_listed(_FITS, text)


def _first_listed(
    entries: tuple[tuple[str, tuple[str, ...], re.Pattern], ...], text: str
) -> str | None:
    for value, words, pattern in entries:
        for word in words:
            if word in text:
                if pattern.search(text):
                    return value
                break
    return None


_WASHES = (
    ("acid", ("acid",), re.compile(r"\bacid")),
    ("stonewash", ("stone",), re.compile(r"stone[\s-]?wash")),
    (
        "raw",
        ("raw", "rigid", "unwashed", "dry"),
        re.compile(r"\b(?:raw|rigid|unwashed)\b|\bdry\s+(?:denim|selvedge|indigo)"),
    ),
    ("rinse", ("rinse",), re.compile(r"\brinse")),
    ("bleached", ("bleach",), re.compile(r"\bbleach")),
    ("dark", ("dark",), re.compile(r"\bdark")),
    (
        "medium",
        ("medium", "mid"),
        re.compile(r"\b(?:medium|mid)[\s-]?(?:wash|blue|indigo|stone)|\bmedium\b"),
    ),
    (
        "light",
        ("light", "faded"),
        re.compile(r"\blight[\s-]?(?:wash|blue|stone|indigo)|\bfaded\b"),
    ),
    ("black", ("black",), re.compile(r"\bblack\b(?![\s-]+(?:label|tab|gold))")),
    ("grey", ("grey", "gray", "charcoal"), re.compile(r"\b(?:grey|gray|charcoal)\b")),
    ("white", ("white",), re.compile(r"\bwhite\b(?![\s-]+oak)")),
)


def find_wash(text: str) -> str | None:
    """Return the wash or colour family named in normalised text."""
    return _first_listed(_WASHES, text)


_CONDITIONS = (
    (
        "like new",
        ("like", "mint"),
        re.compile(r"like[\s-]new|mint condition"),
    ),
    (
        "new",
        ("new", "nwt", "nwot", "deadstock", "nos"),
        re.compile(
            r"\bb?nwo?t\b|\bnew with(?:out)? tags?\b|\bbrand new\b|\bdeadstock\b"
            r"|\bnos\b|\bnew\b(?!\s+(?:york|balance|standard|era|zealand|england))"
        ),
    ),
    ("excellent", ("euc", "excellent"), re.compile(r"\beuc\b|\bexcellent\b")),
    ("very good", ("vgc", "very good"), re.compile(r"\bvgc\b|\bvery good\b")),
    (
        "good",
        ("guc", "good", "gently"),
        re.compile(r"\bguc\b|\bgood condition\b|\bgently (?:used|worn)\b"),
    ),
    (
        "fair",
        ("fair", "as is", "as-is", "flaw", "damaged", "repair"),
        re.compile(
            r"\bfair\b|\bas[\s-]is\b|\bflaw(?:s|ed)?\b|\bdamaged\b|needs? repair"
        ),
    ),
)


def find_condition(text: str) -> str | None:
    """Return the condition grade named in normalised text."""
    return _first_listed(_CONDITIONS, text)


# Condition words that sources put in structured fields, normalised.
SOURCE_CONDITIONS = {
    "is_new": "new",
    "is_gently_used": "very good",
    "is_used": "good",
    "is_worn": "fair",
    "never worn, with tag": "new",
    "never worn": "new",
    "very good condition": "very good",
    "good condition": "good",
    "fair condition": "fair",
    "new with tags": "new",
    "new without tags": "new",
    "new": "new",
    "new other (see details)": "new",
    "pre-owned": "good",
    "used": "good",
    "like new": "like new",
    "excellent": "excellent",
    "very good": "very good",
    "good": "good",
    "fair": "fair",
    "poor": "fair",
}
