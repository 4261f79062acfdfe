"""Derive the "sized" summary level from the "fit" level already stored.

A "sized" cell keeps brand, lot, decade and waist, and a "fit" cell keeps the
same columns plus platform and listing kind. Cells are additive, so each
"sized" cell is the sum of the "fit" cells that differ from it only in
platform and listing kind: their listing counts add up and their price and
days histograms merge bin by bin. Both levels keep all-time and month cells.

The key format is copied from Cell.key rather than imported, so later changes
to research.cohorts cannot change what this migration writes.

NOTE: run it together with the code that maintains the "sized" level. A
refresh by older code after it has run leaves "sized" cells stale until
``manage.py rebuild_summaries`` runs.
"""

from __future__ import annotations

import json

from django.db import migrations
from django.db.models import Count, Q

LEVEL = "sized"
SOURCE_LEVEL = "fit"
# The columns that identify a "sized" cell, in the order of the key below.
CELL_COLUMNS = ("grain", "period", "event", "sold", "brand", "lot", "decade", "waist")
# Upper bounds for one read of "fit" rows. A batch holds the rows of whole
# (brand, lot, decade) groups, so one large group may exceed BATCH_ROWS alone.
BATCH_ROWS = 20_000
BATCH_GROUPS = 50
INSERT_BATCH_SIZE = 1000


def cell_key(grain, period, event, sold, brand, lot, decade, waist) -> str:
    """Build a summary row's primary key the way Cell.key in
    research/cohorts/facts.py builds it, with empty platform and listing kind."""
    return json.dumps(
        [
            LEVEL,
            grain,
            period.isoformat() if period else None,
            event,
            "",
            "",
            sold,
            brand,
            lot,
            decade,
            waist,
        ],
        separators=(",", ":"),
    )


def group_batches(summary_model):
    """Yield lists of (brand, lot, decade) groups whose "fit" rows together
    stay within BATCH_ROWS, unless a single group is larger."""
    groups = (
        summary_model.objects.filter(level=SOURCE_LEVEL)
        .values_list("brand", "lot", "decade")
        .annotate(rows=Count("key"))
        .order_by("brand", "lot", "decade")
    )
    batch, batch_rows = [], 0
    for brand, lot, decade, rows in list(groups):
        if batch and (batch_rows + rows > BATCH_ROWS or len(batch) >= BATCH_GROUPS):
            yield batch
            batch, batch_rows = [], 0
        batch.append((brand, lot, decade))
        batch_rows += rows
    if batch:
        yield batch


def merge_histogram(total: dict, histogram: dict) -> None:
    for bin_key, count in (histogram or {}).items():
        total[bin_key] = total.get(bin_key, 0) + count


def sized_rows(summary_model, groups):
    """Sum the "fit" rows of some (brand, lot, decade) groups into "sized" rows."""
    condition = Q()
    for brand, lot, decade in groups:
        condition |= Q(brand=brand, lot=lot, decade=decade)
    source = (
        summary_model.objects.filter(level=SOURCE_LEVEL)
        .filter(condition)
        .values_list(*CELL_COLUMNS, "listing_count", "price_bins", "days_bins")
    )
    cells: dict[tuple, list] = {}
    for *columns, listing_count, price_bins, days_bins in source:
        cell = cells.setdefault(tuple(columns), [0, {}, {}])
        cell[0] += listing_count
        merge_histogram(cell[1], price_bins)
        merge_histogram(cell[2], days_bins)
    return [
        summary_model(
            key=cell_key(*columns),
            level=LEVEL,
            platform="",
            listing_kind="",
            listing_count=listing_count,
            price_bins=price_bins,
            days_bins=days_bins,
            **dict(zip(CELL_COLUMNS, columns, strict=True)),
        )
        for columns, (listing_count, price_bins, days_bins) in cells.items()
    ]


def add_sized_level(apps, schema_editor):
    """Replace any "sized" rows with the sums of the "fit" rows."""
    summary_model = apps.get_model("research", "CohortSummary")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Refreshes that commit while the batches are read would make the two
        # levels disagree, so writers wait until the migration commits. SQLite
        # needs no lock because its migration transaction holds the write lock.
        table = connection.ops.quote_name(summary_model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    summary_model.objects.filter(level=LEVEL).delete()
    for groups in group_batches(summary_model):
        summary_model.objects.bulk_create(
            sized_rows(summary_model, groups), batch_size=INSERT_BATCH_SIZE
        )


def remove_sized_level(apps, schema_editor):
    summary_model = apps.get_model("research", "CohortSummary")
    summary_model.objects.filter(level=LEVEL).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0005_merge_20261204_1730"),
    ]

    operations = [
        migrations.RunPython(add_sized_level, remove_sized_level),
    ]
