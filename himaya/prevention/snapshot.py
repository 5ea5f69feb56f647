# ruff: noqa: S608  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""The columnar snapshot the scoring reads: one Parquet file per relation (see analytics.scoring).

`refresh` exports the analytics columns (ids, codes, dates, amounts: nothing identifying) from the
database: on PostgreSQL with `COPY … TO STDOUT`, elsewhere through the cursor; DuckDB turns the
CSV into Parquet. Files are replaced atomically. The importers refresh the relations they
changed after each committed batch, so the snapshot stays current.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import connection, transaction

from himaya.analytics.scoring import RELATIONS

QUERIES: dict[str, tuple[str, dict[str, str]]] = {
    "employers": (
        "SELECT id, isic_section, size_band FROM prevention_employer",
        {"id": "BIGINT", "isic_section": "VARCHAR", "size_band": "VARCHAR"},
    ),
    "workers": (
        "SELECT id, employer_id, nationality, start_date FROM prevention_worker",
        {"id": "BIGINT", "employer_id": "BIGINT", "nationality": "VARCHAR", "start_date": "DATE"},
    ),
    "wages": (
        "SELECT worker_id, employer_id, month, expected, paid, paid_on FROM prevention_wagepayment",
        {
            "worker_id": "BIGINT",
            "employer_id": "BIGINT",
            "month": "DATE",
            "expected": "DOUBLE",
            "paid": "DOUBLE",
            "paid_on": "DATE",
        },
    ),
    "complaints": (
        "SELECT employer_id, type, filed_on FROM prevention_complaint",
        {"employer_id": "BIGINT", "type": "VARCHAR", "filed_on": "DATE"},
    ),
    "absconding": (
        "SELECT employer_id, filed_on FROM prevention_abscondingreport",
        {"employer_id": "BIGINT", "filed_on": "DATE"},
    ),
    "transfers": (
        "SELECT from_employer_id, transferred_on FROM prevention_permittransfer",
        {"from_employer_id": "BIGINT", "transferred_on": "DATE"},
    ),
    "inspections": (
        "SELECT employer_id, visited_on, violation_found FROM prevention_inspection "
        "WHERE status = 'completed' AND visited_on IS NOT NULL",
        {"employer_id": "BIGINT", "visited_on": "DATE", "violation_found": "BOOLEAN"},
    ),
}


def snapshot_dir() -> Path:
    base = Path(getattr(settings, "HIMAYA_PREVENTION_DIR", settings.VAR_DIR / "prevention"))
    # One snapshot per database, so a demo and a benchmark database never read each other's.
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(connection.settings_dict.get("NAME") or "default"))[-60:]
    folder = base / "snapshot" / f"{connection.vendor}-{name}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _export_csv(sql: str, columns: list[str], target: Path) -> None:
    if connection.vendor == "postgresql":
        # The server formats the CSV and sends it in large text chunks: COPY TO STDOUT would hand
        # Python one message per row, which costs more than the scoring itself at national scale.
        cells = ", ".join(f"coalesce({c}::text, '')" for c in columns)
        chunked = (
            f"SELECT string_agg(l, E'\\n') FROM (SELECT concat_ws(',', {cells}) AS l, "
            f"(row_number() OVER ()) / 50000 AS g FROM ({sql}) q) s GROUP BY g"
        )
        with (
            transaction.atomic(),
            open(target, "w", encoding="utf-8") as fh,
            connection.connection.cursor(name="himaya_snapshot") as cursor,  # type: ignore[union-attr]
        ):
            cursor.execute(chunked)
            while rows := cursor.fetchmany(8):
                for (text,) in rows:
                    if text:
                        fh.write(text)
                        fh.write("\n")
        return
    with connection.cursor() as cursor, open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        cursor.execute(sql)
        while rows := cursor.fetchmany(50_000):
            writer.writerows(rows)


def refresh(relations: Iterable[str] = RELATIONS, directory: Path | None = None) -> Path:
    """Re-export `relations` from the database into `directory` (default: the snapshot folder)."""
    folder = directory or snapshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    try:
        with tempfile.TemporaryDirectory(prefix="himaya-snapshot-") as tmp:
            for name in relations:
                sql, columns = QUERIES[name]
                raw = Path(tmp) / f"{name}.csv"
                _export_csv(sql, list(columns), raw)
                spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in columns.items()) + "}"
                partial = folder / f"{name}.parquet.partial"
                con.execute(
                    f"COPY (SELECT * FROM read_csv('{raw.as_posix()}', header = false, columns = {spec})) "
                    f"TO '{partial.as_posix()}' (FORMAT parquet)"
                )
                os.replace(partial, folder / f"{name}.parquet")
    finally:
        con.close()
    return folder


def ensure(directory: Path | None = None) -> Path:
    """The snapshot folder with every relation present (missing ones exported now)."""
    folder = directory or snapshot_dir()
    missing = [r for r in RELATIONS if not (folder / f"{r}.parquet").exists()]
    if missing:
        refresh(missing, folder)
    return folder
