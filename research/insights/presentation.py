"""Report display helpers: who may see a report, and its claims with their
figures."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role

from .checks import figure_values
from .models import SummaryReport

MONEY_SUFFIXES = ("_price", "revenue", "_price.delta", "revenue.delta")


def can_summarize_market(user) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.ANALYST) or user.has_role(Role.STAFF)
    )


def can_summarize_sales(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SELLER)


def visible_reports(user) -> QuerySet[SummaryReport]:
    """Market reports for analysts and staff, a seller's own sales reports for
    that seller, and everything for staff."""
    reports = SummaryReport.objects.select_related("seller")
    if not user.is_authenticated:
        return reports.none()
    if user.has_role(Role.STAFF):
        return reports
    visible = Q(scope=SummaryReport.Scope.SELLER, seller=user)
    if user.has_role(Role.ANALYST):
        visible |= Q(scope=SummaryReport.Scope.MARKET)
    return reports.filter(visible)


def format_figure(key: str, value, currency: str) -> str:
    if key.endswith("_pct"):
        return f"{value}%"
    if key.endswith(MONEY_SUFFIXES):
        return f"{value} {currency}"
    return str(value)


def figure_rows(report: SummaryReport) -> list[dict]:
    """Return every figure of the report's bundle with its label and value."""
    bundle = report.bundle
    if not bundle:
        return []
    currency = bundle["scope"].get("currency", "USD")
    labels = _labels(bundle)
    return [
        {
            "key": key,
            "label": labels[key],
            "value": format_figure(key, value, currency),
        }
        for key, value in figure_values(bundle).items()
    ]


def _labels(bundle: dict) -> dict[str, str]:
    labels = {key: figure["label"] for key, figure in bundle["figures"].items()}
    labels.update(
        (key, figure["label"]) for key, figure in bundle.get("breakdown", {}).items()
    )
    for mover in bundle.get("movers", []):
        labels.update(
            (key, figure["label"]) for key, figure in mover["figures"].items()
        )
    return labels


def present_claims(report: SummaryReport) -> list[dict]:
    """Return the claims with each cited figure's label and value and each cited
    listing's title and link."""
    if report.status != SummaryReport.Status.SUCCEEDED:
        return []
    figures = {row["key"]: row for row in figure_rows(report)}
    examples = {example["id"]: example for example in report.bundle.get("examples", [])}
    return [
        {
            "text": claim["text"],
            "figures": [figures[key] for key in claim["figure_keys"] if key in figures],
            "listings": [
                examples[listing_id]
                for listing_id in claim["listing_ids"]
                if listing_id in examples
            ],
        }
        for claim in report.claims
    ]
