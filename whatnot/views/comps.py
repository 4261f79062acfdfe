"""Comparable sales beside the listing form, once the research app has them."""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

COMPS_TEMPLATE = "research/includes/_comps.html"


def render_comps(request, title: str) -> str:
    """Render the comparable-sales box for a title, or "" when research has no
    comps module or template yet, or the title is blank."""
    if not title.strip():
        return ""
    try:
        from research.comps import find_comps
    except ImportError:
        return ""
    try:
        template = get_template(COMPS_TEMPLATE)
    except TemplateDoesNotExist:
        return ""
    # TODO: match find_comps's signature and the template's context names once
    # research.comps is on main.
    return template.render({"comps": find_comps(title=title)}, request)
