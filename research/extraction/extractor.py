"""Combine the attribute readers into one pass over a listing."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import brands, details, eras, lots, sizes
from .text import normalize

# Bump when a change to any reader could change a stored value; rows with an
# older version are extracted again (see research.ingest.reextract).
EXTRACTOR_VERSION = 1

# The keys `manage.py extract_attributes` prints, in order.
CLI_FIELDS = (
    "brand",
    "lot",
    "decade",
    "waist",
    "inseam",
    "made_in",
    "selvedge",
    "big_e",
    "gender",
)


@dataclass(slots=True)
class Attributes:
    """Denim attributes of one listing; None where the text does not say."""

    brand: str | None = None
    brand_line: str | None = None
    lot: str | None = None
    decade: str | None = None
    waist: int | None = None
    inseam: int | None = None
    made_in: str | None = None
    selvedge: bool | None = None
    big_e: bool | None = None
    gender: str | None = None
    fit: str | None = None
    wash: str | None = None
    condition: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def cli_dict(self) -> dict:
        return {field: getattr(self, field) for field in CLI_FIELDS}


@dataclass(slots=True, frozen=True)
class Hints:
    """Structured fields a source already has, in its own words.

    The title still decides lot, decade, selvedge and big E. Hints decide the
    brand, gender and condition when they map to a known value, because a
    source's own field is more reliable than a seller's title; size and
    country fill in what the title leaves out.
    """

    brand: str = ""
    size: str = ""
    condition: str = ""
    gender: str = ""
    made_in: str = ""
    # False when the source says the item is not a bottom (a jacket, shoes),
    # so a bare "size 40" is not read as a waist.
    bottoms: bool | None = None


NO_HINTS = Hints()


def extract_attributes(
    title: str, description: str = "", hints: Hints = NO_HINTS
) -> Attributes:
    """Read the denim attributes of a listing from its title and description.

    The description only fills fields that the title leaves empty.
    """
    attributes = _from_text(normalize(title or ""), hints)
    if description:
        _fill_from_description(attributes, normalize(description), hints)
    _apply_hints(attributes, hints)
    if attributes.fit is None and attributes.brand in (brands.LEVIS, None):
        attributes.fit = details.LEVIS_LOT_FITS.get(attributes.lot or "")
    return attributes


def _from_text(text: str, hints: Hints) -> Attributes:
    attributes = Attributes()
    brand, _, _ = brands.find_brand(text)
    attributes.brand = brand
    lot_brand = (hints.brand and brands.canonical_brand(hints.brand)) or brand
    if lot_brand == brands.LEVIS:
        attributes.brand_line = brands.find_levis_line(text)
    attributes.lot = lots.find_lot(text, lot_brand)
    attributes.waist, attributes.inseam = sizes.find_waist_inseam(
        text, bare_sizes=hints.bottoms
    )
    attributes.big_e = details.find_big_e(text)
    attributes.decade = eras.find_decade(text, big_e=attributes.big_e)
    attributes.made_in = details.find_made_in(text)
    attributes.selvedge = details.find_selvedge(text)
    attributes.gender = details.find_gender(text)
    attributes.fit = details.find_fit(text)
    attributes.wash = details.find_wash(text)
    attributes.condition = details.find_condition(text)
    return attributes


def _fill_from_description(attributes: Attributes, text: str, hints: Hints) -> None:
    found = _from_text(text, hints)
    for field in Attributes.__slots__:
        if getattr(attributes, field) is None:
            setattr(attributes, field, getattr(found, field))


def _apply_hints(attributes: Attributes, hints: Hints) -> None:
    if hints.brand:
        attributes.brand = brands.canonical_brand(hints.brand) or (
            attributes.brand or _clean_brand(hints.brand)
        )
    if hints.gender:
        attributes.gender = _gender_from_hint(hints.gender) or attributes.gender
    if hints.condition:
        attributes.condition = (
            details.SOURCE_CONDITIONS.get(hints.condition.strip().lower())
            or attributes.condition
        )
    if attributes.waist is None and hints.size and hints.bottoms is not False:
        attributes.waist = sizes.waist_from_size_field(hints.size)
    if attributes.made_in is None and hints.made_in:
        attributes.made_in = details.country_from_code_or_name(hints.made_in)


def _clean_brand(raw: str) -> str | None:
    cleaned = " ".join(raw.replace("_", " ").split())
    if not cleaned:
        return None
    return cleaned.title() if cleaned.islower() else cleaned


def _gender_from_hint(value: str) -> str | None:
    return details.find_gender(normalize(value))
