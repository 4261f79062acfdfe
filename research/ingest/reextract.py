"""Read the denim attributes of stored listings again.

Needed after EXTRACTOR_VERSION changes: rows are read in primary-key order a
batch at a time, so memory stays flat and an interrupted run can start over.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from ..attributes import extract_for_fields
from ..extraction import EXTRACTOR_VERSION
from ..models import MarketListing
from .writer import EXTRACTION_COLUMNS, attributes_update_sql

DEFAULT_BATCH_SIZE = 2000


def listings_to_reextract(*, outdated_only: bool):
    listings = MarketListing.objects.all()
    if outdated_only:
        listings = listings.exclude(extractor_version=EXTRACTOR_VERSION)
    return listings


def reextract_attributes(
    *,
    outdated_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    limit: int | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Extract and store the attributes of every listing; return the count.

    `outdated_only` limits the run to rows extracted by another version;
    `limit` stops after about that many rows.
    """
    listings = listings_to_reextract(outdated_only=outdated_only).order_by("id")
    adapt_time = connection.ops.adapt_datetimefield_value
    sql = attributes_update_sql()
    last_id = 0
    done = 0
    while limit is None or done < limit:
        rows = list(
            listings.filter(id__gt=last_id).values_list("id", *EXTRACTION_COLUMNS)[
                :batch_size
            ]
        )
        if not rows:
            break
        now = adapt_time(timezone.now())
        params = [
            (*extract_for_fields(*fields), EXTRACTOR_VERSION, now, listing_id)
            for listing_id, *fields in rows
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, params)
        last_id = rows[-1][0]
        done += len(rows)
        if on_batch is not None:
            on_batch(len(rows))
    return done
