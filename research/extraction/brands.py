"""Brand names: canonical spellings, the aliases sellers type, and Levi's lines.

Aliases are matched on normalised text (see text.normalize), so they are lower
case with ASCII quotes. A title that names several brands gets the first one,
which makes "Denim Tears x Levi's" a Denim Tears listing.
"""

from __future__ import annotations

import re

from .text import mentions, normalize

LEVIS = "Levi's"

# Canonical name -> aliases. Short or common words ("lee", "gap", "boss") are
# listed only where denim titles use them as brands. "ag" and "express" are
# left out because they read as ordinary words more often than as brands.
BRAND_ALIASES: dict[str, tuple[str, ...]] = {
    LEVIS: (
        "levi's",
        "levis",
        "levi s",
        "levi",
        "levi strauss",
        "levi strauss & co",
        "levi strauss & co.",
        "levi strauss and co",
        "levi straus",
        "levi stauss",
        "levi's strauss",
        "lvc",
        "levi's vintage clothing",
        "levis vintage clothing",
        "levi's red tab",
        "silvertab",
        "silver tab",
        "levi's silver tab",
        "denizen",
        "signature by levi strauss",
    ),
    "Wrangler": ("wrangler", "wranglers", "wrangler's"),
    "Lee": ("lee", "lee riders", "lee rider", "h.d. lee"),
    "Lee Cooper": ("lee cooper",),
    "Diesel": ("diesel", "deisel", "disel", "diesel industry", "diesel black gold"),
    "Big Star": ("big star", "bigstar"),
    "Mavi": ("mavi",),
    "Naked & Famous Denim": (
        "naked & famous",
        "naked and famous",
        "naked & famous denim",
        "naked and famous denim",
        "n&f",
        "naked famous",
    ),
    "Hugo Boss": ("hugo boss", "boss hugo boss", "boss orange", "boss black", "boss"),
    "Lucky Brand": ("lucky brand", "lucky brznd", "lucky jeans", "lucky"),
    "J.Crew": ("j.crew", "j. crew", "j crew", "jcrew", "j-crew"),
    "Wallace & Barnes": ("wallace & barnes", "wallace and barnes"),
    "Carhartt": ("carhartt", "carhartt wip"),
    "Dickies": ("dickies",),
    "Calvin Klein": ("calvin klein", "calvin klein jeans", "ck jeans"),
    "Tommy Hilfiger": ("tommy hilfiger", "hilfiger", "tommy jeans"),
    "Polo Ralph Lauren": ("polo ralph lauren", "ralph lauren", "polo jeans"),
    "RRL": ("rrl", "double rl"),
    "True Religion": ("true religion",),
    "Rock Revival": ("rock revival",),
    "Silver Jeans": ("silver jeans", "silver jeans co", "silver jeans co."),
    "BKE": ("bke", "buckle"),
    "Hudson": ("hudson jeans", "hudson"),
    "Joe's Jeans": ("joe's jeans", "joes jeans", "joe's"),
    "Paige": ("paige", "paige denim"),
    "Citizens of Humanity": ("citizens of humanity",),
    "7 For All Mankind": (
        "7 for all mankind",
        "seven for all mankind",
        "7fam",
        "7 fam",
    ),
    "AG": ("ag adriano goldschmied", "adriano goldschmied", "ag jeans"),
    "Nudie Jeans": ("nudie jeans", "nudie jeans co", "nudie"),
    "A.P.C.": ("a.p.c.", "a.p.c", "apc"),
    "Acne Studios": ("acne studios", "acne"),
    "Uniqlo": ("uniqlo",),
    "Gap": ("gap", "gap 1969", "baby gap"),
    "Old Navy": ("old navy",),
    "American Eagle": ("american eagle", "american eagle outfitters", "aeo"),
    "Abercrombie & Fitch": (
        "abercrombie & fitch",
        "abercrombie and fitch",
        "abercrombie",
    ),
    "Hollister": ("hollister",),
    "Banana Republic": ("banana republic",),
    "Zara": ("zara",),
    "H&M": ("h&m",),
    "Topman": ("topman",),
    "Madewell": ("madewell", "madwell"),
    "Momotaro": ("momotaro",),
    "Iron Heart": ("iron heart", "ironheart"),
    "Samurai Jeans": ("samurai jeans", "samurai"),
    "Pure Blue Japan": ("pure blue japan", "pbj"),
    "Oni Denim": ("oni denim", "oni"),
    "Studio D'Artisan": ("studio d'artisan", "studio dartisan", "sda"),
    "The Flat Head": ("the flat head", "flat head", "flathead"),
    "Sugar Cane": ("sugar cane", "sugarcane"),
    "Kapital": ("kapital",),
    "Orslow": ("orslow",),
    "Warehouse & Co.": ("warehouse & co", "warehouse & co.", "warehouse lot"),
    "3sixteen": ("3sixteen", "3 sixteen"),
    "Rogue Territory": ("rogue territory",),
    "Unbranded": ("unbranded brand", "the unbranded brand"),
    "Evisu": ("evisu", "evis"),
    "Edwin": ("edwin",),
    "Big John": ("big john",),
    "Rag & Bone": ("rag & bone", "rag and bone"),
    "Frame": ("frame", "frame denim"),
    "Ksubi": ("ksubi", "tsubi"),
    "Amiri": ("amiri",),
    "Purple Brand": ("purple brand",),
    "Dior": ("dior homme", "dior"),
    "Helmut Lang": ("helmut lang",),
    "Balmain": ("balmain",),
    "Saint Laurent": ("saint laurent", "ysl"),
    "Gucci": ("gucci",),
    "Prada": ("prada",),
    "Burberry": ("burberry",),
    "Stussy": ("stussy", "st\u00fcssy"),
    "Supreme": ("supreme",),
    "Vetements": ("vetements",),
    "Undercover": ("undercover",),
    "Number (N)ine": ("number (n)ine", "number nine", "number 9"),
    "Girbaud": ("marithe francois girbaud", "girbaud"),
    "Guess": ("guess", "guess jeans"),
    "JNCO": ("jnco",),
    "Pepe Jeans": ("pepe jeans", "pepe"),
    "G-Star RAW": ("g-star raw", "g-star", "gstar", "g star"),
    "Replay": ("replay",),
    "Mister Freedom": ("mister freedom",),
    "Denim Tears": ("denim tears",),
    "Brain Dead": ("brain dead",),
    "Our Legacy": ("our legacy",),
    "The Row": ("the row",),
    "Maison Margiela": ("maison margiela", "margiela", "mm6"),
    "Enfants Riches Deprimes": ("enfants riches deprimes", "erd"),
    "Nike": ("nike",),
    "Jordan": ("jordan", "air jordan"),
    "Chanel": ("chanel",),
    "Louis Vuitton": ("louis vuitton",),
    "Dolce & Gabbana": ("dolce & gabbana", "dolce and gabbana"),
    "Hermes": ("herm\u00e8s", "hermes", "herm\u00e3\u00a8s"),
    "Nautica": ("nautica",),
    "Cavaricci": ("cavaricci", "z. cavaricci"),
    "Arizona Jean Co.": ("arizona jean co", "arizona jeans", "arizona"),
    "Route 66": ("route 66",),
    "Rustler": ("rustler",),
    "Kuhl": ("kuhl",),
    "Duluth Trading": ("duluth trading", "duluth"),
    "L.L.Bean": ("l.l.bean", "l.l. bean", "ll bean", "llbean"),
    "Eddie Bauer": ("eddie bauer",),
    "Gant": ("gant",),
    "Scotch & Soda": ("scotch & soda", "scotch and soda"),
    "Tommy Bahama": ("tommy bahama",),
    "Vince": ("vince",),
    "Todd Snyder": ("todd snyder",),
    "Bonobos": ("bonobos",),
    "Kenneth Cole": ("kenneth cole",),
    "Armani": ("armani exchange", "armani jeans", "emporio armani", "armani"),
    "Versace": ("versace",),
    "Dsquared2": ("dsquared2", "dsquared", "d squared"),
    "Balenciaga": ("balenciaga",),
    "Givenchy": ("givenchy",),
    "Raf Simons": ("raf simons",),
    "Jean Paul Gaultier": ("jean paul gaultier", "gaultier"),
    "Marc Jacobs": ("marc jacobs", "marc by marc jacobs"),
    "Kenzo": ("kenzo",),
    "Off-White": ("off-white", "off white"),
    "Fear of God": ("fear of god", "fog essentials"),
    "Rick Owens": ("rick owens", "drkshdw"),
    "Yohji Yamamoto": ("yohji yamamoto", "yohji"),
    "Comme des Garcons": ("comme des garcons", "comme des gar\u00e7ons", "cdg"),
    "Alexander McQueen": ("alexander mcqueen", "mcqueen"),
    "Tom Ford": ("tom ford",),
    "Massimo Dutti": ("massimo dutti",),
    "Sandro": ("sandro",),
    "Moschino": ("moschino",),
}

