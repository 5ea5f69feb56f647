"""`himaya bench audit`: how fast the audit chain verifies and appends, on a scratch database.

Never touches the real data: the measurements run in a child process whose only database is a
scratch one (a temporary SQLite file, or a PostgreSQL database created and dropped here).
The scratch log is built by bulk-inserting precomputed chained rows, not by N calls to
`audit_record`; the append figures then use `audit_record` itself.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
COLUMNS = (
    "seq, occurred_at, actor_id, actor_agency_id, action, object_type, object_id, owner_agency_id,"
    " request_id, fields, outcome, detail, prev_hash, hash"
)
ACTIONS = ["people.person.view", "people.person.list", "people.person.update", "auth.login", "break_glass.open"]
FIELDS = ["", "phone", "date_of_birth,document_number,given_name_latin", "family_name_latin,full_name_arabic"]


class Command(BaseCommand):
    help = "Benchmark audit verification and appends on a scratch database (never the real one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=1_000_000, help="Size of the scratch log (default 1M).")
        parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
        parser.add_argument(
            "--postgres-url",
            default="",
            help="Server to create the scratch database on (default: DATABASE_URL's server, else "
            f"{DEFAULT_POSTGRES_URL}).",
        )
        parser.add_argument("--appends", type=int, default=2_000, help="Single-writer appends to time.")
        parser.add_argument("--writers", type=int, default=4, help="Concurrent writer processes.")
        parser.add_argument("--seconds", type=float, default=5.0, help="How long the concurrent writers run.")
        parser.add_argument("--verify-runs", type=int, default=3, help="Verification runs (the best is reported).")
        parser.add_argument(
            "--verify-workers", type=int, default=os.cpu_count() or 1, help="Processes for the parallel verify run."
        )
        parser.add_argument("--worker", action="store_true", help="(internal) run inside the scratch database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["events"] < 1:
            raise CommandError("--events must be at least 1")
        if options["worker"]:
            self._work(options)
            return
        scratch = tempfile.mkdtemp(prefix="himaya-bench-")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HIMAYA_VAR_DIR": scratch,
            "HIMAYA_ENV": "demo",
            "SQLITE_PATH": os.path.join(scratch, "bench.sqlite3"),
            "DATABASE_URL": "",
        }
        dbname = ""
        server_url = ""
        try:
            if options["database"] == "postgresql":
                server_url = options["postgres_url"] or self._default_server()
                dbname = f"himaya_bench_{os.getpid()}"
                self._admin(server_url, f'CREATE DATABASE "{dbname}"')
                env["DATABASE_URL"] = _with_database(server_url, dbname)
            argv = [sys.executable, "-m", "django", "bench_audit", "--worker"]
            for name in ("events", "database", "appends", "writers", "seconds", "verify_runs", "verify_workers"):
                argv += [f"--{name.replace('_', '-')}", str(options[name])]
            code = subprocess.call(argv, env=env, cwd=str(settings.BASE_DIR))  # noqa: S603
            if code != 0:
                raise CommandError(f"benchmark worker failed (exit {code})")
        finally:
            if dbname:
                self._admin(server_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            shutil.rmtree(scratch, ignore_errors=True)

    # --- parent: scratch database ------------------------------------------------------------
    @staticmethod
    def _default_server() -> str:
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            return _with_database(url, "postgres")
        return DEFAULT_POSTGRES_URL

    @staticmethod
    def _admin(url: str, sql: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.encode())

    # --- worker: runs with the scratch database as its only database -------------------------
    def _work(self, options: dict[str, Any]) -> None:
        tag = f"[{connection.vendor}]"

        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        call_command("migrate", verbosity=0)
        n = options["events"]

        started = time.perf_counter()
        _bulk_build(n)
        say(f"{tag} build: {n:,} chained events bulk-inserted in {time.perf_counter() - started:.1f} s")

        from himaya.audit.verify import verify_chain

        runs = max(1, options["verify_runs"])
        for workers in sorted({1, options["verify_workers"]}):
            best = None
            for _ in range(runs):
                result = verify_chain(workers=workers)
                if not result.ok:
                    raise CommandError(f"scratch chain does not verify: {result.problem}")
                if best is None or result.seconds < best.seconds:
                    best = result
            assert best is not None
            say(
                f"{tag} verify ({workers} process{'es' if workers > 1 else ''}): {best.events_checked:,} events "
                f"in {best.seconds:.2f} s = {best.events_per_second:,.0f} events/s (best of {runs})"
            )

        from himaya.audit.services import audit_record

        latencies = []
        for i in range(options["appends"]):
            t0 = time.perf_counter()
            audit_record(actor=None, action="bench.append", object_type="people.person", object_id=str(i))
            latencies.append(time.perf_counter() - t0)
        say(
            f"{tag} append (1 writer, {len(latencies):,} events via audit_record): "
            f"p50 {_ms(latencies, 50)} ms, p95 {_ms(latencies, 95)} ms, "
            f"{len(latencies) / sum(latencies):,.0f} events/s"
        )

        writers = options["writers"]
        if writers > 0:
            connections.close_all()
            start_at = time.time() + 1.0
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(writers) as pool:
                runs = pool.starmap(_writer, [(w, start_at, options["seconds"]) for w in range(writers)])
            all_latencies = [x for run in runs for x in run]
            result = verify_chain()
            forks = _forks()
            say(
                f"{tag} concurrent ({writers} writer processes, {options['seconds']:g} s): "
                f"{len(all_latencies) / options['seconds']:,.0f} events/s, p50 {_ms(all_latencies, 50)} ms, "
                f"p95 {_ms(all_latencies, 95)} ms, forks found: {forks}, "
                f"verify afterwards: {'ok' if result.ok else result.problem} ({result.events_checked:,} events)"
            )
            if forks or not result.ok:
                raise CommandError("the chain forked under concurrent appends")


def _writer(number: int, start_at: float, seconds: float) -> list[float]:
    from himaya.audit.services import audit_record

    connections.close_all()
    time.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + seconds
    latencies = []
    i = 0
    while time.time() < deadline:
        t0 = time.perf_counter()
        audit_record(actor=None, action=f"bench.writer.{number}", object_id=str(i))
        latencies.append(time.perf_counter() - t0)
        i += 1
    connections.close_all()
    return latencies


def _forks() -> int:
    """Events that share a predecessor (a fork), plus events whose seq is taken twice or skipped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT prev_hash), max(seq) FROM audit_auditevent")
        total, distinct_prev, max_seq = cursor.fetchone()
    return (total - distinct_prev) + abs(max_seq - total)


