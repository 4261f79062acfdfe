"""Filters for the API; listings use the same FilterSet as the inventory page."""

from __future__ import annotations

import django_filters

from ..filters import ListingFilter
from ..models import Sale, SyncRun

__all__ = ["ListingFilter", "SaleFilter", "SyncRunFilter"]


class SyncRunFilter(django_filters.FilterSet):
    class Meta:
        model = SyncRun
        fields = ["status", "kind"]


class SaleFilter(django_filters.FilterSet):
    sold_after = django_filters.IsoDateTimeFilter(
        field_name="sold_at", lookup_expr="gte", label="Sold at or after"
    )
    sold_before = django_filters.IsoDateTimeFilter(
        field_name="sold_at", lookup_expr="lt", label="Sold before"
    )

    class Meta:
        model = Sale
        fields = ["sold_after", "sold_before"]
