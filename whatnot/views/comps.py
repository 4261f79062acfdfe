"""Comparable sales beside the listing form, once the research app has them."""

from __future__ import annotations

from django.template.loader import render_to_string

COMPS_TEMPLATE = "research/includes/_comps.html"


def read_denim_attributes(title: str, description: str):
    """Return the attributes research reads from a listing's text, or None
    when research has no extractor."""
    try:
        from research.extraction.extractor import extract_attributes
    except ImportError:
        return None
    return extract_attributes(title, description)


def render_comps(request, title: str, brand: str = "", description: str = "") -> str:
    """Render the comparable-sales box for a listing's text and brand.

    Return "" when research has no comps yet or no brand is known, because
    comps are matched by brand first.
    """
    try:
        from research.comps import find_comps
    except ImportError:
        return ""
    attributes = read_denim_attributes(title, description)
    brand = brand.strip() or (getattr(attributes, "brand", None) or "")
    if not brand:
        return ""
    result = find_comps(
        brand=brand,
        lot=getattr(attributes, "lot", None),
        decade=getattr(attributes, "decade", None),
        waist=getattr(attributes, "waist", None),
        exclude_seller=request.user,
    )
    return render_to_string(COMPS_TEMPLATE, {"comps": result}, request=request)
