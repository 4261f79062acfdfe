"""Template helpers for research/includes/_summarize.html."""

from __future__ import annotations

from django import template
from django.urls import reverse

from research.insights.client import OFF_MESSAGE, summaries_enabled
from research.insights.filters import PRESENTATION_PARAMETERS
from research.insights.presentation import can_summarize_market, can_summarize_sales

register = template.Library()


@register.simple_tag(takes_context=True)
def summarize_options(context) -> dict:
    """Return what the summarize include needs: whether the user may ask, where
    the form posts, and the current filters as hidden fields.

    The include reads ``summarize_scope`` ("market", the default, or "seller")
    and ``summarize_filters`` (a dict or QueryDict; the request's GET
    parameters when absent) from the context.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    scope = context.get("summarize_scope") or "market"
    if scope == "seller":
        allowed = user is not None and can_summarize_sales(user)
        action = reverse("research:summarize_sales")
    else:
        allowed = user is not None and can_summarize_market(user)
        action = reverse("research:summarize")
    source = context.get("summarize_filters")
    if source is None:
        source = request.GET if request is not None else {}
    return {
        "allowed": allowed,
        "enabled": summaries_enabled(),
        "off_message": OFF_MESSAGE,
        "action": action,
        "fields": _hidden_fields(source, scope),
    }


def _hidden_fields(source, scope: str) -> list[tuple[str, str]]:
    if hasattr(source, "lists"):
        pairs = [(key, value) for key, values in source.lists() for value in values]
    else:
        pairs = []
        for key, value in source.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((key, item) for item in values)
    if scope == "seller":
        return [(key, str(value)) for key, value in pairs if key == "days"]
    return [
        (key, str(value))
        for key, value in pairs
        if key not in PRESENTATION_PARAMETERS and str(value).strip()
    ]
