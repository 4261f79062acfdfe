"""Seller forms. Validation follows whatnot.validation, so a listing that passes
here is one Whatnot accepts."""

from __future__ import annotations

from django import forms

from .models import Listing
from .taxonomy import category_choices, find_category, listing_taxonomy_id
from .validation import (
    CATEGORY_REQUIRED,
    DESCRIPTION_REQUIRED,
    PRICE_ERROR_MESSAGES,
    QUANTITY_ERROR_MESSAGES,
    TEXT_LENGTH_LIMIT,
    TITLE_REQUIRED,
    validate_description,
    validate_price,
    validate_quantity,
    validate_title,
)


class CategoryField(forms.ChoiceField):
    """A category choice that also accepts a plain category number."""

    def to_python(self, value):
        value = super().to_python(value)
        category = find_category(value)
        return category.id if category else value


class ListingForm(forms.ModelForm):
    """Create or edit a buy-it-now listing."""

    title = forms.CharField(
        validators=[validate_title],
        error_messages={"required": TITLE_REQUIRED},
        widget=forms.TextInput(attrs={"maxlength": TEXT_LENGTH_LIMIT - 1}),
        help_text="Under 1,000 characters. Include the lot, size and era.",
    )
    description = forms.CharField(
        validators=[validate_description],
        error_messages={"required": DESCRIPTION_REQUIRED},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_LENGTH_LIMIT - 1}),
        help_text="Under 1,000 characters: condition, measurements, flaws.",
    )
    brand = forms.CharField(
        max_length=64,
        required=False,
        error_messages={
            "max_length": "Brand has more than 64 characters. Shorten it.",
        },
    )
    taxonomy_node_id = CategoryField(
        label="Category",
        choices=(),
        error_messages={
            "required": CATEGORY_REQUIRED,
            "invalid_choice": "Category %(value)s is not a Whatnot category that "
            "accepts listings. Choose one from the list.",
        },
    )
    price = forms.DecimalField(
        label="Price (USD)",
        max_digits=12,
        decimal_places=2,
        validators=[validate_price],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        error_messages=PRICE_ERROR_MESSAGES,
    )
    quantity = forms.IntegerField(
        initial=1,
        validators=[validate_quantity],
        widget=forms.NumberInput(attrs={"min": "0", "step": "1"}),
        error_messages=QUANTITY_ERROR_MESSAGES,
    )

    class Meta:
        model = Listing
        fields = [
            "title",
            "description",
            "brand",
            "taxonomy_node_id",
            "price",
            "quantity",
            "published",
            "offerable",
        ]
        labels = {"published": "Published (live on Whatnot)"}
        help_texts = {"offerable": "Buyers may send you offers below the price."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taxonomy_node_id"].choices = [
            ("", "Choose a category"),
            *category_choices(),
        ]
        if self.instance.pk and not self.instance.taxonomy_node_id:
            self.initial["taxonomy_node_id"] = listing_taxonomy_id(self.instance)
