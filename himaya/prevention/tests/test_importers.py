# ruff: noqa: S608  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""Importers: every rejected row reported, all or nothing, idempotent, crash-consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from himaya.prevention import importers, services
from himaya.prevention.models import Employer, ImportBatch, RunStatus, WagePayment, Worker
from himaya.prevention.tests.conftest import write

EMPLOYERS = (
    "cr_number,name,isic_section,size_band,registered_on\n100001-1,Alpha,F,small,2020-01-01\n100002-1,Beta,T,micro,\n"
)
WORKERS = (
    "permit_number,full_name,nationality,occupation,cr_number,site_code,licence_number,start_date,contract_wage\n"
    "WP00000001,Ravi Kumar,IN,7112,100001-1,,,2024-01-05,150.000\n"
    "WP00000002,Maria Santos,PH,9111,100002-1,,,2024-03-01,140.5\n"
)


def run(source: str, path: Path) -> ImportBatch:
    batch = services.import_batch_create(actor=None, source=source, file_name=path.name, path=path)
    return services.import_batch_execute(batch.pk)


@pytest.fixture
def employers(db, tmp_path):
    assert run("employers", write(tmp_path / "employers.csv", EMPLOYERS)).status == RunStatus.DONE


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        ("employers", "cr_number,name,isic_section,size_band\nABC,X,F,small\n", [(2, "cr_number", "format")]),
        ("employers", "cr_number,name,isic_section,size_band\n100009-1,X,Z,small\n", [(2, "isic_section", "choice")]),
        ("employers", "cr_number,name,isic_section,size_band\n100009-1,X,F,\n", [(2, "size_band", "required")]),
        ("employers", "cr_number,name,isic_section\n100009-1,X,F\n", [(1, "size_band", "missing_column")]),
        (
            "employers",
            "cr_number,name,isic_section,size_band\n100009-1,X,F,small\n100009-1,Y,F,small\n",
            [(2, "cr_number", "duplicate"), (3, "cr_number", "duplicate")],
        ),
        (
            "workers",
            "permit_number,nationality,occupation,cr_number,start_date,contract_wage\n"
            "WP1,IN,7112,100001-1,2024-01-01,100\n",
            [(2, "permit_number", "format")],
        ),
        (
            "workers",
            "permit_number,nationality,occupation,cr_number,start_date,contract_wage\n"
            "WP00000009,XX,7112,999999-1,2024-13-01,-5\n",
            [
                (2, "contract_wage", "amount"),
                (2, "cr_number", "unknown_employer"),
                (2, "nationality", "country"),
                (2, "start_date", "date"),
            ],
        ),
        (
            "wages",
            "permit_number,cr_number,month,expected,paid,paid_on\nWP00000404,100001-1,2026-1,200,abc,2026-02-05\n",
            [(2, "month", "month"), (2, "paid", "amount"), (2, "permit_number", "unknown_worker")],
        ),
        (
            "complaints",
            "reference,permit_number,cr_number,type,filed_on\nC1,,100001-1,gossip,2099-01-01\n",
            [(2, "filed_on", "future"), (2, "type", "choice")],
        ),
        (
            "inspections",
            "reference,cr_number,visited_on,violation_found,indicators,outcome\nH1,100001-1,2026-01-01,maybe,FL07;FL99,\n",
            [(2, "indicators", "indicator"), (2, "violation_found", "boolean")],
        ),
    ],
)
def test_it_rejects_bad_rows_with_line_field_and_reason_and_writes_nothing(
    employers, tmp_path, source, text, expected
) -> None:
    before = (Employer.objects.count(), Worker.objects.count(), WagePayment.objects.count())
    batch = run(source, write(tmp_path / f"{source}.csv", text))
    assert batch.status == RunStatus.REJECTED
    assert [(r["line"], r["field"], r["code"]) for r in batch.rejections] == expected
    assert (Employer.objects.count(), Worker.objects.count(), WagePayment.objects.count()) == before


def test_one_bad_row_rejects_the_whole_batch(employers, tmp_path) -> None:
    bad = WORKERS + "WP00000003,Joy Reyes,PH,9111,100003-1,,,2024-03-01,140\n"
    batch = run("workers", write(tmp_path / "workers.csv", bad))
    assert [(r["line"], r["code"]) for r in batch.rejections] == [(4, "unknown_employer")]
    assert Worker.objects.count() == 0


