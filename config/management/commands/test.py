"""Run the whole test suite with pytest, once per database and broker leg.

The first leg always runs: SQLite and the embedded SQLAlchemy broker, so it needs no
server. When DATABASE_URL points at PostgreSQL or CELERY_BROKER_URL at Redis, a
second leg runs the suite again against them. A server that is configured but
unreachable fails that leg; it is never skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Tests that only make sense on one leg carry these markers; see tests/conftest.py.
SERVER_LEG_EXCLUDES = "not sqlite_only and not browser"


class Command(BaseCommand):
    help = (
        "Run the test suite: on SQLite with the embedded broker, then on "
        "PostgreSQL and Redis when DATABASE_URL and CELERY_BROKER_URL name them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--leg",
            choices=["all", "sqlite", "servers"],
            default="all",
            help="Run one leg only (default: every leg the environment configures).",
        )
        parser.add_argument(
            "pytest_args",
            nargs="*",
            help="Extra arguments for pytest, after --, e.g. -- -k webhook -x.",
        )

    def handle(self, *args, leg: str, pytest_args: list[str], **options):
        database_url = os.environ.get("DATABASE_URL", "")
        broker_url = os.environ.get("CELERY_BROKER_URL", "")
        server_leg = database_url.startswith(("postgres", "pgsql")) or (
            broker_url.startswith(("redis", "rediss"))
        )
        legs = []
        if leg in ("all", "sqlite"):
            legs.append(("sqlite + embedded broker", self.sqlite_env(), []))
        if leg in ("all", "servers"):
            if server_leg:
                legs.append(
                    (
                        "postgres + redis",
                        self.server_env(),
                        ["-m", SERVER_LEG_EXCLUDES],
                    )
                )
            elif leg == "servers":
                raise CommandError(
                    "--leg servers needs DATABASE_URL (PostgreSQL) or "
                    "CELERY_BROKER_URL (Redis) in the environment."
                )
        failures = []
        for name, environment, markers in legs:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== test leg: {name}"))
            started = time.monotonic()
            code = subprocess.call(
                [sys.executable, "-m", "pytest", *markers, *pytest_args],
                cwd=settings.BASE_DIR,
                env=environment,
            )
            elapsed = time.monotonic() - started
            # pytest exits 5 when a filter selects no test; that is not a failure
            # of the leg when extra arguments narrowed it.
            if code == 5 and pytest_args:
                code = 0
            status = "passed" if code == 0 else f"failed (exit {code})"
            self.stdout.write(f"== leg {name}: {status} in {elapsed:.0f}s")
            if code != 0:
                failures.append(name)
        if failures:
            raise CommandError(f"test legs failed: {', '.join(failures)}")

    @staticmethod
    def server_env() -> dict[str, str]:
        environment = dict(os.environ)
        environment["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        return environment

    @classmethod
    def sqlite_env(cls) -> dict[str, str]:
        environment = cls.server_env()
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
            environment.pop(name, None)
        return environment
