"""The comps partial that seller and analyst forms load with htmx."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_GET

from research.comps import find_comps

from .access import COMPS_ROLES, role_required


class CompsQueryForm(forms.Form):
    brand = forms.CharField(max_length=64)
    lot = forms.CharField(max_length=32, required=False)
    decade = forms.CharField(max_length=8, required=False)
    waist = forms.IntegerField(required=False, min_value=20, max_value=60)
    min_comps = forms.IntegerField(required=False, min_value=1, max_value=100)

    def error_text(self) -> str:
        messages = []
        for name, errors in self.errors.items():
            value = self.data.get(name, "")
            messages.append(f"{name}: {' '.join(errors)} (got {value!r})")
        return "; ".join(messages)


def comps_for_query(form: CompsQueryForm, user):
    data = form.cleaned_data
    # A seller's own sales are left out so the range reflects other sellers.
    exclude = user if user.has_role("seller") and not user.has_role("analyst") else None
    return find_comps(
        brand=data["brand"],
        lot=data["lot"] or None,
        decade=data["decade"] or None,
        waist=data["waist"],
        exclude_seller=exclude,
        min_comps=data["min_comps"] or 5,
    )


@require_GET
@role_required(*COMPS_ROLES)
def comps_partial(request):
    """Render research/includes/_comps.html for brand, lot, decade and waist."""
    form = CompsQueryForm(request.GET)
    if not form.is_valid():
        context = {"comps_error": form.error_text()}
        return render(request, "research/includes/_comps.html", context, status=400)
    context = {"comps": comps_for_query(form, request.user)}
    return render(request, "research/includes/_comps.html", context)