def test_reimporting_a_file_updates_rows_and_creates_no_duplicates(employers, tmp_path) -> None:
    path = write(tmp_path / "workers.csv", WORKERS)
    assert run("workers", path).written_rows == 2
    write(path, WORKERS.replace("150.000", "175.250"))
    second = run("workers", path)
    assert second.status == RunStatus.DONE
    assert Worker.objects.count() == 2
    ravi = Worker.objects.get(employer__cr_number="100001-1")
    assert str(ravi.contract_wage) == "175.250"
    assert ravi.permit_number == "WP00000001" and ravi.full_name == "Ravi Kumar"  # decrypts
    assert ravi.batch_id == second.pk
    wages = "permit_number,cr_number,month,expected,paid,paid_on\nWP00000001,100001-1,2026-01,150,150,2026-02-03\n"
    wages_path = write(tmp_path / "wages.csv", wages)
    run("wages", wages_path)
    run("wages", wages_path)
    assert WagePayment.objects.count() == 1


def test_personal_values_are_not_stored_in_clear(employers, tmp_path) -> None:
    from django.db import connection

    run("workers", write(tmp_path / "workers.csv", WORKERS))
    with connection.cursor() as cursor:
        cursor.execute("SELECT permit_number, full_name FROM prevention_worker")
        stored = cursor.fetchall()
    assert all("WP0000000" not in permit and "Ravi" not in name for permit, name in stored)


def test_parquet_files_import_like_csv(employers, tmp_path) -> None:
    import duckdb

    csv_path = write(tmp_path / "w.csv", WORKERS)
    parquet = tmp_path / "workers.parquet"
    duckdb.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{parquet}' (FORMAT parquet)")
    assert run("workers", parquet).written_rows == 2


# The progress bar's label of the write phase, in either language the command may speak.
WRITING = (b"Writing", "الكتابة".encode())


