"""The checks Whatnot applies to a listing, run before anything is pushed.

Whatnot's ProductInput needs a title and a description that are not blank and
under 1000 characters, a product category, and a price (MoneyInput, in cents)
above zero. Each error names the field and says how to fix it; forms and API
serializers both use these validators.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from .taxonomy import listable_categories

# Whatnot accepts titles and descriptions shorter than this many characters.
TEXT_LENGTH_LIMIT = 1000
MINIMUM_PRICE = Decimal("0.01")


def _validate_text(field: str, value: str) -> None:
    if not value or not value.strip():
        raise ValidationError(
            "%(field)s is required: Whatnot rejects a listing without one.",
            code="required",
            params={"field": field},
        )
    if len(value) >= TEXT_LENGTH_LIMIT:
        raise ValidationError(
            "%(field)s has %(length)s characters; Whatnot accepts at most "
            "%(limit)s. Shorten it by %(excess)s.",
            code="max_length",
            params={
                "field": field,
                "length": f"{len(value):,}",
                "limit": f"{TEXT_LENGTH_LIMIT - 1:,}",
                "excess": f"{len(value) - TEXT_LENGTH_LIMIT + 1:,}",
            },
        )


def validate_title(value: str) -> None:
    _validate_text("Title", value)


def validate_description(value: str) -> None:
    _validate_text("Description", value)


def validate_price(value: Decimal) -> None:
    if value < MINIMUM_PRICE:
        raise ValidationError(
            "Price must be more than 0 (you entered %(value)s). Enter the asking "
            "price in dollars, for example 45.00.",
            code="min_value",
            params={"value": value},
        )


def validate_quantity(value: int) -> None:
    if value < 0:
        raise ValidationError(
            "Quantity cannot be negative (you entered %(value)s). Enter the number "
            "of items in stock, or 0 for sold out.",
            code="min_value",
            params={"value": value},
        )


def validate_category(value: str) -> None:
    if value not in {category.id for category in listable_categories()}:
        raise ValidationError(
            "Category %(value)s is not a Whatnot category that accepts listings. "
            "Choose one from the list.",
            code="invalid_choice",
            params={"value": value},
        )
