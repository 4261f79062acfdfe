"""Analyst dashboards: the market overview, the cohort explorer, listings."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from research.cohorts.filters import (
    CohortFilterForm,
    CohortFilters,
    InvalidFilters,
    parse_filters,
)
from research.cohorts.queries import cohort_report, top_movers

from . import charts
from .access import analyst_required
from .listings import COLUMNS, PAGE_SIZE, filtered_listings, table_rows, write_csv


@require_GET
@analyst_required
def overview(request):
    """Show market-wide numbers, trends, top movers and platforms over all data."""
    filters = CohortFilters()
    report = cohort_report(filters)
    context = {
        "report": report,
        "movers": top_movers(filters),
        "price_chart": charts.trend_price_chart(report),
        "count_chart": charts.trend_count_chart(report),
        "platform_chart": charts.platform_chart(report),
    }
    return render(request, "research/overview.html", context)


@require_GET
@analyst_required
def cohort(request):
    """Show one cohort chosen by the filters in the query string."""
    form = CohortFilterForm(request.GET)
    try:
        filters = parse_filters(request.GET)
    except InvalidFilters as exc:
        context = {"form": form, "errors": exc.errors, "query": request.GET.urlencode()}
        return render(request, "research/cohort.html", context, status=400)
    report = cohort_report(filters)
    context = {
        "form": form,
        "report": report,
        "query": request.GET.urlencode(),
        "price_chart": charts.trend_price_chart(report),
        "count_chart": charts.trend_count_chart(report),
        "histogram_chart": charts.histogram_chart(report),
        "platform_chart": charts.platform_chart(report),
    }
    return render(request, "research/cohort.html", context)


@require_GET
@analyst_required
def listings(request):
    """Show a page of the listings behind a cohort; ``format=csv`` downloads it."""
    form = CohortFilterForm(request.GET)
    try:
        filters = parse_filters(request.GET)
    except InvalidFilters as exc:
        context = {"form": form, "errors": exc.errors}
        return render(request, "research/marketlisting_list.html", context, status=400)
    page = Paginator(filtered_listings(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = table_rows(page.object_list)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="listings-page-{page.number}.csv"'
        )
        write_csv(response, rows)
        return response
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "columns": COLUMNS,
        "query": query.urlencode(),
    }
    return render(request, "research/marketlisting_list.html", context)
