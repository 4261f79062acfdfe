"""Glue between the pure extractor and MarketListing's attribute columns."""

from __future__ import annotations

from .extraction import (
    EXTRACTOR_VERSION,
    NO_HINTS,
    Attributes,
    Hints,
    extract_attributes,
)

# MarketListing columns the extractor fills, in a fixed order for SQL.
ATTRIBUTE_COLUMNS = (
    "brand",
    "brand_line",
    "lot",
    "decade",
    "waist",
    "inseam",
    "made_in",
    "selvedge",
    "big_e",
    "gender",
    "fit",
    "wash",
    "condition",
)
# Fields whose change means the attributes must be read again.
EXTRACTION_INPUTS = frozenset(
    {"title", "description", "brand_raw", "size_raw", "condition_raw", "extra"}
)


def hints_from_fields(
    brand_raw: str, size_raw: str, condition_raw: str, extra: dict | None
) -> Hints:
    """Build extractor hints from a row's raw source fields.

    Importers keep the hints that have no column of their own in
    extra["hints"]: gender, made_in and bottoms.
    """
    stored = (extra or {}).get("hints") or {}
    if not (brand_raw or size_raw or condition_raw or stored):
        return NO_HINTS
    return Hints(
        brand=brand_raw or "",
        size=size_raw or "",
        condition=condition_raw or "",
        gender=str(stored.get("gender") or ""),
        made_in=str(stored.get("made_in") or ""),
        bottoms=stored.get("bottoms"),
    )


def attribute_values(attributes: Attributes) -> tuple:
    """Return the column values for `attributes` in ATTRIBUTE_COLUMNS order.

    Text columns store "" where the extractor found nothing, and values are
    cut to the column's length. The other columns store NULL.
    """
    found = attributes
    return (
        (found.brand or "")[:64],
        (found.brand_line or "")[:32],
        (found.lot or "")[:32],
        (found.decade or "")[:8],
        found.waist,
        found.inseam,
        (found.made_in or "")[:32],
        found.selvedge,
        found.big_e,
        (found.gender or "")[:8],
        (found.fit or "")[:32],
        (found.wash or "")[:32],
        (found.condition or "")[:32],
    )


def extract_for_fields(
    title: str,
    description: str,
    brand_raw: str,
    size_raw: str,
    condition_raw: str,
    extra: dict | None,
) -> tuple:
    """Extract and return the attribute column values for one row's fields."""
    hints = hints_from_fields(brand_raw, size_raw, condition_raw, extra)
    return attribute_values(extract_attributes(title, description, hints))


def apply_attributes(listing) -> list[str]:
    """Set a MarketListing's attribute columns from its text; return the fields."""
    values = extract_for_fields(
        listing.title,
        listing.description,
        listing.brand_raw,
        listing.size_raw,
        listing.condition_raw,
        listing.extra,
    )
    for column, value in zip(ATTRIBUTE_COLUMNS, values, strict=True):
        setattr(listing, column, value)
    listing.extractor_version = EXTRACTOR_VERSION
    return [*ATTRIBUTE_COLUMNS, "extractor_version"]
