"""The analytics columns of the live database, read into DuckDB; and the columnar snapshot of them.

`connect_live` reads every relation the scoring needs (see `himaya.analytics.scoring`: ids,
codes, dates, wage summaries; nothing identifying) straight from the database into an in-memory
DuckDB. On PostgreSQL it uses the ADBC driver, which receives binary COPY output into Arrow
columns in C++ (no Python object per row), over two connections in parallel that share one
exported snapshot, so the relations are consistent with each other. Wages are read as the
per-worker summary the importer keeps (`WageMonths`), a twelfth of the wage rows.

`refresh` writes the same relations as Parquet files (replaced atomically); the importers
refresh the relations they changed after each committed batch, so the snapshot stays current.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection

from himaya.analytics.scoring import RELATIONS

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "employers": (
        "SELECT id, isic_section, size_band FROM prevention_employer",
        {"id": pa.int64(), "isic_section": pa.string(), "size_band": pa.string()},
    ),
    "worksites": (
        "SELECT id, employer_id FROM prevention_worksite",
        {"id": pa.int64(), "employer_id": pa.int64()},
    ),
    "workers": (
        "SELECT id, employer_id, worksite_id, nationality, start_date FROM prevention_worker",
        {
            "id": pa.int64(),
            "employer_id": pa.int64(),
            "worksite_id": pa.int64(),
            "nationality": pa.string(),
            "start_date": pa.date32(),
        },
    ),
    "wage_months": (
        "SELECT worker_id, employer_id, era, present, unpaid, late, under FROM prevention_wagemonths",
        {
            "worker_id": pa.int64(),
            "employer_id": pa.int64(),
            "era": pa.int16(),
            "present": pa.int64(),
            "unpaid": pa.int64(),
            "late": pa.int64(),
            "under": pa.int64(),
        },
    ),
    "complaints": (
        "SELECT employer_id, worker_id, type, filed_on FROM prevention_complaint",
        {"employer_id": pa.int64(), "worker_id": pa.int64(), "type": pa.string(), "filed_on": pa.date32()},
    ),
    "absconding": (
        "SELECT employer_id, worker_id, filed_on FROM prevention_abscondingreport",
        {"employer_id": pa.int64(), "worker_id": pa.int64(), "filed_on": pa.date32()},
    ),
    "transfers": (
        "SELECT from_employer_id, worker_id, transferred_on FROM prevention_permittransfer",
        {"from_employer_id": pa.int64(), "worker_id": pa.int64(), "transferred_on": pa.date32()},
    ),
    "inspections": (
        "SELECT employer_id, visited_on, violation_found FROM prevention_inspection "
        "WHERE status = 'completed' AND visited_on IS NOT NULL",
        {"employer_id": pa.int64(), "visited_on": pa.date32(), "violation_found": pa.bool_()},
    ),
}
# The two large relations go first, one per connection; the small ones follow.
LARGEST_FIRST = ("wage_months", "workers")


def snapshot_dir() -> Path:
    base = Path(getattr(settings, "HIMAYA_PREVENTION_DIR", settings.VAR_DIR / "prevention"))
    # One snapshot per database, so a demo and a benchmark database never read each other's.
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(connection.settings_dict.get("NAME") or "default"))[-60:]
    folder = base / "snapshot" / f"{connection.vendor}-{name}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


# OPTIONS that Django or psycopg read themselves; libpq refuses them in a connection string.
NOT_LIBPQ_OPTIONS = frozenset(
    {"server_side_binding", "prepare_threshold", "pool", "isolation_level", "assume_role", "cursor_factory"}
)


def conninfo() -> str:
    from psycopg.conninfo import make_conninfo

    params = connection.settings_dict
    options = {
        k: v
        for k, v in (params.get("OPTIONS") or {}).items()
        if isinstance(v, str | int) and k not in NOT_LIBPQ_OPTIONS
    }
    values = {
        "dbname": params.get("NAME") or "",
        "user": params.get("USER") or "",
        "password": params.get("PASSWORD") or "",
        "host": params.get("HOST") or "",
        "port": str(params.get("PORT") or ""),
        **{k: str(v) for k, v in options.items()},
    }
    return make_conninfo("", **{k: v for k, v in values.items() if v})


def use_adbc() -> bool:
    """Whether to read through ADBC connections of our own: on PostgreSQL, outside a transaction
    (inside one, only the Django connection sees what the transaction wrote)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _typed(table: pa.Table, schema: dict[str, Any]) -> pa.Table:
    return table.cast(pa.schema(list(schema.items())))


