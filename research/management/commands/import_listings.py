"""Import another marketplace's listings file into the market listings table."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from tqdm import tqdm

from research.ingest import (
    FORMATS,
    IMPORTERS,
    FileFormatError,
    IngestReport,
    UnknownImporterError,
    get_importer,
    ingest_file,
    resolve_format,
)
from research.ingest.runs import dataset_for_file, execute_import_run
from research.models import ImportRun

# Rejected lines printed at verbosity 1; -v 2 prints every one the report kept.
REJECTED_LINES_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import a listings file exported from another marketplace. Each line is "
        "stored, skipped as unchanged or older, or rejected with its reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV or JSONL file to import.")
        parser.add_argument(
            "--platform",
            required=True,
            choices=sorted(IMPORTERS),
            help="Whose file it is; selects the column mapping.",
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help="File format (default: from the extension, else the platform's).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check every line and print the counts; write nothing.",
        )
        parser.add_argument(
            "--dataset",
            help="Dataset name for the rows (default: the file's name).",
        )
        parser.add_argument(
            "--seller",
            help="Username of the connected seller a Whatnot export belongs to.",
        )
        parser.add_argument(
            "--observed-at",
            help=(
                "ISO-8601 time the file's rows were observed, used as the version "
                "of rows without their own timestamp (default: now)."
            ),
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Hide the progress bar (it only shows on a terminal anyway).",
        )

    def handle(self, *args, path, platform, file_format, dry_run, **options):
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            importer = get_importer(platform)
            chosen = resolve_format(importer, file_path, file_format)
        except (UnknownImporterError, FileFormatError) as exc:
            raise CommandError(str(exc)) from None
        observed_at = self._observed_at(options["observed_at"])
        seller = self._seller(options["seller"])
        progress = self._progress_bar(file_path, options["no_progress"])
        try:
            if dry_run:
                report = self._dry_run(
                    file_path, importer, chosen, observed_at, progress
                )
            else:
                report = self._import(
                    file_path, importer, chosen, seller, observed_at, progress, options
                )
        finally:
            if progress is not None:
                progress.close()
        self._print_report(report, dry_run, int(options["verbosity"]))

    def _dry_run(self, file_path, importer, chosen, observed_at, progress):
        try:
            return ingest_file(
                file_path,
                importer,
                file_format=chosen,
                dry_run=True,
                observed_at=observed_at,
                on_progress=self._progress_callback(progress),
            )
        except FileFormatError as exc:
            raise CommandError(f"{file_path}: {exc}") from None

    def _import(
        self, file_path, importer, chosen, seller, observed_at, progress, options
    ):
        dataset = None
        if seller is None:
            dataset = dataset_for_file(
                options["dataset"] or file_path.name, importer.platform
            )
        run = ImportRun.objects.create(
            kind=ImportRun.Kind.IMPORT,
            platform=importer.name,
            file_format=chosen,
            dataset=dataset,
            seller=seller,
            source_name=str(file_path)[:500],
        )
        report = execute_import_run(
            run,
            file_path,
            observed_at=observed_at,
            on_progress=self._progress_callback(progress),
        )
        if report is None:
            raise CommandError(f"{file_path}: {run.error}")
        if int(options["verbosity"]) >= 1:
            self.stdout.write(f"Import run #{run.pk} into dataset {dataset or seller}.")
        return report

    def _observed_at(self, value):
        if not value:
            return None
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            raise CommandError(
                f"--observed-at {value!r} is not an ISO-8601 time with a zone, "
                "e.g. 2024-03-04T10:00:00Z"
            )
        return parsed

    def _seller(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--seller {username!r}: no such user")
        return user

    def _progress_bar(self, file_path: Path, hidden: bool):
        if hidden or not sys.stderr.isatty():
            return None
        return tqdm(
            total=file_path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc=file_path.name,
            file=sys.stderr,
        )

    def _progress_callback(self, progress):
        if progress is None:
            return None

        def update(report: IngestReport) -> None:
            progress.update(report.bytes_read - progress.n)

        return update

    def _print_report(self, report: IngestReport, dry_run: bool, verbosity: int):
        prefix = "Dry run, nothing written: " if dry_run else ""
        counts = ", ".join(f"{count} {name}" for name, count in report.counts().items())
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(f"{prefix}{counts} ({report.lines_read} lines read)"))
        if report.parent_lines:
            self.stdout.write(
                f"{report.parent_lines} product and variant lines joined."
            )
        if not report.rejected or verbosity < 1:
            return
        listed = report.rejected_lines
        if verbosity < 2:
            listed = listed[:REJECTED_LINES_SHOWN]
        self.stdout.write("Rejected lines:")
        for rejected in listed:
            self.stdout.write(f"  line {rejected['line']}: {rejected['reason']}")
        hidden = report.rejected - len(listed)
        if hidden:
            self.stdout.write(
                f"  ... and {hidden} more (use -v 2 to list the ones kept)"
            )
