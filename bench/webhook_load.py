#!/usr/bin/env python3
"""Load benchmark of the webhook receiver under gunicorn.

For each database (SQLite, PostgreSQL) the script migrates a fresh benchmark
database, starts gunicorn with sync workers and the production settings, and
drives it with wrk. Three runs share the same server settings and connection
count:

- hello: a bare WSGI application under gunicorn (bench/hello_wsgi.py), the
  cost of gunicorn and the network alone;
- django-405: a GET on the webhook URL, which goes through Django's request
  handling and the webhook view and returns 405 without touching the
  database;
- webhooks: signed listing/created events with unique ids, each verified and
  inserted, with its processing task sent to the broker.

Accepted events are counted in the database afterwards, not taken from wrk.
No Celery worker runs during the measurement, so the figures are the
receiver's alone; the queued tasks are deleted at the end.

Run from the repository root, for example:

    .venv/bin/python bench/webhook_load.py --database sqlite postgres \
        --duration 20 --connections 16

It needs wrk (Debian package ``wrk``), Redis for the default broker, and
PostgreSQL for the postgres leg.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from webhook_lua import done_only_script, webhook_script  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
WEBHOOK_PATH = "/webhooks/whatnot/"
SECRET = "bench-webhook-secret"
SELLER = "VXNlcjpiZW5jaA=="
# A valid Fernet key used only by the benchmark's throwaway databases.
BENCH_FERNET_KEY = "YmVuY2gtb25seS1rZXktbm90LWZvci1yZWFsLXVzZSE="
WARMUP_SECONDS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout}s")


def server_env(database_url: str, broker_url: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="bench-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_LOG_LEVEL="WARNING",
        WHATNOT_CLIENT_SECRET="bench-client-secret",
        WHATNOT_WEBHOOK_SECRET=SECRET,
        TOKEN_ENCRYPTION_KEYS=BENCH_FERNET_KEY,
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        SELVEDGE_NO_BOOTSTRAP="1",
    )
    return environment


class Gunicorn:
    def __init__(self, app: str, workers: int, environment: dict[str, str]):
        self.port = free_port()
        self.log = (BENCH_DIR / f"gunicorn-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                app,
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.port, self.process)

    def wait_until_serving(self, path: str, timeout: float = 120.0) -> None:
        """Wait until every worker has booted: the port opens before the
        workers finish importing Django."""
        deadline = time.monotonic() + timeout
        answered = 0
        while answered < 30:
            if time.monotonic() > deadline:
                raise TimeoutError(f"gunicorn on {self.port} is not responding")
            try:
                with urllib.request.urlopen(self.url(path), timeout=5) as response:
                    response.read()
                answered += 1
            except urllib.error.HTTPError:
                answered += 1
            except OSError:
                time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def session_cpu_seconds(session: int) -> float:
    """Return the CPU time (user and system) used so far by every live process
    of one session: the gunicorn arbiter and its workers."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which may contain spaces: state is
        # field 3, session field 6, utime 14 and stime 15.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    url: str,
    script: str,
    args: argparse.Namespace,
    duration: float,
    server: Gunicorn | None = None,
):
    """Run wrk and return its figures. With ``server``, add the CPU time that
    the server and wrk used per request."""
    server_before = session_cpu_seconds(server.process.pid) if server else 0.0
    wrk_before = children_cpu_seconds()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=BENCH_DIR) as file:
        file.write(script)
        file.flush()
        output = subprocess.run(
            [
                "wrk",
                "--threads",
                str(args.threads),
                "--connections",
                str(args.connections),
                "--duration",
                f"{int(duration)}s",
                "--timeout",
                "10s",
                "--script",
                file.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(row for row in output.splitlines() if row.startswith("WRK_RESULT "))
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    requests = max(result["requests"], 1)
    result["wrk_cpu_ms"] = (children_cpu_seconds() - wrk_before) / requests * 1000
    if server:
        server_cpu = session_cpu_seconds(server.process.pid) - server_before
        result["server_cpu_ms"] = server_cpu / requests * 1000
    return result


def measured(url: str, script: str, args, server: Gunicorn) -> dict:
    """Run wrk once to warm up, then once to measure."""
    run_wrk(url, script, args, WARMUP_SECONDS)
    return run_wrk(url, script, args, args.duration, server)


def with_stored(result: dict, stored: int) -> dict:
    """Add the number of events the run stored, and their rate per second."""
    result["stored"] = stored
    result["stored_rate"] = stored / (result["duration_us"] / 1e6)
    return result


def migrate(environment: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


class SqliteDatabase:
    name = "sqlite"

    def __init__(self):
        self.path = BENCH_DIR / "webhooks-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.url = f"sqlite:///{self.path}"

    def count_events(self, run: str) -> int:
        with sqlite3.connect(self.path) as connection:
            return connection.execute(
                "SELECT COUNT(*) FROM whatnot_webhookevent WHERE event_id LIKE ?",
                (f"evt-{run}-%",),
            ).fetchone()[0]


class PostgresDatabase:
    name = "postgres"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        database = url.rsplit("/", 1)[1]
        server = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{database}"')

    def clear(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(
                "TRUNCATE whatnot_webhookevent, whatnot_webhookdeliverycounter"
            )

    def count_events(self, run: str) -> int:
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(
                "SELECT COUNT(*) FROM whatnot_webhookevent WHERE event_id LIKE %s",
                (f"evt-{run}-%",),
            ).fetchone()[0]


def clear_broker(broker_url: str) -> None:
    if broker_url.startswith("redis"):
        import redis

        redis.Redis.from_url(broker_url).delete("webhooks")
    elif broker_url.startswith("sqla+sqlite:///"):
        Path(broker_url.removeprefix("sqla+sqlite:///")).unlink(missing_ok=True)


def measure_webhooks(server: Gunicorn, database, args: argparse.Namespace) -> dict:
    """Warm up, then measure signed webhooks; each wrk run gets fresh ids."""
    url = server.url(WEBHOOK_PATH)
    warmup = uuid.uuid4().hex[:8]
    script = webhook_script(SECRET, SELLER, warmup, WEBHOOK_PATH)
    run_wrk(url, script, args, WARMUP_SECONDS)
    run = uuid.uuid4().hex[:8]
    script = webhook_script(SECRET, SELLER, run, WEBHOOK_PATH)
    result = run_wrk(url, script, args, args.duration, server)
    return with_stored(result, database.count_events(run))


def measure(database, args: argparse.Namespace) -> dict:
    environment = server_env(database.url, args.broker_url)
    migrate(environment)
    if hasattr(database, "clear"):
        database.clear()
    clear_broker(args.broker_url)
    results = {}

    hello = Gunicorn("bench.hello_wsgi:application", args.workers, environment)
    try:
        hello.wait_until_serving("/")
        results["hello"] = measured(hello.url("/"), done_only_script(), args, hello)
    finally:
        hello.stop()

    server = Gunicorn("config.wsgi:application", args.workers, environment)
    try:
        server.wait_until_serving(WEBHOOK_PATH)
        url = server.url(WEBHOOK_PATH)
        results["django-405"] = measured(url, done_only_script(), args, server)
        results["webhooks"] = measure_webhooks(server, database, args)
    finally:
        server.stop()
        clear_broker(args.broker_url)

    if args.full_middleware:
        environment["DJANGO_SETTINGS_MODULE"] = "bench.settings_full_middleware"
        server = Gunicorn("config.wsgi:application", args.workers, environment)
        try:
            server.wait_until_serving(WEBHOOK_PATH)
            results["webhooks, all middleware"] = measure_webhooks(
                server, database, args
            )
        finally:
            server.stop()
            clear_broker(args.broker_url)
    return results


def print_report(name: str, results: dict) -> None:
    """Print one database's runs as a Markdown table.

    The last column divides the machine's CPUs by the CPU time that the
    server and wrk used per request: the rate the run would reach if it had
    every CPU to itself. For PostgreSQL it leaves out the database server's
    own CPU time, so it overstates that leg.
    """
    hello = results["hello"]["rate"]
    cpus = os.cpu_count() or 1
    print(f"\n{name}: {results['webhooks']['stored']} events stored")
    print(
        "| run | requests/s | p50 ms | p99 ms | errors | share of hello "
        "| server CPU ms/request | wrk CPU ms/request | CPU-bound rate/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, result in results.items():
        rate = result.get("stored_rate", result["rate"])
        errors = (
            result["connect_errors"]
            + result["read_errors"]
            + result["write_errors"]
            + result["timeouts"]
        )
        if label != "django-405":
            errors += result["status_errors"]
        cpu_ms = result["server_cpu_ms"] + result["wrk_cpu_ms"]
        print(
            f"| {label} | {rate:,.0f} | {result['p50_us'] / 1000:.1f} | "
            f"{result['p99_us'] / 1000:.1f} | {errors} | {rate / hello:.0%} | "
            f"{result['server_cpu_ms']:.2f} | {result['wrk_cpu_ms']:.2f} | "
            f"{cpus * 1000 / cpu_ms:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        nargs="+",
        choices=["sqlite", "postgres"],
        default=["sqlite", "postgres"],
        help="databases to measure, in order (default: both)",
    )
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/webhooks",
        help="PostgreSQL database for the postgres leg; created when missing",
    )
    parser.add_argument(
        "--broker-url",
        default="redis://127.0.0.1:6379/4",
        help="Celery broker the receiver queues tasks on (default: Redis db 4)",
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--full-middleware",
        action="store_true",
        help="also measure webhooks with every middleware (no fast path)",
    )
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    print(
        f"wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration:g}s per run; gunicorn {args.workers} sync workers; "
        f"broker {args.broker_url}; {os.cpu_count()} CPUs"
    )
    for name in args.database:
        database = (
            SqliteDatabase()
            if name == "sqlite"
            else PostgresDatabase(args.postgres_url)
        )
        print_report(name, measure(database, args))


if __name__ == "__main__":
    main()
