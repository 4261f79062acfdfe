"""Benchmark the listing ingestion path against plain sqlite3 and sqlite-utils.

    .venv/bin/python bench/ingest_bench.py --lines 1000000 [--postgres URL]

Generates a Whatnot bulk export of --lines listing lines. Each line embeds its
product, so one line is one row. Each variant then runs in a fresh child
process on a fresh database, and the script reports wall time, CPU time and
the child's peak RSS. The variants:

- selvedge: research.ingest.ingest_file, the full path (parse, map, change
  detection, attribute extraction, one executemany upsert per batch through
  Django's connection), with its default worker processes: one per core
  parses, maps and extracts while the ingesting process writes
  (RESEARCH_INGEST_PROCESSES=0 keeps all of it in the ingesting process).
- selvedge re-ingest: the same file again into the filled database.
- selvedge without worker processes (in --only pair): the same path with
  processes=0, everything in the ingesting process.
- plain sqlite3: each line parsed with json.loads and its fields picked into
  the same table's columns by hand (price in cents to a decimal string, no
  attribute extraction, no change detection), upserted with the same
  statement through the sqlite3 module's executemany. This is the floor.
- sqlite3 same rows: the same rows (same mapping and extraction) upserted with
  the sqlite3 module's executemany, no Django connection, no change detection.
- sqlite3 without extraction: as above but the attribute columns left empty,
  to show what extraction costs.
- sqlite-utils insert: `sqlite-utils insert --nl` of the same file into a new
  table (no mapping, no extraction, no secondary indexes).
- ORM bulk_create: MarketListing.objects.bulk_create(update_conflicts=True)
  of the same rows in batches.

Time is measured inside the child from opening the file to the last commit,
so interpreter and Django start-up are left out. Peak RSS is the kernel's
figure for the child's largest process. Peak PSS is that of the child and its
worker processes together, sampled by this script every 0.25 s from outside,
so sampling costs the child nothing. Selvedge's CPU time includes its
workers'. With --postgres the selvedge, re-ingest
and ORM variants also run on that PostgreSQL database (its tables are dropped
and migrated first).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH_SIZE = 2000
# How often the parent samples the PSS of a child and its worker processes.
PSS_SAMPLE_SECONDS = 0.25

_BRANDS = [
    "Levi's",
    "Levis",
    "LEVI STRAUSS",
    "Vintage Levi's",
    "Wrangler",
    "Lee",
    "LVC",
    "Carhartt",
    "Diesel",
    "Big E Levi's",
    "Gap",
    "",
]
_LOTS = ["501", "501xx", "505", "517", "550", "560", "569", "646", "13MWZ", "", ""]
_SIZES = ["W32 L30", "32x30", "34 x 32", "36/34", "Size 33", "W 31", "30x32", ""]
_ERAS = ["90s", "1980s", "'70s", "Y2K", "made in USA", "orange tab", "redline", ""]
_WORDS = [
    "selvedge",
    "jeans",
    "denim",
    "faded",
    "distressed",
    "straight leg",
    "relaxed fit",
    "men's",
    "women's",
    "dark wash",
    "light wash",
    "single stitch",
    "button fly",
    "made in Mexico",
]


def generate(path: Path, lines: int, seed: int = 20261204) -> None:
    """Write `lines` Whatnot listing lines with embedded products."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, lines + 1):
            words = rng.sample(_WORDS, 2)
            title = " ".join(
                part
                for part in (
                    rng.choice(_ERAS),
                    rng.choice(_BRANDS),
                    rng.choice(_LOTS),
                    words[0],
                    rng.choice(_SIZES),
                    words[1],
                )
                if part
            )
            line = {
                "__typename": "BuyItNowListing",
                "id": f"TGlzdGluZzo{number:08d}",
                "title": title,
                "description": "",
                "status": rng.choice(["ACTIVE", "ACTIVE", "SOLD"]),
                "published": True,
                "url": f"https://www.whatnot.com/listing/{number}",
                "createdAt": "2026-01-01T10:00:00Z",
                "updatedAt": f"2026-02-{rng.randint(1, 28):02d}T10:00:00Z",
                "inventoryLevel": {"quantity": 1},
                "price": {"amount": rng.randint(500, 50000), "currency": "USD"},
                "productVariant": {
                    "id": f"UHJvZHVjdFZhcmlhbnQ6{number:08d}",
                    "sku": f"SKU-{number}",
                    "product": {"id": f"UHJvZHVjdDo{number:08d}", "title": title},
                },
            }
            out.write(json.dumps(line, separators=(",", ":")))
            out.write("\n")


