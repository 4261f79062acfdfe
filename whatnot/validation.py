"""The checks Whatnot applies to a listing, run before anything is pushed.

Whatnot's ProductInput needs a title and a description that are not blank and
under 1000 characters, a product category, and a price (MoneyInput, in cents)
above zero. Each error names the field and the fix. Forms and API serializers both use
these validators.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

# Whatnot accepts titles and descriptions shorter than this many characters.
TEXT_LENGTH_LIMIT = 1000
MINIMUM_PRICE = Decimal("0.01")
# MoneyInput.amount is a GraphQL Int of cents, a signed 32-bit number.
MAXIMUM_PRICE = Decimal("21474836.47")
# The largest quantity the listing table stores (PostgreSQL's integer range).
MAXIMUM_QUANTITY = 2_147_483_647

# Messages for the checks that forms and serializers make before the
# validators below run. None of them has placeholders, so both Django forms
# and DRF can use them as they are.
TITLE_REQUIRED = "Title is required: Whatnot rejects a listing without one."
DESCRIPTION_REQUIRED = "Description is required: Whatnot rejects a listing without one."
CATEGORY_REQUIRED = "Category is required: choose where the listing appears on Whatnot."
PRICE_ERROR_MESSAGES = {
    "required": "Price is required: enter the asking price, for example 45.00.",
    "null": "Price is required: enter the asking price, for example 45.00.",
    "invalid": "Price must be a number in dollars and cents, for example 45.00.",
    "max_decimal_places": "Price can have at most 2 decimal places (cents), for "
    "example 45.99.",
    "max_digits": "Price is too large: enter at most 21474836.47.",
    "max_whole_digits": "Price is too large: enter at most 21474836.47.",
}
QUANTITY_ERROR_MESSAGES = {
    "required": "Quantity is required: enter the number of items in stock, or 0 "
    "for sold out.",
    "null": "Quantity is required: enter the number of items in stock, or 0 for "
    "sold out.",
    "invalid": "Quantity must be a whole number, for example 1.",
}


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
    if value > MAXIMUM_PRICE:
        raise ValidationError(
            "Price %(value)s is too large: Whatnot accepts at most %(maximum)s.",
            code="max_value",
            params={"value": value, "maximum": MAXIMUM_PRICE},
        )


def validate_quantity(value: int) -> None:
    if value < 0:
        raise ValidationError(
            "Quantity cannot be negative (you entered %(value)s). Enter the number "
            "of items in stock, or 0 for sold out.",
            code="min_value",
            params={"value": value},
        )
    if value > MAXIMUM_QUANTITY:
        raise ValidationError(
            "Quantity %(value)s is too large: enter at most %(maximum)s.",
            code="max_value",
            params={"value": value, "maximum": MAXIMUM_QUANTITY},
        )
