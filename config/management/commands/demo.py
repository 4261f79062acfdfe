"""Run selvedge and everything it talks to on this machine, with demo users.

Starts the Whatnot sandbox (seeded stores and the market simulator), the web
server, a Celery worker on every queue and Celery beat, all with the embedded
defaults (SQLite and the SQLAlchemy broker). It connects the demo seller to a
sandbox store, loads a research dataset, prints the URL and the logins, and stops
every process on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, WhatnotConnection
from accounts.roles import grant_role

DEMO_PASSWORD = "selvedge-demo"  # noqa: S105 - printed on purpose for the local demo
DEMO_USERS = [
    ("demo-seller", Role.SELLER),
    ("demo-analyst", Role.ANALYST),
    ("demo-staff", Role.STAFF),
]
QUEUES = "default,sync,webhooks,exports,insights"
GENERATED_DATASET_NAME = "Generated vintage denim market"


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen | None = None


class Command(BaseCommand):
    help = (
        "Start the Whatnot sandbox, the web server, a Celery worker and beat with "
        "demo users and data; Ctrl-C stops them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Web server port.")
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address the servers bind to."
        )
        parser.add_argument(
            "--sandbox-port",
            type=int,
            default=8765,
            help="Port of the Whatnot sandbox. selvedge is pointed at it unless "
            "WHATNOT_BASE_URL is set.",
        )
        parser.add_argument(
            "--dataset",
            help=(
                "A CSV or JSONL file of another marketplace's listings to load for "
                "research, e.g. ../shared/data/real/poshmark_mens_jeans_2020.csv. "
                "Without it a generated dataset is loaded."
            ),
        )
        parser.add_argument(
            "--dataset-platform",
            help="Platform of --dataset (poshmark, grailed, vestiaire, ebay, ...); "
            "guessed from the file name when omitted.",
        )
        parser.add_argument(
            "--sellers", type=int, default=3, help="Sandbox sellers to seed."
        )
        parser.add_argument(
            "--listings-per-seller",
            type=int,
            default=150,
            help="Generated listings per sandbox seller.",
        )
        parser.add_argument(
            "--simulate-interval",
            type=float,
            default=20.0,
            help="Seconds between simulated sales and edits; 0 stops them.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo database, broker and sandbox files first.",
        )

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        # SIGTERM during start-up unwinds like Ctrl-C, so the children that were
        # already started are stopped too.
        signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
        for name, number in (
            ("--port", port),
            ("--sandbox-port", options["sandbox_port"]),
        ):
            if port_in_use(options["host"], number):
                raise CommandError(
                    f"Port {number} on {options['host']} is already in use; stop "
                    f"the process that holds it or pass another {name}."
                )
        if options["reset"]:
            self.reset_files()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Database migrated."))
        self.create_demo_users()
        sandbox = self.sandbox_child(options)
        self.start([sandbox])
        children = [sandbox]
        try:
            tokens = self.wait_for_sandbox(options)
            self.load_dataset(options)
            children += self.app_children(host, port)
            self.start(children[1:])
            self.connect_demo_seller(tokens)
            self.print_welcome(options, tokens)
        except BaseException:
            self.stop(children)
            raise
        self.supervise(children)

    # Setup steps.

    def reset_files(self) -> None:
        database = Path(settings.DATABASES["default"]["NAME"])
        names = [self.sandbox_data_path(), self.tokens_path(), database]
        names += [settings.VAR_DIR / "broker.sqlite3"]
        for path in names:
            for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                if candidate.exists():
                    candidate.unlink()
        self.stdout.write("Demo files deleted (--reset).")

    def create_demo_users(self) -> None:
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

    @staticmethod
    def sandbox_data_path() -> Path:
        return settings.VAR_DIR / "demo-sandbox.sqlite3"

    @staticmethod
    def tokens_path() -> Path:
        return settings.VAR_DIR / "demo-sandbox-tokens.json"

    def sandbox_child(self, options) -> Child:
        secret = settings.WHATNOT_WEBHOOK_SECRET.split(",")[0].strip()
        webhook_url = f"http://{options['host']}:{options['port']}/webhooks/whatnot/"
        args = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "whatnot_sandbox",
            "--host",
            options["host"],
            "--port",
            str(options["sandbox_port"]),
            "--data",
            str(self.sandbox_data_path()),
            "--sellers",
            str(options["sellers"]),
            "--listings-per-seller",
            str(options["listings_per_seller"]),
            "--tokens-file",
            str(self.tokens_path()),
            "--client-id",
            settings.WHATNOT_CLIENT_ID,
            "--client-secret",
            settings.WHATNOT_CLIENT_SECRET,
            "--webhook-url",
            webhook_url,
            "--webhook-secret",
            secret,
            "--simulate-interval",
            str(options["simulate_interval"]),
        ]
        return Child("sandbox", args)

    def wait_for_sandbox(self, options) -> dict[str, str]:
        url = f"http://{options['host']}:{options['sandbox_port']}/sandbox/admin/health"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise CommandError(
                f"The Whatnot sandbox did not respond at {url} within 120 s."
            )
        if self.sandbox_exited():
            raise CommandError(
                f"The Whatnot sandbox exited; is port {options['sandbox_port']} "
                "already in use? Stop the other process or pass --sandbox-port."
            )
        expected = settings.WHATNOT_BASE_URL.rstrip("/")
        actual = f"http://{options['host']}:{options['sandbox_port']}"
        if expected != actual and "WHATNOT_BASE_URL" not in os.environ:
            # WHATNOT_BASE_URL is unset, so selvedge talks to this sandbox:
            # this process through its settings, the children through the
            # environment they inherit.
            settings.WHATNOT_BASE_URL = actual
            os.environ["WHATNOT_BASE_URL"] = actual
        elif expected != actual:
            self.stdout.write(
                self.style.WARNING(
                    f"WHATNOT_BASE_URL is {expected} but the sandbox runs at {actual}; "
                    "set WHATNOT_BASE_URL to match or selvedge will not reach it."
                )
            )
        return json.loads(self.tokens_path().read_text())

    def sandbox_exited(self) -> bool:
        sandbox = self.children_started[0] if self.children_started else None
        return bool(sandbox and sandbox.process.poll() is not None)

    def load_dataset(self, options) -> None:
        from research.models import Dataset

        path = options["dataset"]
        if path:
            platform = options["dataset_platform"] or guess_platform(path)
            self.stdout.write(f"Loading the real dataset {path} as {platform} ...")
            call_command("import_listings", path, platform=platform)
            return
        if Dataset.objects.filter(name=GENERATED_DATASET_NAME).exists():
            self.stdout.write("Research data: the generated dataset (already loaded).")
            return
        self.stdout.write("No --dataset given; loading the generated dataset ...")
        call_command(
            "generate_market_dataset",
            rows=5000,
            dataset_name=GENERATED_DATASET_NAME,
        )

    def connect_demo_seller(self, tokens: dict[str, str]) -> None:
        from accounts.services.connections import connect_personal_token

        seller = get_user_model().objects.get(username="demo-seller")
        connection = WhatnotConnection.objects.filter(user=seller).first()
        if connection and connection.status == WhatnotConnection.Status.CONNECTED:
            return
        store, token = next(iter(tokens.items()))
        connect_personal_token(seller, token)
        self.stdout.write(f"demo-seller is connected to the sandbox store {store}.")

    def app_children(self, host: str, port: int) -> list[Child]:
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        celery = [python, "-m", "celery", "-A", "config"]
        schedule = str(settings.VAR_DIR / "celerybeat-schedule")
        return [
            Child("web", [python, manage, "runserver", f"{host}:{port}", "--noreload"]),
            Child(
                "worker",
                [
                    *celery,
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
            Child("beat", [*celery, "beat", "--loglevel", "INFO", "-s", schedule]),
        ]

    # Process management.

    children_started: list[Child] = []

    def start(self, children: list[Child]) -> None:
        environment = {**os.environ, "SELVEDGE_NO_BOOTSTRAP": "1"}
        self.children_started = [*self.children_started, *children]
        for child in children:
            child.process = subprocess.Popen(
                child.args,
                cwd=settings.BASE_DIR,
                env=environment,
                start_new_session=True,
            )
            self.stdout.write(f"started {child.name} (pid {child.process.pid})")

    def print_welcome(self, options, tokens: dict[str, str]) -> None:
        host, port = options["host"], options["port"]
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"selvedge is running at http://{host}:{port}/")
        )
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<8} {username} / {DEMO_PASSWORD}")
        sandbox_url = f"http://{host}:{options['sandbox_port']}"
        self.stdout.write(
            f"Whatnot sandbox at {sandbox_url}; its stores: {', '.join(tokens)}. "
            "A new seller connects one of them from Settings."
        )
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


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def guess_platform(path: str) -> str:
    name = Path(path).name.lower()
    for platform in ("poshmark", "grailed", "vestiaire", "ebay", "whatnot"):
        if platform in name:
            return platform
    raise CommandError(
        f"Cannot tell the platform of {path} from its name; "
        "pass --dataset-platform NAME."
    )
