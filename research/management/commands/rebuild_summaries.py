from __future__ import annotations

from django.core.management.base import BaseCommand

from research.cohorts.facts import eligible_listings
from research.cohorts.refresh import rebuild_summaries


class Command(BaseCommand):
    help = (
        "Recompute the cohort summary tables from every market listing, in one "
        "transaction. Dashboards keep reading the old summaries until it commits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the listings that would be summarized and write nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            count = eligible_listings().count()
            self.stdout.write(f"Would summarize {count} listings (dry run).")
            return
        included = rebuild_summaries()
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rebuilt cohort summaries from {included} listings."
                )
            )
