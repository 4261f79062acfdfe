"""The market listing table that research reads, and where its rows came from.

A row is identified by (platform, external_id). Rows come from imported datasets of
other marketplaces, from Whatnot bulk exports and from connected sellers' synced
listings (unless the seller opted out). Denim attributes live on the same row so
that cohort filters need no join at a million rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Platform(models.TextChoices):
    WHATNOT = "whatnot", "Whatnot"
    POSHMARK = "poshmark", "Poshmark"
    GRAILED = "grailed", "Grailed"
    EBAY = "ebay", "eBay"
    VESTIAIRE = "vestiaire", "Vestiaire Collective"
    OTHER = "other", "Other"


class Dataset(models.Model):
    """A named source of market listings: an imported file or a seller's exports."""

    name = models.CharField(max_length=200)
    platform = models.CharField(max_length=32, choices=Platform.choices)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.platform})"


class MarketListing(models.Model):
    platform = models.CharField(max_length=32, choices=Platform.choices)
    external_id = models.CharField(max_length=255)
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="listings",
    )
    # Set for Whatnot rows that belong to a connected selvedge seller.
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="market_listings",
    )
    title = models.CharField(max_length=1000)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    listing_kind = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, blank=True)
    brand_raw = models.CharField(max_length=255, blank=True)
    size_raw = models.CharField(max_length=64, blank=True)
    condition_raw = models.CharField(max_length=64, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, default="USD")
    sold = models.BooleanField(default=False)
    sold_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    listed_at = models.DateTimeField(null=True, blank=True)
    sold_at = models.DateTimeField(null=True, blank=True)
    # The source's last-modified time; an upsert never replaces a newer row.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    # Denim attributes read from the title and description.
    brand = models.CharField(max_length=64, blank=True, db_index=True)
    lot = models.CharField(max_length=32, blank=True)
    decade = models.CharField(max_length=8, blank=True)
    waist = models.PositiveSmallIntegerField(null=True, blank=True)
    inseam = models.PositiveSmallIntegerField(null=True, blank=True)
    made_in = models.CharField(max_length=32, blank=True)
    selvedge = models.BooleanField(null=True)
    big_e = models.BooleanField(null=True)
    gender = models.CharField(max_length=8, blank=True)
    fit = models.CharField(max_length=32, blank=True)
    wash = models.CharField(max_length=32, blank=True)
    condition = models.CharField(max_length=32, blank=True)
    extractor_version = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="marketlisting_platform_extid"
            )
        ]
        indexes = [
            models.Index(fields=["brand", "lot", "decade"]),
            models.Index(fields=["sold", "sold_at"]),
            models.Index(fields=["platform", "listed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


# Summary tables live in the cohorts package and the AI summary models in the
# insights package; importing them here registers them with the research app.
from .cohorts.models import CohortSummary, SummarizedListing  # noqa: E402
from .insights.models import SummaryReport, TrackedCohort  # noqa: E402

__all__ = [
    "CohortSummary",
    "Dataset",
    "MarketListing",
    "Platform",
    "SummarizedListing",
    "SummaryReport",
    "TrackedCohort",
]
