"""Cohort filters parsed from a query dict (a URL's query string).

``parse_filters`` returns a CohortFilters or raises InvalidFilters, whose
``errors`` map each field to messages that name the value and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.http import QueryDict

from research.models import Platform

WAIST_RANGE = (20, 60)
INSEAM_RANGE = (20, 40)
# Dates outside these years are rejected as likely typos. The last day of year
# 9999 also has no next day, so it cannot end a half-open range.
DATE_RANGE = (date(1900, 1, 1), date(9998, 12, 31))


class InvalidFilters(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(
            "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in errors.items()
            )
        )


@dataclass(frozen=True)
class CohortFilters:
    platforms: tuple[str, ...] = ()
    brand: str = ""
    lot: str = ""
    decade: str = ""
    waist_min: int | None = None
    waist_max: int | None = None
    inseam_min: int | None = None
    inseam_max: int | None = None
    made_in: str = ""
    selvedge: str = ""  # "", "yes" or "no"
    status: str = ""  # "", "sold" or "unsold"
    date_from: date | None = None
    date_to: date | None = None
    bucket: str = "month"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def has_waist(self) -> bool:
        return self.waist_min is not None or self.waist_max is not None

    @property
    def has_inseam(self) -> bool:
        return self.inseam_min is not None or self.inseam_max is not None

    @property
    def is_dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None


class CohortFilterForm(forms.Form):
    platform = forms.MultipleChoiceField(
        choices=Platform.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    brand = forms.CharField(max_length=64, required=False)
    lot = forms.CharField(max_length=32, required=False)
    decade = forms.CharField(max_length=8, required=False)
    waist_min = forms.IntegerField(
        required=False, min_value=WAIST_RANGE[0], max_value=WAIST_RANGE[1]
    )
    waist_max = forms.IntegerField(
        required=False, min_value=WAIST_RANGE[0], max_value=WAIST_RANGE[1]
    )
    inseam_min = forms.IntegerField(
        required=False, min_value=INSEAM_RANGE[0], max_value=INSEAM_RANGE[1]
    )
    inseam_max = forms.IntegerField(
        required=False, min_value=INSEAM_RANGE[0], max_value=INSEAM_RANGE[1]
    )
    made_in = forms.CharField(max_length=32, required=False)
    selvedge = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Selvedge"), ("no", "Not selvedge")],
        required=False,
    )
    status = forms.ChoiceField(
        choices=[("", "Sold and unsold"), ("sold", "Sold"), ("unsold", "Unsold")],
        required=False,
    )
    date_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bucket = forms.ChoiceField(
        choices=[("month", "Month"), ("week", "Week")], required=False
    )

    error_hints = {
        "waist_min": "a whole number of inches from 20 to 60, e.g. 30",
        "waist_max": "a whole number of inches from 20 to 60, e.g. 32",
        "inseam_min": "a whole number of inches from 20 to 40, e.g. 30",
        "inseam_max": "a whole number of inches from 20 to 40, e.g. 34",
        "date_from": "a date as YYYY-MM-DD, e.g. 2024-01-31",
        "date_to": "a date as YYYY-MM-DD, e.g. 2024-12-31",
        "platform": "one of " + ", ".join(value for value, _ in Platform.choices),
        "selvedge": "yes, no or empty",
        "status": "sold, unsold or empty",
        "bucket": "month or week",
    }

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value is not None and not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
                self.add_error(
                    name,
                    f"The date {value} is outside the years "
                    f"{DATE_RANGE[0].year} to {DATE_RANGE[1].year}; "
                    "give a date within them.",
                )
        for low, high, label in (
            ("waist_min", "waist_max", "waist"),
            ("inseam_min", "inseam_max", "inseam"),
            ("date_from", "date_to", "date"),
        ):
            if (
                cleaned.get(low) is not None
                and cleaned.get(high) is not None
                and cleaned[low] > cleaned[high]
            ):
                self.add_error(
                    high,
                    f"The {label} range ends ({cleaned[high]}) before it starts "
                    f"({cleaned[low]}); swap the two values.",
                )
        return cleaned

    def described_errors(self) -> dict[str, list[str]]:
        """Return field errors with the submitted value and the expected form."""
        described = {}
        for name, messages in self.errors.items():
            if name == "__all__":
                described[name] = list(messages)
                continue
            raw = self.data.getlist(name) if name == "platform" else self.data.get(name)
            hint = self.error_hints.get(name)
            text = [
                f"{message} Got {raw!r}; expected {hint}." if hint else message
                for message in messages
            ]
            described[name] = text
        return described


def parse_filters(query: QueryDict | dict) -> CohortFilters:
    """Parse and validate filters; raise InvalidFilters naming each bad field."""
    if not isinstance(query, QueryDict):
        query = to_query_dict(query)
    form = CohortFilterForm(query)
    if not form.is_valid():
        raise InvalidFilters(form.described_errors())
    data = form.cleaned_data
    return CohortFilters(
        platforms=tuple(sorted(data["platform"])),
        brand=data["brand"].strip(),
        lot=data["lot"].strip(),
        decade=data["decade"].strip(),
        waist_min=data["waist_min"],
        waist_max=data["waist_max"],
        inseam_min=data["inseam_min"],
        inseam_max=data["inseam_max"],
        made_in=data["made_in"].strip(),
        selvedge=data["selvedge"],
        status=data["status"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        bucket=data["bucket"] or "month",
    )


def to_query_dict(values: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list | tuple):
            query.setlist(name, [str(item) for item in value])
        elif value is not None:
            query[name] = str(value)
    return query
