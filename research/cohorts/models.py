"""Summary tables for cohort trends, kept in step with research.MarketListing.

CohortSummary contains one row per cell: a summary level (which columns the cell
keeps), a time grain and period (a day, a month, or all time), an event (a
listing was listed, or it sold) and the values of the level's columns. Each
row stores the listing count and histograms of prices (fixed Decimal bins, see
research.cohorts.bins) and of whole days to sell, so that any set of cells
merges into exact counts and binned quantiles.

SummarizedListing records what each listing last added to the summaries, so an
incremental refresh subtracts exactly that before adding the listing's current
state. It has no foreign key: a deleted listing must still be subtracted.
"""

from __future__ import annotations

from django.db import models


class Grain(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    # All time, undated events included: the cells an unbounded query reads.
    ALL = "all", "All time"


class Event(models.TextChoices):
    LISTED = "listed", "Listed"
    SOLD = "sold", "Sold"


class CohortSummary(models.Model):
    key = models.CharField(primary_key=True, max_length=400)
    level = models.CharField(max_length=8)
    grain = models.CharField(max_length=8, choices=Grain.choices)
    period = models.DateField(null=True)
    event = models.CharField(max_length=8, choices=Event.choices)

    # Columns a level does not keep hold "" or 0; unknown values are "" or 0 too,
    # which is unambiguous because queries always select one level.
    platform = models.CharField(max_length=32)
    listing_kind = models.CharField(max_length=16)
    # For listed cells: whether the listings have sold since. Sold cells: True.
    sold = models.BooleanField()
    brand = models.CharField(max_length=64)
    lot = models.CharField(max_length=32)
    decade = models.CharField(max_length=8)
    waist = models.PositiveSmallIntegerField()

    listing_count = models.PositiveIntegerField(default=0)
    # {"<bin index>": count}: asking prices for listed cells, sold prices for sold.
    price_bins = models.JSONField(default=dict)
    # {"<whole days>": count} from listing to sale; sold cells only.
    days_bins = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(
                fields=["level", "grain", "event", "period"], name="cohort_level_period"
            ),
            models.Index(
                fields=["level", "brand", "lot", "decade", "waist", "grain", "period"],
                name="cohort_level_attributes",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class SummarizedListing(models.Model):
    listing_id = models.BigIntegerField(primary_key=True)
    dataset_id = models.BigIntegerField(null=True, db_index=True)
    seller_id = models.BigIntegerField(null=True, db_index=True)
    # False when the listing adds nothing (opted-out seller, or a placeholder
    # taken while a refresh holds the row lock).
    included = models.BooleanField(default=False)
    listed_on = models.DateField(null=True)
    sold_on = models.DateField(null=True)
    platform = models.CharField(max_length=32, blank=True)
    listing_kind = models.CharField(max_length=16, blank=True)
    sold = models.BooleanField(default=False)
    brand = models.CharField(max_length=64, blank=True)
    lot = models.CharField(max_length=32, blank=True)
    decade = models.CharField(max_length=8, blank=True)
    waist = models.PositiveSmallIntegerField(default=0)
    inseam = models.PositiveSmallIntegerField(default=0)
    made_in = models.CharField(max_length=32, blank=True)
    selvedge = models.CharField(max_length=3, blank=True)
    price_bin = models.PositiveSmallIntegerField(null=True)
    sold_price_bin = models.PositiveSmallIntegerField(null=True)
    days_to_sell = models.PositiveIntegerField(null=True)

    def __str__(self) -> str:
        return f"summarized listing {self.listing_id}"
