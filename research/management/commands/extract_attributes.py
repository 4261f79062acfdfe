"""Print the denim attributes of listing titles, one JSON object per line."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from research.extraction import extract_attributes


class Command(BaseCommand):
    help = (
        "Read one listing title per line from PATH (or - for standard input) and "
        "print one JSON object per line with brand, lot, decade, waist, inseam, "
        "made_in, selvedge, big_e and gender; null where the title does not say."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default="-",
            help="File with one title per line; - or nothing reads standard input.",
        )

    def handle(self, *args, path, **options):
        if path == "-":
            self._extract(sys.stdin)
            return
        try:
            with open(path, encoding="utf-8", errors="replace") as titles:
                self._extract(titles)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a directory, expected a file") from None

    def _extract(self, lines) -> None:
        for line in lines:
            title = line.rstrip("\r\n")
            attributes = extract_attributes(title).cli_dict()
            self.stdout.write(json.dumps(attributes, ensure_ascii=False))
