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
    brand = models.CharField(max_length=64, blank=True, db_index=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"

    def save(self, *args, **kwargs):
        """Save, reading the denim attributes again when the text may have changed.

        A save limited to `update_fields` that leaves out the text, brand, size,
        condition and hints keeps the stored attributes.
        """
        from .attributes import EXTRACTION_INPUTS, apply_attributes

        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            apply_attributes(self)
        elif EXTRACTION_INPUTS.intersection(update_fields):
            changed = apply_attributes(self)
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)


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
