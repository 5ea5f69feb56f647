# ruff: noqa: S608, E501  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""`himaya bench prevention [--scale national]`: the figures of issue 5, printed.

On an empty database (use a scratch one): generates the world, imports every source through the
importers (rows/s), loads the same wage file with a raw COPY into a bare table (PostgreSQL; the
yardstick), rescores from the live data and from the columnar snapshot, scans the wage rows with
DuckDB (the raw aggregate yardstick), and measures the ranking against the planted truth and
against a random ranking. Ends with `rescore: N s, hit rate@2%: H`. The wage import and each raw
COPY start on a settled database (vacuumed, checkpointed), so that one load's aftermath does not
slow the next one down.
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from himaya.analytics import scoring, world
from himaya.prevention import services, snapshot
from himaya.prevention.management.commands.seed_prevention import ORDER
from himaya.prevention.models import Employer, ImportBatch, RunStatus


class Command(BaseCommand):
    help = "Benchmark prevention: import throughput, rescore time, hit rate at 2 % against the planted truth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(world.SCALES), default="national")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if Employer.objects.exists():
            raise CommandError("Run the benchmark on an empty (scratch) database.")
        out = self.stdout.write
        as_of = timezone.localdate().replace(day=1)
        with tempfile.TemporaryDirectory(prefix="himaya-bench-") as tmp:
            folder = Path(tmp)
            started = time.monotonic()
            counts = world.generate(folder, scale=world.SCALES[options["scale"]], as_of=as_of, seed=options["seed"])
            out(f"world ({options['scale']}): {counts} generated in {time.monotonic() - started:.1f} s")
            for source in ORDER:
                path = folder / f"{source}.parquet"
                if source == "wages":
                    self._settle()
                batch = services.import_batch_create(actor=None, source=source, file_name=path.name, path=path)
                batch = services.import_batch_execute(batch.pk)
                if batch.status != RunStatus.DONE:
                    raise CommandError(f"{source}: {batch.status} {batch.rejections[:3]}")
                out(
                    f"import {source}: {batch.written_rows} rows in {batch.seconds:.1f} s ({batch.written_rows / max(batch.seconds or 0, 1e-9):,.0f} rows/s)"
                )
            wages = ImportBatch.objects.filter(source="wages").latest("pk")
            importer_rate = wages.written_rows / (wages.seconds or 1e-9)
            if connection.vendor == "postgresql":
                for logged in (True, False):
                    self._settle()
                    raw_rate = self._raw_copy(folder / "wages.parquet", folder, logged=logged)
                    kind = "a bare logged table" if logged else "a temporary table (not WAL-logged)"
                    out(
                        f"raw COPY of the same wage file into {kind}: {raw_rate:,.0f} rows/s; importer at {importer_rate / raw_rate:.0%} of it"
                    )
            truth = duckdb.connect()
            cr_numbers = [
                c
                for (c,) in truth.execute(
                    f"SELECT cr_number FROM read_parquet('{(folder / 'truth' / 'planted.parquet').as_posix()}')"
                ).fetchall()
            ]
            truth.close()
            planted = set(Employer.objects.filter(cr_number__in=cr_numbers).values_list("id", flat=True))
            weights = scoring.load_weights()
            for attempt in (1, 2):
                started = time.monotonic()
                con, tables = snapshot.connect_live()
                read = time.monotonic() - started
                scored, sites = scoring.rescore(con, as_of=as_of, weights=weights)
                assert sites is not None
                live = time.monotonic() - started
                con.close()
                rows = sum(t.num_rows for t in tables.values())
                out(
                    f"rescore from live data, employers and worksites (run {attempt}): {live:.2f} s "
                    f"(reading {rows:,} rows of {len(tables)} relations: {read:.2f} s)"
                )
            folder_snapshot = snapshot.ensure()
            for attempt in (1, 2):
                started = time.monotonic()
                con = scoring.connect_snapshot(folder_snapshot)
                scoring.rescore(con, as_of=as_of, weights=weights, worksites=False)
                employers_only = time.monotonic() - started
                scoring.rescore(con, as_of=as_of, weights=weights)
                from_snapshot = time.monotonic() - started - employers_only
                con.close()
                out(
                    f"rescore from the columnar snapshot (run {attempt}): {from_snapshot:.2f} s "
                    f"(employers alone: {employers_only:.2f} s)"
                )
            started = time.monotonic()
            scan = duckdb.connect()
            scan.execute(
                f"SELECT cr_number, count(*), sum(expected::DOUBLE), sum(paid::DOUBLE), count(paid_on) "
                f"FROM read_parquet('{(folder / 'wages.parquet').as_posix()}') GROUP BY cr_number"
            ).fetchall()
            scan.close()
            raw_scan = time.monotonic() - started
            out(
                f"raw DuckDB aggregate scan of the same wage rows (the generated file): {raw_scan:.2f} s; snapshot rescore {from_snapshot / max(raw_scan, 1e-9):.1f}x, live rescore {live / max(raw_scan, 1e-9):.1f}x of it"
            )
            ranked = scored.column("employer_id").to_pylist()
            k = scoring.budget_size(len(ranked), 0.02)
            hit = scoring.hit_rate_at(ranked, planted, k)
            recall = scoring.recall_at(ranked, planted, k)
            shuffled = scoring.random_ranking(ranked, seed=1)
            out(
                f"budget 2 % = {k} employers of {len(ranked)}; planted {len(planted)}; worksites scored {sites.num_rows if sites is not None else 0}"
            )
            out(
                f"model: hit rate {hit:.3f}, recall {recall:.3f}; random: hit rate {scoring.hit_rate_at(shuffled, planted, k):.3f}, recall {scoring.recall_at(shuffled, planted, k):.3f}"
            )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            out(f"peak memory of this process (world generation and imports included): {peak:.0f} MB")
            live_alone, live_peak = self._rescore_alone("live", as_of)
            out(f"live rescore in a fresh process: {live_alone:.2f} s, peak memory (RSS) {live_peak:.0f} MB")
            snap_alone, snap_peak = self._rescore_alone("snapshot", as_of)
            out(f"snapshot rescore in a fresh process: {snap_alone:.2f} s, peak memory (RSS) {snap_peak:.0f} MB")
            out(f"rescore: {live:.2f} s, hit rate@2%: {hit:.3f}")

    def _rescore_alone(self, mode: str, as_of: dt.date) -> tuple[float, float]:
        """Rescore (employers and worksites) in a child process, to measure its own peak memory."""
        code = (
            "import datetime as dt, os, sys, time\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
            "import django\n"
            "django.setup()\n"
            "from himaya.analytics import scoring\n"
            "from himaya.prevention import snapshot\n"
            "t = time.monotonic()\n"
            "if sys.argv[1] == 'live':\n"
            "    con, _ = snapshot.connect_live()\n"
            "else:\n"
            "    con = scoring.connect_snapshot(snapshot.ensure())\n"
            "scoring.rescore(con, as_of=dt.date.fromisoformat(sys.argv[2]), weights=scoring.load_weights())\n"
            "seconds = time.monotonic() - t\n"
            "# VmHWM: this process's own peak RSS (ru_maxrss would carry the parent's over exec).\n"
            "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
            "print(seconds, int(hwm.split()[1]) / 1024)\n"
        )
        result = subprocess.run(  # noqa: S603 our own interpreter and code
            [sys.executable, "-c", code, mode, as_of.isoformat()],
            capture_output=True,
            text=True,
            check=True,
            cwd=str(Path(__file__).resolve().parents[4]),
        )
        seconds, peak = result.stdout.strip().split()[-2:]
        return float(seconds), float(peak)

    def _settle(self) -> None:
        """Before a timed load (the wage import, each raw COPY): the earlier loads' vacuum done, their
        pages written, so that neither autovacuum nor a checkpoint they left due runs during it."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("CHECKPOINT")

    def _raw_copy(self, parquet: Path, folder: Path, *, logged: bool) -> float:
        """rows/s of a plain COPY of the wage file as text into a bare table (no checks, no index)."""
        csv_path = folder / "wages-raw.csv"
        if not csv_path.exists():
            duckdb.execute(
                f"COPY (SELECT * FROM read_parquet('{parquet.as_posix()}')) TO '{csv_path.as_posix()}' (FORMAT csv, HEADER false)"
            )
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE {'' if logged else 'TEMPORARY '}TABLE bench_raw_wages (permit_number text, cr_number text, month text, expected numeric, paid numeric, paid_on text)"
            )
            rows = 0
            with (
                cursor.connection.cursor().copy("COPY bench_raw_wages FROM STDIN (FORMAT csv)") as copy,
                open(csv_path, "rb") as fh,
            ):
                while block := fh.read(1 << 20):
                    copy.write(block)
                    rows += block.count(b"\n")
            seconds = time.monotonic() - started
            cursor.execute("DROP TABLE bench_raw_wages")
        return rows / seconds