def read_live(relations: Iterable[str] = RELATIONS) -> dict[str, pa.Table]:
    """The relations, as Arrow tables, from one consistent view of the database."""
    given = list(relations)
    names = [n for n in LARGEST_FIRST if n in given] + [n for n in given if n not in LARGEST_FIRST]
    if not use_adbc():
        out = {}
        with connection.cursor() as cursor:
            for name in names:
                sql, schema = QUERIES[name]
                cursor.execute(sql)
                rows = cursor.fetchall()
                columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
                # SQLite hands dates over as text and booleans as integers: cast them.
                out[name] = pa.table(
                    {c: pa.array(list(v)).cast(t) for (c, t), v in zip(schema.items(), columns, strict=True)}
                )
        return out
    return _read_postgresql(names)


def _read_postgresql(names: list[str]) -> dict[str, pa.Table]:
    import adbc_driver_postgresql.dbapi as adbc

    info = conninfo()
    lanes = min(2, len(names))
    conns = [adbc.connect(info, autocommit=True) for _ in range(lanes)]
    try:
        cursors = [c.cursor() for c in conns]
        cursors[0].execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursors[0].execute("SELECT pg_export_snapshot()")  # the others see exactly what this one sees
        snapshot_id = cursors[0].fetchone()[0]  # type: ignore[index]
        for cur in cursors[1:]:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'")
        queues: list[list[str]] = [[] for _ in range(lanes)]
        for i, name in enumerate(names):
            queues[i % lanes].append(name)
        out: dict[str, pa.Table] = {}
        lock = threading.Lock()

        def lane(index: int) -> None:
            cur = cursors[index]
            for name in queues[index]:
                sql, schema = QUERIES[name]
                cur.execute(sql)
                table = _typed(cur.fetch_arrow_table(), schema)
                with lock:
                    out[name] = table

        with ThreadPoolExecutor(max_workers=lanes) as pool:
            for future in [pool.submit(lane, i) for i in range(lanes)]:
                future.result()
        for cur in cursors:
            cur.execute("COMMIT")
            cur.close()
        return out
    finally:
        for c in conns:
            c.close()


def fetch_arrow(sql: str) -> pa.Table:
    """One query's rows as an Arrow table, through ADBC (PostgreSQL only)."""
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(conninfo(), autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetch_arrow_table()


def connect_live(
    relations: Iterable[str] = RELATIONS, *, memory_limit: str = "1GB"
) -> tuple[duckdb.DuckDBPyConnection, dict[str, pa.Table]]:
    """An in-memory DuckDB with every relation read from the live database (see `read_live`)."""
    tables = read_live(relations)
    con = duckdb.connect(":memory:", config={"memory_limit": memory_limit})
    for name, table in tables.items():
        con.register(name, table)
    return con, tables


def refresh(relations: Iterable[str] = RELATIONS, directory: Path | None = None) -> Path:
    """Re-export `relations` from the database into `directory` (default: the snapshot folder).

    The snapshot's wage_months carries each worker's worksite (joined here, once, rather than at
    every rescore), so it is rewritten whenever workers or wages change.
    """
    folder = directory or snapshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set(relations)
    if wanted & {"workers", "wage_months"}:
        wanted |= {"workers", "wage_months"}
    tables = read_live([r for r in RELATIONS if r in wanted])
    con = duckdb.connect(":memory:")
    try:
        for name, table in tables.items():
            con.register(f"{name}_in", table)
        for name in tables:
            sql = f"SELECT * FROM {name}_in"  # noqa: S608 our relation names
            if name == "wage_months":
                sql = (
                    "SELECT g.*, w.worksite_id FROM wage_months_in g "
                    "LEFT JOIN workers_in w ON w.id = g.worker_id AND w.employer_id = g.employer_id"
                )
            partial = folder / f"{name}.parquet.partial"
            con.execute(f"COPY ({sql}) TO '{partial.as_posix()}' (FORMAT parquet)")
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