class Scratch:
    """A database of its own for the killed process: SQLite in a file, or (when the suite runs on
    PostgreSQL) a scratch PostgreSQL database created and dropped here."""

    def __init__(self, tmp_path: Path) -> None:
        from django.db import connection

        self.vendor = connection.vendor
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update(
            {
                "HIMAYA_KEYRING_FILE": str(settings.HIMAYA_KEYRING_FILE),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.vendor == "postgresql":
            params = connection.settings_dict
            self.name = f"{params['NAME']}_killed"[:60]
            auth = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
            self.server = f"postgresql://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
            self.env["DATABASE_URL"] = f"{self.server}/{self.name}"
        else:
            self.path = tmp_path / "killed.sqlite3"
            self.env["SQLITE_PATH"] = str(self.path)

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)

    def one(self, sql: str) -> Any:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(f"{self.server}/{self.name}") as db:
                return db.execute(sql).fetchone()[0]  # type: ignore[index]
        import sqlite3

        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchone()[0]

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def test_a_killed_import_leaves_nothing_of_its_batch(tmp_path) -> None:
    """Kill the importer while it writes a large batch; the database has no row of that batch."""
    scratch = Scratch(tmp_path)
    env = scratch.env
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)
        emp = write(tmp_path / "employers.csv", "cr_number,name,isic_section,size_band\n100001-1,Alpha,F,large\n")
        subprocess.run(
            [*manage, "prevention_import", "employers", str(emp)], env=env, check=True, timeout=120, capture_output=True
        )
        agencies = tmp_path / "agencies.csv"
        with open(agencies, "w", encoding="utf-8") as fh:
            fh.write("licence_number,name\n")
            for i in range(400_000):
                fh.write(f"RA{i:07d},Office {i}\n")
        process = subprocess.Popen(
            [*manage, "prevention_import", "agencies", str(agencies)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        seen = b""
        deadline = time.monotonic() + 120
        # Wait until the progress bar shows rows being written (inside the transaction), then kill.
        while time.monotonic() < deadline:
            chunk = process.stdout.read1(256)
            if not chunk:
                break
            seen += chunk
            marker = next((m for m in WRITING if m in seen), None)
            writing = marker and seen.split(marker)[-1]
            if writing and b"% 0/" not in writing[-40:] and b"%" in writing:
                break
        assert any(m in seen for m in WRITING), seen[-500:]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        batch_id = scratch.one("SELECT max(id) FROM prevention_importbatch WHERE source = 'agencies'")
        assert batch_id is not None
        assert scratch.one(f"SELECT count(*) FROM prevention_recruitmentagency WHERE batch_id = {int(batch_id)}") == 0
        assert scratch.one("SELECT count(*) FROM prevention_recruitmentagency") == 0
        assert scratch.one("SELECT count(*) FROM prevention_employer") == 1  # the earlier batch stays
    finally:
        scratch.drop()


@pytest.mark.parametrize("permit", ["WP00000001", "wp-0000 0001", "WP٠٠٠٠٠٠٠١", "Ｗ Ｐ 1", "AB\u200e12", ""])
def test_the_importers_permit_index_is_the_models(db, permit) -> None:
    from himaya.prevention.importers import permit_index

    assert permit_index(permit) == Worker._meta.get_field("permit_index").compute(permit)


def test_wage_references_are_read_under_a_lock_held_until_the_rows_are_written(
    employers, tmp_path, monkeypatch
) -> None:
    """Wage rows have no foreign keys: the workers and employers they name cannot be deleted
    between the check that found them and the commit, because the import's transaction locks
    those tables before it reads their keys."""
    from django.db import connection

    run("workers", write(tmp_path / "workers.csv", WORKERS))
    seen: list[Any] = []
    fetch = importers._fetch_maps

    def watched(*args: Any, **kwargs: Any) -> Any:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE l.pid = pg_backend_pid() AND l.mode = 'ShareLock' AND l.granted ORDER BY 1"
                )
                seen.append([r[0] for r in cursor.fetchall()])
        else:  # SQLite: one transaction, whose reads and writes no other writer can come between
            seen.append(connection.in_atomic_block)
        return fetch(*args, **kwargs)

    monkeypatch.setattr(importers, "_fetch_maps", watched)
    wages = "permit_number,cr_number,month,expected,paid,paid_on\nWP00000001,100001-1,2026-01,150,150,2026-02-03\n"
    assert run("wages", write(tmp_path / "wages.csv", wages)).status == RunStatus.DONE
    if connection.vendor == "postgresql":
        assert seen == [["prevention_employer", "prevention_worker"]]
    else:
        assert seen == [True]


WAGES_HEAD = "permit_number,cr_number,month,expected,paid,paid_on\n"
WAGE_ROW = "WP00000001,100001-1,2026-01,150,150,2026-02-03\n"


@pytest.mark.parametrize(
    ("earlier", "text", "expected"),
    [
        ("", WAGE_ROW + WAGE_ROW, [(2, "permit_number", "duplicate"), (3, "permit_number", "duplicate")]),
        (  # the table already holds months: the file's repeated key is still reported, not upserted
            "WP00000002,100002-1,2025-12,140,140,2026-01-02\n",
            WAGE_ROW + "WP00000002,100002-1,2026-01,140,140,2026-02-02\n" + WAGE_ROW,
            [(2, "permit_number", "duplicate"), (4, "permit_number", "duplicate")],
        ),
        ("", "WP00000001,100001-1,2026-01,12345678,150,2026-02-03\n", [(2, "expected", "amount")]),
        ("", WAGE_ROW + "WP00000002,100002-1,2026-01,140,140,2026-02-31\n", [(3, "paid_on", "date")]),
        ("", WAGE_ROW + "WP00000002,100002-1,2026-01,140,,2026-02-02\n", [(3, "paid", "required")]),
        (
            "WP00000002,100002-1,2025-12,140,140,2026-01-02\n",
            "WP00000002,100002-1,2025-12,140,9.9999,2026-01-02\n",
            [(2, "paid", "amount")],
        ),
    ],
)
def test_bad_wage_files_are_reported_line_by_line_and_change_nothing(
    employers, tmp_path, earlier, text, expected
) -> None:
    """Wage rows are written while they are checked (PostgreSQL): a bad file is still refused
    whole, with every bad line named, whether the table was empty or not."""
    run("workers", write(tmp_path / "workers.csv", WORKERS))
    if earlier:
        assert run("wages", write(tmp_path / "earlier.csv", WAGES_HEAD + earlier)).status == RunStatus.DONE
    before = (sorted(WagePayment.objects.values_list("worker_id", "month", "paid")), _wage_months())
    batch = run("wages", write(tmp_path / "wages.csv", WAGES_HEAD + text))
    assert batch.status == RunStatus.REJECTED
    assert [(r["line"], r["field"], r["code"]) for r in batch.rejections] == expected
    assert (sorted(WagePayment.objects.values_list("worker_id", "month", "paid")), _wage_months()) == before


def _wage_months() -> dict[tuple[int, int], tuple[int, int, int]]:
    from himaya.prevention.models import WageMonths

    return {
        (m.worker_id, m.employer_id): (bin(m.present).count("1"), bin(m.unpaid).count("1"), bin(m.late).count("1"))
        for m in WageMonths.objects.all()
    }


def test_the_wage_summary_follows_first_loads_new_months_and_reimports(employers, tmp_path) -> None:
    """First load (empty table), a file of a new month, then a corrected file: the summary is exact."""
    from django.db import connection

    assert run("workers", write(tmp_path / "workers.csv", WORKERS)).status == RunStatus.DONE
    head = "permit_number,cr_number,month,expected,paid,paid_on\n"
    first = (
        "WP00000001,100001-1,2026-01,150,150,2026-02-03\n"
        "WP00000001,100001-1,2026-02,150,0,\n"
        "WP00000002,100002-1,2026-01,140,140,2026-03-30\n"
    )
    assert run("wages", write(tmp_path / "w1.csv", head + first)).status == RunStatus.DONE
    ravi, maria = (Worker.objects.get(permit_index=importers.permit_index(p)).pk for p in ("WP00000001", "WP00000002"))
    alpha, beta = (Employer.objects.get(cr_number=c).pk for c in ("100001-1", "100002-1"))
    assert _wage_months() == {(ravi, alpha): (2, 1, 0), (maria, beta): (1, 0, 1)}
    # A new month: appended; the summary's bits are added.
    march = "WP00000001,100001-1,2026-03,150,0,\n"
    assert run("wages", write(tmp_path / "w2.csv", head + march)).status == RunStatus.DONE
    assert _wage_months()[(ravi, alpha)] == (3, 2, 0)
    # The first file again, with February now paid: rows updated, the summary rebuilt.
    corrected = first.replace("2026-02,150,0,", "2026-02,150,150,2026-03-02")
    assert run("wages", write(tmp_path / "w3.csv", head + corrected)).status == RunStatus.DONE
    assert WagePayment.objects.count() == 4
    assert _wage_months() == {(ravi, alpha): (3, 1, 0), (maria, beta): (1, 0, 1)}
    if connection.vendor == "postgresql":  # the first load put its key constraints back
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'prevention_wagepayment'::regclass "
                "AND contype IN ('p', 'u')"
            )
            assert cursor.fetchone()[0] == 1  # the (worker, month) primary key


