"""Filters for the API; listings use the same FilterSet as the inventory page."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

from ..filters import ListingFilter
from ..models import Sale, SyncRun

__all__ = ["ListingFilter", "SaleFilter", "SyncRunFilter"]


class SyncRunFilter(django_filters.FilterSet):
    class Meta:
        model = SyncRun
        fields = ["status", "kind"]


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time that must stay in range once converted to UTC,
    as the database stores it."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(
                "%(value)s is outside the dates that can be stored; use a time "
                "between years 1 and 9999 in UTC.",
                code="invalid",
                params={"value": value},
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class SaleFilter(django_filters.FilterSet):
    sold_after = UtcDateTimeFilter(
        field_name="sold_at", lookup_expr="gte", label="Sold at or after"
    )
    sold_before = UtcDateTimeFilter(
        field_name="sold_at", lookup_expr="lt", label="Sold before"
    )

    class Meta:
        model = Sale
        fields = ["sold_after", "sold_before"]