# --- children -------------------------------------------------------------


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_selvedge(path: str, database_url: str, processes: int | None = None) -> dict:
    import resource

    _setup_django(database_url)
    from research.ingest import get_importer, ingest_file

    workers_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = ingest_file(path, get_importer("whatnot-export"), processes=processes)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (workers.ru_utime - workers_before.ru_utime) + (
        workers.ru_stime - workers_before.ru_stime
    )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds + worker_cpu,
        "worker_cpu_seconds": worker_cpu,
        "counts": report.counts(),
    }


def family_pss_kb(pid: int) -> int:
    """Return the PSS of process `pid` and its descendants, in kB.

    PSS splits each page shared after a fork between the processes sharing
    it, so the sum is the memory the process tree uses as a whole.
    """
    total = 0
    pending = [str(pid)]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend((task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


def _mapped_rows(path: str, extract: bool):
    """Yield the parameter tuples the writer would send, without Django I/O."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.utils import timezone

    from research.attributes import ATTRIBUTE_COLUMNS, extract_for_fields
    from research.extraction import EXTRACTOR_VERSION
    from research.ingest.importers import ImportContext, get_importer
    from research.ingest.readers import JsonlReader, SourceRecord
    from research.ingest.workers import extraction_input

    importer = get_importer("whatnot-export")
    context = ImportContext(observed_at=timezone.now())
    adapt_time = connection.ops.adapt_datetimefield_value
    now = adapt_time(timezone.now())
    empty_attributes = ("",) * 4 + (None, None) + ("", None, None) + ("",) * 4
    assert len(empty_attributes) == len(ATTRIBUTE_COLUMNS)
    with open(path, "rb") as stream:
        for record in JsonlReader(stream):
            if not isinstance(record, SourceRecord):
                continue
            data = dict(record.data)
            data["__ancestors"] = []
            row = importer.map_record(data, context)
            attributes = (
                extract_for_fields(*extraction_input(row))
                if extract
                else empty_attributes
            )
            yield (
                importer.platform,
                row.external_id,
                None,
                None,
                row.title,
                row.description,
                row.url,
                row.listing_kind,
                row.status,
                row.brand_raw,
                row.size_raw,
                row.condition_raw,
                str(row.price) if row.price is not None else None,
                row.currency,
                row.sold,
                None,
                adapt_time(row.listed_at),
                adapt_time(row.sold_at),
                adapt_time(row.source_updated_at),
                json.dumps(row.extra, cls=DjangoJSONEncoder),
                *attributes,
                EXTRACTOR_VERSION,
                "",
                now,
                now,
            )


def _raw_rows(path: str):
    """Yield parameter tuples picked straight from each parsed line."""
    from research.attributes import ATTRIBUTE_COLUMNS

    empty_attributes = ("",) * 4 + (None, None) + ("", None, None) + ("",) * 4
    assert len(empty_attributes) == len(ATTRIBUTE_COLUMNS)
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    with open(path, "rb") as stream:
        for line in stream:
            data = json.loads(line)
            price = data["price"]
            product = data["productVariant"]["product"]
            yield (
                "whatnot",
                data["id"],
                None,
                None,
                data["title"],
                data["description"],
                data["url"],
                "BUY_IT_NOW",
                data["status"],
                "",
                "",
                "",
                f"{price['amount'] / 100:.2f}",
                price["currency"],
                data["status"] == "SOLD",
                None,
                data["createdAt"].replace("T", " ").rstrip("Z"),
                None,
                data["updatedAt"].replace("T", " ").rstrip("Z"),
                json.dumps({"product_id": product["id"]}),
                *empty_attributes,
                0,
                "",
                now,
                now,
            )


def child_sqlite3_raw(path: str, database_url: str) -> dict:
    return _sqlite3_upsert(database_url, _raw_rows(path))


def child_sqlite3(path: str, database_url: str, extract: bool) -> dict:
    return _sqlite3_upsert(database_url, _mapped_rows(path, extract))


def _sqlite3_upsert(database_url: str, rows_to_write) -> dict:
    """Upsert the rows of a generator through the sqlite3 module in batches.

    The generator has not started yet, so its reading and mapping fall inside
    the timed part.
    """
    import sqlite3

    _setup_django("sqlite:///:memory:")
    from research.ingest.writer import upsert_sql

    sql = upsert_sql().replace("%s", "?")
    database = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    database.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    batch: list[tuple] = []
    rows = 0
    for params in rows_to_write:
        batch.append(params)
        if len(batch) >= BATCH_SIZE:
            with database:
                database.executemany(sql, batch)
            rows += len(batch)
            batch = []
    if batch:
        with database:
            database.executemany(sql, batch)
        rows += len(batch)
    database.close()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "counts": {"rows": rows},
    }


def child_orm(path: str, database_url: str) -> dict:
    _setup_django(database_url)
    from django.db import transaction

    from research.ingest.writer import INSERT_COLUMNS
    from research.models import MarketListing

    foreign_keys = {"dataset_id": "dataset", "seller_id": "seller"}
    fields = [foreign_keys.get(column, column) for column in INSERT_COLUMNS]
    update_fields = [
        field
        for field in fields
        if field not in ("platform", "external_id", "created_at")
    ]
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    batch: list[MarketListing] = []

    def write() -> None:
        with transaction.atomic():
            MarketListing.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["platform", "external_id"],
                update_fields=update_fields,
            )

    for params in _mapped_rows(path, extract=True):
        values = dict(zip(INSERT_COLUMNS, params, strict=True))
        values["extra"] = json.loads(values["extra"])
        for column in (
            "listed_at",
            "sold_at",
            "source_updated_at",
            "created_at",
            "updated_at",
        ):
            values[column] = _aware(values[column])
        batch.append(MarketListing(**values))
        if len(batch) >= BATCH_SIZE:
            write()
            rows += len(batch)
            batch = []
    if batch:
        write()
        rows += len(batch)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "counts": {"rows": rows},
    }


def _aware(value):
    from datetime import UTC, datetime

    if value is None or not isinstance(value, str):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def run_child(args: argparse.Namespace) -> None:
    if args.variant in ("selvedge", "selvedge-reingest"):
        result = child_selvedge(args.file, args.database)
    elif args.variant == "selvedge-one-process":
        result = child_selvedge(args.file, args.database, processes=0)
    elif args.variant == "sqlite3-raw":
        result = child_sqlite3_raw(args.file, args.database)
    elif args.variant == "sqlite3-same-rows":
        result = child_sqlite3(args.file, args.database, extract=True)
    elif args.variant == "sqlite3-no-extraction":
        result = child_sqlite3(args.file, args.database, extract=False)
    elif args.variant == "orm-bulk-create":
        result = child_orm(args.file, args.database)
    else:
        raise SystemExit(f"unknown variant {args.variant!r}")
    print(json.dumps(result))


# --- parent ---------------------------------------------------------------


def measure(command: list[str], env: dict) -> tuple[float, int, dict]:
    """Run a child; return (wall seconds, peak RSS in MB, its JSON result).

    A child that prints no JSON (sqlite-utils) is timed from outside, and its
    CPU time is the user and system time the kernel reports for it.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    peak_pss_kb = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss_kb
        while not done.wait(PSS_SAMPLE_SECONDS):
            peak_pss_kb = max(peak_pss_kb, family_pss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read().decode()
    done.set()
    sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with exit code {process.returncode}")
    lines = [line for line in output.splitlines() if line.startswith("{")]
    result = (
        json.loads(lines[-1])
        if lines
        else {"seconds": elapsed, "cpu_seconds": usage.ru_utime + usage.ru_stime}
    )
    result["peak_pss_mb"] = peak_pss_kb // 1024
    return result["seconds"], usage.ru_maxrss // 1024, result


def child_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="False",
        SELVEDGE_NO_BOOTSTRAP="1",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        env=child_env(database_url),
        cwd=ROOT,
        check=True,
    )


def reset_postgres(database_url: str) -> None:
    """Migrate the PostgreSQL database and empty the market listings table."""
    import psycopg

    migrate(database_url)
    with psycopg.connect(database_url) as connection:
        connection.execute("TRUNCATE research_marketlisting RESTART IDENTITY CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workdir", help="Directory for the file and databases.")
    parser.add_argument("--postgres", help="A PostgreSQL URL to benchmark as well.")
    parser.add_argument(
        "--skip-orm", action="store_true", help="Leave out bulk_create."
    )
    parser.add_argument(
        "--reuse-file",
        action="store_true",
        help="Use listings.jsonl already in --workdir instead of generating it.",
    )
    parser.add_argument(
        "--only",
        choices=["pair", "postgres"],
        help="pair: only plain sqlite3, the same rows through sqlite3, "
        "selvedge (first ingest, re-ingest) and selvedge without worker "
        "processes, in that order, to compare them again on a quieter machine. "
        "postgres: plain sqlite3, then selvedge on the --postgres database "
        "(first ingest, re-ingest).",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="selvedge-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    export = workdir / "listings.jsonl"
    if not (args.reuse_file and export.exists()):
        started = time.perf_counter()
        generate(export, args.lines)
        print(
            f"generated {args.lines} lines, {export.stat().st_size / 1e6:.0f} MB, "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    template = workdir / "template.sqlite3"
    template.unlink(missing_ok=True)
    migrate(f"sqlite:///{template}")
    results = []

    def record(label: str, seconds: float, rss_mb: int, result: dict) -> None:
        cpu = result.get("cpu_seconds", 0.0)
        pss = result.get("peak_pss_mb")
        results.append((label, seconds, cpu, rss_mb, pss))
        workers = result.get("worker_cpu_seconds")
        print(
            f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU"
            + (f" ({workers:.1f} s in worker processes)" if workers else "")
            + f", peak RSS {rss_mb} MB"
            + (f", peak PSS of all its processes {pss} MB" if pss else "")
            + f", {result.get('counts')}",
            flush=True,
        )

    def fresh_sqlite(name: str) -> str:
        database = workdir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, database)
        return f"sqlite:///{database}"

    def run(label: str, variant: str, database_url: str) -> None:
        command = [
            sys.executable,
            __file__,
            "--child",
            "--variant",
            variant,
            "--file",
            str(export),
            "--database",
            database_url,
        ]
        seconds, rss_mb, result = measure(command, child_env(database_url))
        record(label, seconds, rss_mb, result)

    if args.only == "postgres":
        if not args.postgres:
            raise SystemExit("--only postgres needs --postgres URL")
        run("plain sqlite3", "sqlite3-raw", fresh_sqlite("sqlite3-plain"))
        reset_postgres(args.postgres)
        run("selvedge (PostgreSQL)", "selvedge", args.postgres)
        run(
            "selvedge re-ingest, unchanged (PostgreSQL)",
            "selvedge-reingest",
            args.postgres,
        )
        print_table(results)
        return
    if args.only == "pair":
        run("plain sqlite3", "sqlite3-raw", fresh_sqlite("sqlite3-plain"))
        run("plain sqlite3, same rows", "sqlite3-same-rows", fresh_sqlite("sqlite3"))
        selvedge_db = fresh_sqlite("selvedge")
        run("selvedge (SQLite)", "selvedge", selvedge_db)
        run("selvedge re-ingest, unchanged (SQLite)", "selvedge-reingest", selvedge_db)
        run(
            "selvedge without worker processes (SQLite)",
            "selvedge-one-process",
            fresh_sqlite("selvedge-one-process"),
        )
        print_table(results)
        return
    run("plain sqlite3", "sqlite3-raw", fresh_sqlite("sqlite3-plain"))
    selvedge_db = fresh_sqlite("selvedge")
    run("selvedge (SQLite)", "selvedge", selvedge_db)
    run("selvedge re-ingest, unchanged (SQLite)", "selvedge-reingest", selvedge_db)
    run("plain sqlite3, same rows", "sqlite3-same-rows", fresh_sqlite("sqlite3"))
    run(
        "plain sqlite3, no extraction",
        "sqlite3-no-extraction",
        fresh_sqlite("sqlite3-raw"),
    )
    utils_db = workdir / "sqlite-utils.sqlite3"
    utils_db.unlink(missing_ok=True)
    utils = shutil.which("sqlite-utils") or str(
        Path(sys.executable).parent / "sqlite-utils"
    )
    seconds, rss_mb, result = measure(
        [utils, "insert", str(utils_db), "listings", str(export), "--nl", "--pk", "id"],
        child_env(""),
    )
    record("sqlite-utils insert --nl", seconds, rss_mb, result)
    if not args.skip_orm:
        run(
            "ORM bulk_create(update_conflicts=True) (SQLite)",
            "orm-bulk-create",
            fresh_sqlite("orm"),
        )
    if args.postgres:
        reset_postgres(args.postgres)
        run("selvedge (PostgreSQL)", "selvedge", args.postgres)
        run(
            "selvedge re-ingest, unchanged (PostgreSQL)",
            "selvedge-reingest",
            args.postgres,
        )
        if not args.skip_orm:
            reset_postgres(args.postgres)
            run(
                "ORM bulk_create(update_conflicts=True) (PostgreSQL)",
                "orm-bulk-create",
                args.postgres,
            )
    print_table(results)


def print_table(results: list[tuple]) -> None:
    print()
    print("| Variant | Wall time (s) | CPU time (s) | Peak RSS (MB) | Peak PSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, seconds, cpu, rss_mb, pss in results:
        print(f"| {label} | {seconds:.1f} | {cpu:.1f} | {rss_mb} | {pss or ''} |")


if __name__ == "__main__":
    main()
