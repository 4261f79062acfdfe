"""Write one AI summary from the command line and print it."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from research.insights.client import TransientModelError
from research.insights.filters import FilterError, parse_filters
from research.insights.models import SummaryReport
from research.insights.presentation import figure_rows, present_claims
from research.insights.service import build_bundle, give_up, retry_delay, run_report


class Command(BaseCommand):
    help = (
        "Build the stats bundle for a market cohort (--filter) or one seller's "
        "sales (--seller), ask the model for a summary, store the report and "
        "print it. Exits non-zero when no summary could be written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seller",
            metavar="USERNAME",
            help="Summarize this selvedge user's Whatnot sales instead of a cohort.",
        )
        parser.add_argument(
            "--filter",
            dest="filters",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="A cohort filter such as brand=levis or decade=1990s; repeat it "
            "for more. days=N sets the trend window in days (default 7).",
        )
        parser.add_argument(
            "--as-of",
            metavar="WHEN",
            help="End of the trend window as an ISO date or date-time, read as "
            "UTC when it has no offset (default: now).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the stats bundle and exit without calling the model or "
            "storing a report.",
        )

    def handle(self, *args, seller: str | None, filters: list[str], **options):
        report = self._new_report(seller, filters)
        if options["as_of"]:
            report.as_of = self._as_of(options["as_of"])
        if options["dry_run"]:
            bundle = build_bundle(report)
            self.stdout.write(json.dumps(bundle, indent=2, sort_keys=True))
            return
        report.save()
        self._run(report, options["verbosity"])
        report.refresh_from_db()
        self._print(report, options["verbosity"])
        if report.status != SummaryReport.Status.SUCCEEDED:
            raise CommandError(f"Report {report.pk} {report.status}: {report.error}")

    def _new_report(self, username: str | None, pairs: list[str]) -> SummaryReport:
        raw: dict[str, list[str]] = {}
        for pair in pairs:
            key, separator, value = pair.partition("=")
            if not separator or not key.strip():
                raise CommandError(f"Invalid --filter {pair!r}: write it as KEY=VALUE.")
            raw.setdefault(key.strip(), []).append(value)
        try:
            if username is not None:
                unknown = sorted(set(raw) - {"days"})
                if unknown:
                    raise CommandError(
                        "--seller takes only the days filter, not "
                        f"{', '.join(unknown)}."
                    )
                return SummaryReport(
                    scope=SummaryReport.Scope.SELLER,
                    seller=self._seller(username),
                    filters=parse_filters(raw),
                )
            return SummaryReport(
                scope=SummaryReport.Scope.MARKET, filters=parse_filters(raw)
            )
        except FilterError as exc:
            raise CommandError(str(exc)) from exc

    def _as_of(self, text: str) -> datetime:
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"Invalid --as-of {text!r}: use an ISO date such as 2026-12-01 or "
                "a date-time such as 2026-12-01T12:00."
            ) from None
        if timezone.is_naive(when):
            when = when.replace(tzinfo=UTC)
        return when

    def _seller(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_seller:
            raise CommandError(
                f"User {username!r} is not a seller; grant the seller role first."
            )
        return user

    def _run(self, report: SummaryReport, verbosity: int) -> None:
        """Run the report to the end, waiting between transient failures as the
        Celery task does."""
        retries = 0
        while True:
            try:
                run_report(report)
                return
            except TransientModelError as exc:
                delay = retry_delay(exc, retries)
                if delay is None:
                    give_up(report, exc, retries)
                    return
                if verbosity:
                    self.stderr.write(f"{exc} Retrying in {delay:.1f} s.")
                time.sleep(delay)
                retries += 1

    def _print(self, report: SummaryReport, verbosity: int) -> None:
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"{report.title} (report {report.pk})")
        )
        if report.status != SummaryReport.Status.SUCCEEDED:
            return
        for number, claim in enumerate(present_claims(report), start=1):
            self.stdout.write(f"{number}. {claim['text']}")
            for figure in claim["figures"]:
                self.stdout.write(
                    f"   {figure['key']} = {figure['value']} ({figure['label']})"
                )
            for listing in claim["listings"]:
                self.stdout.write(f"   listing {listing['id']}: {listing['title']}")
        if verbosity > 1:
            self.stdout.write("Figures:")
            for row in figure_rows(report):
                self.stdout.write(f"   {row['key']} = {row['value']}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.model}, prompt {report.prompt_version}: "
                f"{report.prompt_tokens} prompt and {report.completion_tokens} "
                "completion tokens."
            )
        )