def _ms(values: list[float], pct: int) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0] * 1000:.2f}"
    return f"{statistics.quantiles(values, n=100)[pct - 1] * 1000:.2f}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _rows(n: int) -> Iterator[tuple[Any, ...]]:
    """N chained events, hashed exactly as audit_record hashes them; occurred_at as microseconds."""
    from himaya.audit.services import GENESIS_HASH, canonical_bytes, event_hash

    prev = GENESIS_HASH
    start_us = int(time.time() * 1_000_000) - n * 997
    for seq in range(1, n + 1):
        occurred_us = start_us + seq * 997
        actor = seq % 97 + 1
        values: dict[str, Any] = {
            "seq": seq,
            "occurred_us": occurred_us,
            "actor_id": actor,
            "actor_agency_id": actor % 7 + 1,
            "action": ACTIONS[seq % len(ACTIONS)],
            "object_type": "people.person",
            "object_id": str(seq % 50_000),
            "owner_agency_id": seq % 5 + 1 if seq % 3 else None,
            "request_id": f"{seq:032x}",
            "fields": FIELDS[seq % len(FIELDS)],
            "outcome": "ok" if seq % 50 else "denied",
            "detail": f"ids:{seq},{seq + 1}" if seq % 4 == 0 else "",
            "prev_hash": prev,
        }
        digest = event_hash(canonical_bytes(**values), prev)
        yield (
            seq,
            occurred_us,
            values["actor_id"],
            values["actor_agency_id"],
            values["action"],
            values["object_type"],
            values["object_id"],
            values["owner_agency_id"],
            values["request_id"],
            values["fields"],
            values["outcome"],
            values["detail"],
            prev,
            digest,
        )
        prev = digest


_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _bulk_build(n: int) -> None:
    from himaya.audit.db import triggers_paused

    last: tuple[Any, ...] | None = None
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        sql = f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({', '.join('?' * 14)})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        raw.execute("BEGIN")
        for row in _rows(n):
            # Django's text form for SQLite: str() of the naive UTC datetime.
            when = str(_EPOCH_NAIVE + dt.timedelta(microseconds=row[1]))
            batch.append((row[0], when, *row[2:]))
            last = row
            if len(batch) >= 50_000:
                raw.executemany(sql, batch)
                batch.clear()
        if batch:
            raw.executemany(sql, batch)
        raw.execute("COMMIT")
    else:
        with raw.cursor() as cursor, cursor.copy(f"COPY audit_auditevent ({COLUMNS}) FROM STDIN") as copy:
            for row in _rows(n):
                copy.write_row((row[0], _EPOCH + dt.timedelta(microseconds=row[1]), *row[2:]))
                last = row
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditevent")
    assert last is not None
    with triggers_paused(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [last[0], last[13]])
