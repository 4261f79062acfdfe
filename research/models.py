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

    # Denim attributes read from the title and description; see
    # research.extraction for the rules.
    # Brand lookups use the (brand, lot, decade) index below.
    brand = models.CharField(max_length=64, blank=True)
    # A Levi's line kept apart from mainline Levi's: LVC, Silver Tab, ...
    brand_line = models.CharField(max_length=32, blank=True)
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
    extractor_version = models.PositiveIntegerField(default=0, db_index=True)
    # Digest of the source fields, so a re-import skips unchanged rows without
    # comparing every column; see research.ingest.rows.
    content_hash = models.CharField(max_length=32, blank=True)

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
            # The order the listing table pages in, newest first.
            models.Index(fields=["listed_at", "id"], name="marketlisting_listed_order"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"

    def save(self, *args, **kwargs):
        """Save, reading the denim attributes again when the text changed.

        A new row is extracted unless its attributes were given; a stored row
        is extracted again when its title, description, raw brand, size,
        condition or hints differ from what was loaded. The ingestion path
        writes rows with SQL and extracts on its own.
        """
        from .attributes import ATTRIBUTE_COLUMNS, apply_attributes

        if self._state.adding:
            given = any(
                getattr(self, column) not in ("", None) for column in ATTRIBUTE_COLUMNS
            )
            extract = not given
        else:
            loaded = getattr(self, "_loaded_extraction_inputs", None)
            extract = loaded is not None and loaded != self._extraction_inputs()
        if extract:
            changed = apply_attributes(self)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *changed}
        super().save(*args, **kwargs)
        self._remember_extraction_inputs()

    @classmethod
    def from_db(cls, db, field_names, values):
        listing = super().from_db(db, field_names, values)
        listing._remember_extraction_inputs()
        return listing

    def _extraction_inputs(self) -> tuple | None:
        from .attributes import EXTRACTION_INPUTS

        if self.get_deferred_fields() & EXTRACTION_INPUTS:
            return None
        return tuple(repr(getattr(self, name)) for name in sorted(EXTRACTION_INPUTS))

    def _remember_extraction_inputs(self) -> None:
        self._loaded_extraction_inputs = self._extraction_inputs()


class ImportRun(models.Model):
    """One import of a listings file or one export of the dataset.

    Imports come from `manage.py import_listings`, the import page and Whatnot
    bulk exports; the counts add up to the listing lines read. Exports record
    who downloaded what and how many rows were written.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        EXPORT = "export", "Export"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    # The rejected lines kept on the row; rejected_count has the full number.
    REJECTED_LINES_KEPT = 500

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.IMPORT)
    # The importer ("poshmark", "whatnot-export", ...) or the export's filter.
    platform = models.CharField(max_length=32, blank=True)
    file_format = models.CharField(max_length=8, blank=True)
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    # Whatnot rows mirrored for a connected seller.
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_file = models.FileField(upload_to="imports/%Y/%m/%d/", blank=True)
    # The uploaded file's own name, or the path given on the command line.
    source_name = models.CharField(max_length=500, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    total_bytes = models.BigIntegerField(default=0)
    processed_bytes = models.BigIntegerField(default=0)
    # Lines read for an import, rows written for an export.
    processed_lines = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    # Lines whose stored row was as new or newer, so they changed nothing.
    older_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reason": "..."}], the first REJECTED_LINES_KEPT of them.
    rejected_lines = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.platform} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def rejected_lines_omitted(self) -> int:
        return max(0, self.rejected_count - len(self.rejected_lines))


# Summary tables live in the cohorts package and the AI summary models in the
# insights package; importing them here registers them with the research app.
from .cohorts.models import CohortSummary, SummarizedListing  # noqa: E402
from .insights.models import SummaryReport, TrackedCohort  # noqa: E402

__all__ = [
    "CohortSummary",
    "Dataset",
    "ImportRun",
    "MarketListing",
    "Platform",
    "SummarizedListing",
    "SummaryReport",
    "TrackedCohort",
]
