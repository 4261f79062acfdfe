"""Inventory filters shared by the seller pages and the REST API.

Every filter narrows a queryset that is already limited to one seller. The
default sort, price and quantity have (seller, column, id) indexes, so a page
of 50 rows reads an index range instead of sorting the whole inventory. Title
sorts and title searches scan the seller's rows; docs/benchmarks.md has their
cost at 50,000 listings.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from .models import Listing

SEARCH_MAX_LENGTH = 200
BRAND_OPTIONS_LIMIT = 200
DEFAULT_ORDERING = "-updated_at"


class StrictBooleanField(forms.Field):
    """A yes/no query parameter that rejects what it cannot read.

    Django's NullBooleanField reads any unknown value as "not given", which
    would drop the filter silently.
    """

    TRUE_VALUES = frozenset({"true", "1", "yes"})
    FALSE_VALUES = frozenset({"false", "0", "no"})

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        if value is None or value == "":
            return None
        text = str(value).strip().lower()
        if text in self.TRUE_VALUES:
            return True
        if text in self.FALSE_VALUES:
            return False
        raise ValidationError(
            "%(label)s must be true or false (you entered %(value)s).",
            code="invalid",
            params={"label": self.label or "This filter", "value": repr(value)},
        )

    def prepare_value(self, value):
        # The inventory page's select compares the bound value with True and
        # False.
        try:
            return self.to_python(value)
        except ValidationError:
            return value


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ListingOrderingFilter(django_filters.OrderingFilter):
    """Sort by whitelisted columns, then by primary key, so that pagination
    never repeats or skips a row."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            ordering = [DEFAULT_ORDERING]
        else:
            ordering = [self.get_ordering_value(param) for param in value]
        tie_breaker = "-id" if ordering[-1].startswith("-") else "id"
        return qs.order_by(*ordering, tie_breaker)


class ListingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words in the title, or a Whatnot listing id.",
    )
    status = django_filters.ChoiceFilter(
        choices=Listing.Status.choices, empty_label="Any status"
    )
    brand = django_filters.CharFilter(field_name="brand", max_length=64)
    published = StrictBooleanFilter(label="Published")
    sync_state = django_filters.ChoiceFilter(
        choices=Listing.SyncState.choices,
        empty_label="Any sync state",
        label="Sync state",
    )
    sort = ListingOrderingFilter(
        fields=(
            ("updated_at", "updated"),
            ("title", "title"),
            ("price", "price"),
            ("quantity", "quantity"),
            ("status", "status"),
        ),
        field_labels={"updated_at": "Last changed"},
        label="Sort",
        empty_label="Last changed (newest first)",
    )

    class Meta:
        model = Listing
        fields = ["q", "status", "brand", "published", "sync_state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(whatnot_id=value))


def seller_brands(seller_id: int, limit: int = BRAND_OPTIONS_LIMIT) -> list[str]:
    """Return the seller's distinct non-empty brands in order, at most limit.

    A plain DISTINCT reads every one of the seller's rows. This walks the
    (seller, brand) index instead, one probe per brand, the "loose index scan"
    that neither SQLite nor PostgreSQL does on its own.
    """
    table = connection.ops.quote_name(Listing._meta.db_table)
    query = f"""
        WITH RECURSIVE brands(brand) AS (
            SELECT MIN(brand) FROM {table} WHERE seller_id = %s AND brand > ''
            UNION ALL
            SELECT (
                SELECT MIN(brand) FROM {table}
                WHERE seller_id = %s AND brand > brands.brand
            )
            FROM brands WHERE brands.brand IS NOT NULL
        )
        SELECT brand FROM brands WHERE brand IS NOT NULL LIMIT %s
    """  # noqa: S608 (the table name is the model's, quoted; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(query, [seller_id, seller_id, limit])
        return [row[0] for row in cursor.fetchall()]