def test_blind_indexes_computed_in_duckdb_are_the_models(employers, tmp_path) -> None:
    """The wage importer finds workers by permit through an HMAC computed in SQL: same as Python's."""
    import duckdb

    from himaya.prevention.importers import _hmac_sql

    con = duckdb.connect()
    for text in ("WP00000001", "AB12", "X"):
        sql = _hmac_sql(f"'document' || chr(0) || '{text}'")
        assert con.execute(f"SELECT {sql}").fetchone()[0] == importers.permit_index(text)


@pytest.mark.django_db(transaction=True)
def test_other_sessions_see_a_wage_imports_progress_while_its_transaction_runs(tmp_path) -> None:
    """The web page polls the batch row: the import's long transaction does not hide its progress."""
    import psycopg
    from django.db import connection

    from himaya.prevention import snapshot

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: its progress shows outside the write transaction only")
    assert run("employers", write(tmp_path / "employers.csv", EMPLOYERS)).status == RunStatus.DONE
    assert run("workers", write(tmp_path / "workers.csv", WORKERS)).status == RunStatus.DONE
    wages = write(tmp_path / "wages.csv", WAGES_HEAD + WAGE_ROW + "WP00000002,100002-1,2026-01,140,140,2026-02-02\n")
    batch = services.import_batch_create(actor=None, source="wages", file_name="wages.csv", path=wages)
    seen: list[tuple[str, bool, int, int]] = []

    def progress(phase: str, done: int, total: int) -> None:
        with psycopg.connect(snapshot.conninfo()) as other:
            stored = other.execute(
                "SELECT status, total_rows, processed_rows FROM prevention_importbatch WHERE id = %s", [batch.pk]
            ).fetchone()
        assert stored is not None
        seen.append((phase, connection.in_atomic_block, stored[1], stored[2]))

    assert services.import_batch_execute(batch.pk, progress=progress).status == RunStatus.DONE
    # Each phase's first report is stored as it happens (inside the transaction): the next
    # report, through another session, sees it.
    assert ("writing", True, 2, 0) in seen, seen
    assert seen[-1][0] == "writing" and seen[-1][1]
    assert ImportBatch.objects.get(pk=batch.pk).processed_rows == 2


def test_a_parquet_wage_file_without_its_optional_column_imports(employers, tmp_path) -> None:
    """On PostgreSQL a Parquet wage file is read where it lies (not copied into DuckDB first):
    a left-out optional column is still blank, and a bad line still reported by its number."""
    import duckdb

    run("workers", write(tmp_path / "workers.csv", WORKERS))
    rows = "permit_number,cr_number,month,expected,paid\nWP00000001,100001-1,2026-01,150,150\n"
    parquet = tmp_path / "wages.parquet"
    # Parquet has no header line: its second row is line 2.
    for text, expected in ((rows + "WP00000002,100002-1,2026-13,140,140\n", [(2, "month", "month")]), (rows, [])):
        source = write(tmp_path / "wages.csv", text)
        duckdb.execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
        batch = run("wages", parquet)
        assert [(r["line"], r["field"], r["code"]) for r in batch.rejections] == expected
    assert batch.status == RunStatus.DONE
    assert list(WagePayment.objects.values_list("paid", "paid_on")) == [(Decimal("150.000"), None)]