_ALIAS_TO_BRAND: dict[str, str] = {
    alias: brand for brand, aliases in BRAND_ALIASES.items() for alias in aliases
}
_CANONICAL_BY_LOWER = {brand.lower(): brand for brand in BRAND_ALIASES}

# Longest alias first, so "levi strauss & co" wins over "levi" at one spot. A
# digit may follow, as in "levis569".
BRAND_PATTERN = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(
        re.escape(alias) for alias in sorted(_ALIAS_TO_BRAND, key=len, reverse=True)
    )
    + r")(?![a-z])"
)

# Levi's product lines worth keeping apart from mainline Levi's.
_LEVIS_LINES = (
    ("LVC", ("lvc", "vintage clothing"), re.compile(r"\blvc\b|vintage clothing")),
    ("Silver Tab", ("silver",), re.compile(r"silver ?tab")),
    (
        "Made & Crafted",
        ("crafted", "lmc"),
        re.compile(r"made (?:&|and) crafted|\blmc\b"),
    ),
    ("Capital E", ("capital",), re.compile(r"capital e\b")),
    ("Engineered", ("engineered",), re.compile(r"engineered")),
    ("Signature", ("signature",), re.compile(r"\bsignature\b")),
    ("Denizen", ("denizen",), re.compile(r"\bdenizen\b")),
)


def find_brand(text: str) -> tuple[str | None, int, int]:
    """Return the first brand named in normalised `text` and its span."""
    match = BRAND_PATTERN.search(text)
    if match is None:
        return None, -1, -1
    return _ALIAS_TO_BRAND[match.group(1)], match.start(), match.end()


def canonical_brand(raw: str) -> str | None:
    """Return the canonical name for a source's brand field, or None if unknown.

    The whole field must be one alias ("levi_s", "LEVI'S"), so a field such as
    "Jordan x Levi's" is not read as Levi's.
    """
    key = normalize(raw).strip(" .-")
    return _ALIAS_TO_BRAND.get(key) or _CANONICAL_BY_LOWER.get(key)


def find_levis_line(text: str) -> str | None:
    """Return the Levi's line (LVC, Silver Tab, ...) named in normalised text."""
    for line, words, pattern in _LEVIS_LINES:
        if mentions(text, words) and pattern.search(text):
            return line
    return None
