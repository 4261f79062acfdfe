"""Summary pages: request a summary, watch it run, read it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from .client import OFF_MESSAGE, summaries_enabled
from .filters import FilterError, parse_filters
from .models import SummaryReport
from .presentation import (
    can_summarize_market,
    can_summarize_sales,
    figure_rows,
    present_claims,
    visible_reports,
)
from .service import create_report

LIST_LIMIT = 50


@login_required
@require_GET
def report_list(request):
    """Recent reports the user may read, with a form to request a market one."""
    market = can_summarize_market(request.user)
    if not market and not can_summarize_sales(request.user):
        raise PermissionDenied
    return render(
        request,
        "research/summaryreport_list.html",
        {
            "reports": visible_reports(request.user)[:LIST_LIMIT],
            "can_summarize_market": market,
            "summarize_filters": request.GET,
        },
    )


@login_required
@require_POST
def summarize(request):
    """Request a summary of the market cohort named by the posted filters."""
    if not can_summarize_market(request.user):
        raise PermissionDenied
    try:
        filters = parse_filters(request.POST)
    except FilterError as exc:
        return _bad_request(request, str(exc))
    report = _in_flight(request.user, SummaryReport.Scope.MARKET, filters)
    if report is None:
        report = create_report(
            scope=SummaryReport.Scope.MARKET,
            filters=filters,
            requested_by=request.user,
        )
    return _requested(request, report)


@login_required
@require_POST
def summarize_sales(request):
    """Request a summary of the signed-in seller's own sales."""
    if not can_summarize_sales(request.user):
        raise PermissionDenied
    try:
        filters = parse_filters({"days": request.POST.get("days", "")})
    except FilterError as exc:
        return _bad_request(request, str(exc))
    report = _in_flight(request.user, SummaryReport.Scope.SELLER, filters)
    if report is None:
        report = create_report(
            scope=SummaryReport.Scope.SELLER,
            filters=filters,
            seller=request.user,
            requested_by=request.user,
        )
    return _requested(request, report)


def _in_flight(user, scope: str, filters: dict) -> SummaryReport | None:
    """Return the user's identical request that is still queued or running, so
    a double click does not pay for two summaries."""
    pending = SummaryReport.objects.filter(
        requested_by=user,
        scope=scope,
        status__in=[SummaryReport.Status.QUEUED, SummaryReport.Status.RUNNING],
    )
    return next((report for report in pending if report.filters == filters), None)


def _requested(request, report: SummaryReport):
    if request.htmx:
        return render_status(request, report)
    return redirect(report)


def _bad_request(request, message: str):
    template = (
        "research/includes/_summarize_error.html"
        if request.htmx
        else "research/summarize_error.html"
    )
    return render(request, template, {"error": message}, status=400)


@login_required
@require_GET
def report_detail(request, pk: int):
    report = get_object_or_404(visible_reports(request.user), pk=pk)
    return render(
        request,
        "research/summaryreport_detail.html",
        {
            **_report_context(report),
            "figures": figure_rows(report),
            "on_report_page": True,
        },
    )


@login_required
@require_GET
def report_status(request, pk: int):
    """Render the status partial that the report page and the summarize form
    poll."""
    report = get_object_or_404(visible_reports(request.user), pk=pk)
    return render_status(
        request, report, on_report_page="on_report_page" in request.GET
    )


def render_status(request, report: SummaryReport, on_report_page: bool = False):
    return render(
        request,
        "research/includes/_report_status.html",
        {**_report_context(report), "on_report_page": on_report_page},
    )


def _report_context(report: SummaryReport) -> dict:
    return {
        "report": report,
        "claims": present_claims(report),
        "off_message": OFF_MESSAGE,
        "summaries_enabled": summaries_enabled(),
    }
