"""Run selvedge and everything it talks to on this machine, with demo users.

Starts the web server, a Celery worker on every queue and beat, all with the
embedded defaults (SQLite and the SQLAlchemy broker), prints the URL and the demo
logins, and stops every process on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.roles import grant_role

DEMO_PASSWORD = "selvedge-demo"  # noqa: S105 - printed on purpose for the local demo
DEMO_USERS = [
    ("demo-seller", Role.SELLER),
    ("demo-analyst", Role.ANALYST),
    ("demo-staff", Role.STAFF),
]
QUEUES = "default,sync,webhooks,exports,insights"


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen | None = None


class Command(BaseCommand):
    help = (
        "Start the web server, a Celery worker and beat with demo users; "
        "Ctrl-C stops them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Web server port.")
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address the web server binds to."
        )

    def handle(self, *args, host: str, port: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Database migrated."))
        self.create_demo_users()
        children = self.children(host, port)
        self.start(children)
        self.print_welcome(host, port)
        self.supervise(children)

    def create_demo_users(self) -> None:
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        for username, role in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.test"}
            )
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
                user.save()
            grant_role(user, role)
            if role == Role.STAFF and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])

    def children(self, host: str, port: int) -> list[Child]:
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        return [
            Child(
                "web",
                [python, manage, "runserver", f"{host}:{port}", "--noreload"],
            ),
            Child(
                "worker",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    QUEUES,
                    "-c",
                    "2",
                    "-n",
                    "demo@%h",
                    "--loglevel",
                    "INFO",
                ],
            ),
            Child(
                "beat",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "-s",
                    str(settings.VAR_DIR / "celerybeat-schedule"),
                ],
            ),
        ]

    def start(self, children: list[Child]) -> None:
        environment = {**os.environ, "SELVEDGE_NO_BOOTSTRAP": "1"}
        for child in children:
            child.process = subprocess.Popen(
                child.args,
                cwd=settings.BASE_DIR,
                env=environment,
                start_new_session=True,
            )
            self.stdout.write(f"started {child.name} (pid {child.process.pid})")

    def print_welcome(self, host: str, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"selvedge is running at http://{host}:{port}/")
        )
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<8} {username} / {DEMO_PASSWORD}")
        self.stdout.write("Press Ctrl-C to stop every process.")

    def supervise(self, children: list[Child]) -> None:
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            while not stopping:
                for child in children:
                    if child.process.poll() is not None:
                        raise CommandError(
                            f"{child.name} exited with status "
                            f"{child.process.returncode}; stopping the demo."
                        )
                time.sleep(0.5)
        finally:
            self.stop(children)

    def stop(self, children: list[Child]) -> None:
        self.stdout.write("Stopping ...")
        for child in reversed(children):
            if child.process and child.process.poll() is None:
                # The main process stops its own children (Celery's pool, for
                # one); the group is killed only if it does not exit in time.
                child.process.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            if not child.process:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.process.pid, signal.SIGKILL)
        self.stdout.write(self.style.SUCCESS("All processes stopped."))
