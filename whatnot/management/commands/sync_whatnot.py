"""Sync connected sellers' Whatnot stores now, in this process."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.exceptions import ReconnectRequired, TokenRefreshError
from accounts.models import WhatnotConnection
from whatnot.client import WhatnotClient
from whatnot.client.errors import WhatnotError
from whatnot.models import SyncRun
from whatnot.services.sync import fail_run, release_run, run_sync, start_run_now

SUMMARY_COLUMNS = (
    ("seller", 18),
    ("kind", 11),
    ("status", 9),
    ("created", 8),
    ("updated", 8),
    ("unchanged", 9),
    ("failed", 6),
    ("conflicts", 9),
    ("removed", 7),
    ("orders", 6),
    ("requests", 8),
    ("seconds", 7),
)


class Command(BaseCommand):
    help = (
        "Sync Whatnot listings and orders of every connected seller, or of one, "
        "in this process with a progress bar, then print a summary. Without "
        "--full each seller gets an incremental sync (a full one if it never "
        "synced). Connections that need a reconnect are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seller",
            metavar="USERNAME",
            help="Sync only this selvedge user (default: every connected seller).",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Walk every listing and order instead of the changes since the "
            "last successful sync.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the sellers that would be synced and stop.",
        )

    def handle(self, *args, seller=None, full=False, dry_run=False, **options):
        verbosity = options["verbosity"]
        kind = SyncRun.Kind.FULL if full else SyncRun.Kind.INCREMENTAL
        connections = self._connections(seller)
        results = []
        for connection in connections:
            username = connection.user.get_username()
            if connection.status != WhatnotConnection.Status.CONNECTED:
                self.stdout.write(
                    self.style.WARNING(
                        f"Skipping {username}: the Whatnot connection is "
                        f"{connection.status}."
                    )
                )
                continue
            if dry_run:
                self.stdout.write(f"Would sync {username} ({kind}).")
                continue
            result = self._sync(connection, kind, verbosity)
            if result is not None:
                results.append(result)
        if results:
            self._print_summary(results)
        failed = [run for run, _ in results if run.status != SyncRun.Status.SUCCEEDED]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} syncs failed.")

    def _connections(self, username: str | None) -> list[WhatnotConnection]:
        connections = WhatnotConnection.objects.select_related("user").order_by(
            "user__username"
        )
        if username:
            connections = connections.filter(user__username=username)
            if not connections:
                raise CommandError(
                    f"No user named {username!r} has a Whatnot connection; "
                    "check the username or connect Whatnot first."
                )
        return list(connections)

    def _sync(self, connection, kind: str, verbosity: int):
        username = connection.user.get_username()
        run = start_run_now(connection.user, kind)
        if run is None:
            self.stdout.write(
                self.style.WARNING(
                    f"Skipping {username}: a worker is running its sync right now."
                )
            )
            return None
        started = time.monotonic()
        progress = tqdm(
            desc=f"{username} ({run.kind})",
            unit=" listings",
            disable=verbosity == 0,
            file=self.stderr,
        )

        def on_page(current_run, count):
            progress.update(count)
            progress.set_postfix(pages=current_run.pages, refresh=False)

        try:
            with WhatnotClient(connection.pk) as client:
                run_sync(run, client, on_page=on_page)
        except (ReconnectRequired, TokenRefreshError, WhatnotError) as exc:
            fail_run(run, str(exc))
        except KeyboardInterrupt:
            release_run(run)
            self.stderr.write(
                f"{username}: stopped after page {run.pages}; the next scheduled "
                "sync resumes the run from its cursor."
            )
            raise
        except Exception as exc:
            fail_run(run, f"Unexpected error ({type(exc).__name__}); see the log.")
            raise
        finally:
            progress.close()
        run.refresh_from_db()
        if run.status == SyncRun.Status.FAILED:
            self.stderr.write(self.style.ERROR(f"{username}: {run.error}"))
        return run, time.monotonic() - started

    def _print_summary(self, results) -> None:
        header = " ".join(name.ljust(width) for name, width in SUMMARY_COLUMNS)
        self.stdout.write(self.style.MIGRATE_HEADING(header))
        for run, seconds in results:
            values = (
                run.seller.get_username(),
                run.kind,
                run.status,
                run.created_count,
                run.updated_count,
                run.unchanged_count,
                run.failed_count,
                run.conflict_count,
                run.removed_count,
                run.orders_count,
                run.requests,
                f"{seconds:.1f}",
            )
            line = " ".join(
                str(value).ljust(width)
                for value, (_, width) in zip(values, SUMMARY_COLUMNS, strict=True)
            )
            style = (
                self.style.SUCCESS
                if run.status == SyncRun.Status.SUCCEEDED
                else self.style.ERROR
            )
            self.stdout.write(style(line))
