"""Run the offline Whatnot Seller API sandbox."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from whatnot.sandbox import cli
from whatnot.sandbox.seed_files import SeedFileError


class Command(BaseCommand):
    help = (
        "Serve the offline Whatnot Seller API sandbox (GraphQL, OAuth, bulk "
        "results, webhooks, admin endpoints) on 127.0.0.1."
    )

    def add_arguments(self, parser):
        cli.add_arguments(parser, default_data=settings.VAR_DIR / "sandbox.sqlite3")

    def handle(self, *args, **options):
        from whatnot.sandbox.startup import run

        try:
            config = cli.config_from(options)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Whatnot sandbox on {config.public_url} (state in {config.data_path})"
            )
        try:
            run(config)
        except SeedFileError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Could not start the sandbox: {exc}") from exc
