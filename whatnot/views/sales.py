"""The seller's sales."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import Sale
from .access import seller_required

SALES_PER_PAGE = 50


@require_GET
@seller_required
def sale_list(request):
    sales = Sale.objects.filter(seller=request.user)
    page = Paginator(
        sales.select_related("listing").order_by("-sold_at", "-id"), SALES_PER_PAGE
    ).get_page(request.GET.get("page"))
    line_total = ExpressionWrapper(
        F("price") * F("quantity"), output_field=DecimalField(max_digits=14)
    )
    totals = sales.aggregate(units=Sum("quantity"), revenue=Sum(line_total))
    context = {"page": page, "totals": totals}
    return render(request, "whatnot/sale_list.html", context)
