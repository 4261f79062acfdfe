"""Read the denim attributes of every stored listing again."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from research.extraction import EXTRACTOR_VERSION
from research.ingest.reextract import listings_to_reextract, reextract_attributes
from research.tasks.summaries import rebuild_cohort_summaries_task


class Command(BaseCommand):
    help = (
        "Extract the denim attributes of every market listing again and store "
        f"them with extractor version {EXTRACTOR_VERSION}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--outdated-only",
            action="store_true",
            help="Only rows extracted by another extractor version.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Rows read and written per transaction (default: 2000).",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Hide the progress bar (it only shows on a terminal anyway).",
        )

    def handle(self, *args, outdated_only, batch_size, no_progress, **options):
        total = listings_to_reextract(outdated_only=outdated_only).count()
        progress = tqdm(
            total=total,
            unit="rows",
            desc="reextract",
            file=sys.stderr,
            disable=no_progress or not sys.stderr.isatty(),
        )
        with progress:
            done = reextract_attributes(
                outdated_only=outdated_only,
                batch_size=batch_size,
                on_batch=progress.update,
            )
        if done:
            # The attributes are summary keys, so the summaries start over.
            rebuild_cohort_summaries_task.delay()
        self.stdout.write(
            self.style.SUCCESS(
                f"Extracted attributes of {done} listings "
                f"(extractor version {EXTRACTOR_VERSION}); the cohort summaries "
                "are queued for a rebuild."
                if done
                else "No listings to extract."
            )
        )
