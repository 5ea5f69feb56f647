# ruff: noqa: S608, E501  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""Importers for the regulator's sources, from CSV or Parquet (schema: docs/prevention-import.md).

One file is one batch, and a batch is all or nothing:

1. the file is read into DuckDB as text and every value is checked there (types, codes, references
   to employers, worksites, agencies and workers already in the database, duplicate keys); every
   rejected row is reported as (line, field, reason code, value) and nothing is written;
2. the accepted rows are prepared (identifying values encrypted, the permit number's blind index
   computed) into a temporary file, outside any database transaction; wage rows, which need no
   encryption, stay in DuckDB and are encoded as PostgreSQL binary COPY while they are sent;
3. they are written in ONE transaction: on PostgreSQL with COPY into a temporary table and one
   `INSERT … ON CONFLICT (natural key) DO UPDATE` (new wage months are copied straight into
   their table); on SQLite with batched upserts. A killed process never commits, so a killed
   import leaves nothing.

Wage rows refer to workers and employers without foreign keys (per-row triggers would cost more
than the COPY): that import's transaction starts before the checks, and locks those tables
against writes before their keys are read, so every reference it checked holds at commit.

Re-importing a file updates the rows it names (natural keys: CR number, site code, licence number,
permit number, permit number + month, reference) and creates no duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psycopg.copy import QueuedLibpqWriter

from himaya.analytics import scoring
from himaya.cases.models import IsicSection
from himaya.core import normalise
from himaya.core.crypto import get_keyring
from himaya.prevention import pgcopy, snapshot
from himaya.prevention.models import (
    ComplaintType,
    Employer,
    ForcedLabourIndicator,
    Governorate,
    Outcome,
    SizeBand,
    Worker,
    WorksiteKind,
)

Progress = Callable[[str, int, int], None]
MAX_STORED_REJECTIONS = 5000

REASONS = {
    "required": _("a value is required"),
    "too_long": _("the value is too long"),
    "format": _("the value does not have the expected format"),
    "choice": _("not one of the allowed codes"),
    "date": _("not a date (YYYY-MM-DD)"),
    "future": _("the date is in the future"),
    "month": _("not a month (YYYY-MM)"),
    "amount": _("not an amount (a non-negative number below 10,000,000 with up to 3 decimals)"),
    "boolean": _("not true or false"),
    "country": _("not an ISO 3166 two-letter country code"),
    "indicator": _("not a list of ILO forced-labour indicators FL01–FL11 separated by ';'"),
    "unknown_employer": _("no employer with this CR number (import employers first)"),
    "unknown_worker": _("no worker with this work permit number (import workers first)"),
    "unknown_site": _("no worksite with this code"),
    "unknown_agency": _("no recruitment agency with this licence number"),
    "site_employer": _("the worksite belongs to another employer"),
    # Batches refused before the referenced tables were locked for the whole import kept this code.
    "reference_gone": _("rows refer to workers or employers deleted during the import; import the file again"),
    "duplicate": _("the same key appears more than once in the file"),
    "missing_column": _("the file has no column with this name"),
    "unreadable": _("the file cannot be read as CSV or Parquet"),
    "empty": _("the file has no rows"),
}


class ImportRejected(Exception):
    def __init__(self, rejections: list[dict[str, Any]], total: int) -> None:
        super().__init__(f"{len(rejections)} rejected rows")
        self.rejections = rejections
        self.total = total


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # text, code, choice, date, month, amount, boolean, country, indicators, ref
    required: bool = True
    max_chars: int = 200
    pattern: str = ""
    choices: tuple[str, ...] = ()
    ref: str = ""  # employer, site, agency, worker


@dataclass(frozen=True)
class Spec:
    source: str
    table: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]  # natural key columns in the file (duplicates refused)
    select: str  # SQL over `raw` (+ maps) giving the target columns, in `target` order
    target: tuple[str, ...]
    conflict: tuple[str, ...]
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    conflict_where: str = ""
    relations: tuple[str, ...] = field(default=())
    # (column, referenced table) checked set-wise in the write transaction (no FK constraint).
    set_checks: tuple[tuple[str, str], ...] = ()


CR = r"[0-9]{4,10}(-[0-9]{1,3})?"
REF = r"[A-Za-z0-9-]{1,20}"
PERMIT = r"[A-Za-z0-9-]{4,20}"


def _countries() -> tuple[str, ...]:
    import pycountry

    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def _model_field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


def _prepare_employer(row: dict[str, Any]) -> dict[str, Any]:
    row["name"] = _model_field(Employer, "name").get_prep_value(row["name"] or "")
    return row


def permit_index(permit: str) -> str:
    """The blind index of a permit number, as `Worker.permit_index` computes it.

    Plain ASCII letters and digits (nearly every permit) take a shortcut that gives the same
    normalised text as `normalise.document_number` without its Unicode passes, which cost more
    than the encryption at national scale.
    """
    if not permit:
        return ""
    if permit.isascii():
        text = "".join(ch for ch in permit.upper() if ch.isalnum())
    else:
        text = normalise.document_number(permit)
    return get_keyring().blind_index(text, purpose="document") if text else ""


def _prepare_worker(row: dict[str, Any]) -> dict[str, Any]:
    permit = row["permit_number"]
    row["permit_index"] = permit_index(permit)
    row["permit_number"] = _model_field(Worker, "permit_number").get_prep_value(permit)
    row["full_name"] = _model_field(Worker, "full_name").get_prep_value(row["full_name"] or "")
    return row


def _prepare_inspection(row: dict[str, Any]) -> dict[str, Any]:
    codes = [c for c in (row["indicators_observed"] or "").split(";") if c.strip()]
    row["indicators_observed"] = json.dumps(sorted({c.strip().upper() for c in codes}))
    row["notes"] = ""
    now = timezone.now().isoformat()
    row["created_at"] = now
    row["completed_at"] = now
    return row


def v(name: str) -> str:
    """A column of `raw` (its values are trimmed, and NULL when blank: see `read_file`)."""
    return f'raw."{name}"'


SPECS: dict[str, Spec] = {
    "employers": Spec(
        source="employers",
        table="prevention_employer",
        columns=(
            Col("cr_number", "code", pattern=CR),
            Col("name", "text", required=False),
            Col("isic_section", "choice", choices=tuple(IsicSection.values)),
            Col("size_band", "choice", choices=tuple(SizeBand.values)),
            Col("registered_on", "date", required=False),
        ),
        key=("cr_number",),
        select=f"{v('cr_number')}, coalesce({v('name')}, ''), upper({v('isic_section')}), lower({v('size_band')}), "
        f"{v('registered_on')}::DATE",
        target=("cr_number", "name", "isic_section", "size_band", "registered_on"),
        conflict=("cr_number",),
        prepare=_prepare_employer,
        relations=("employers",),
    ),
    "worksites": Spec(
        source="worksites",
        table="prevention_worksite",
        columns=(
            Col("site_code", "code", pattern=REF),
            Col("cr_number", "ref", ref="employer"),
            Col("governorate", "choice", choices=tuple(Governorate.values)),
            Col("kind", "choice", choices=tuple(WorksiteKind.values)),
        ),
        key=("site_code",),
        select=f"{v('site_code')}, m_employer.id, lower({v('governorate')}), lower({v('kind')})",
        target=("site_code", "employer_id", "governorate", "kind"),
        conflict=("site_code",),
        relations=("worksites",),
    ),
    "agencies": Spec(
        source="agencies",
        table="prevention_recruitmentagency",
        columns=(Col("licence_number", "code", pattern=REF), Col("name", "text")),
        key=("licence_number",),
        select=f"{v('licence_number')}, {v('name')}",
        target=("licence_number", "name"),
        conflict=("licence_number",),
    ),
    "workers": Spec(
        source="workers",
        table="prevention_worker",
        columns=(
            Col("permit_number", "code", pattern=PERMIT),
            Col("full_name", "text", required=False),
            Col("nationality", "country"),
            Col("occupation", "code", pattern=r"[0-9]{4}"),
            Col("cr_number", "ref", ref="employer"),
            Col("site_code", "ref", required=False, ref="site"),
            Col("licence_number", "ref", required=False, ref="agency"),
            Col("start_date", "date"),
            Col("contract_wage", "amount"),
        ),
        key=("permit_number",),
        select=f"{v('permit_number')}, '' AS permit_index, coalesce({v('full_name')}, ''), upper({v('nationality')}), "
        f"{v('occupation')}, m_employer.id, m_site.id, m_agency.id, {v('start_date')}::DATE, "
        f"{v('contract_wage')}::DECIMAL(12,3)",
        target=(
            "permit_number",
            "permit_index",
            "full_name",
            "nationality",
            "occupation",
            "employer_id",
            "worksite_id",
            "agency_id",
            "start_date",
            "contract_wage",
        ),
        conflict=("permit_index",),
        prepare=_prepare_worker,
        relations=("workers",),
    ),
    "wages": Spec(
        source="wages",
        table="prevention_wagepayment",
        columns=(
            Col("permit_number", "ref", ref="worker"),
            Col("cr_number", "ref", ref="employer"),
            Col("month", "month"),
            Col("expected", "amount"),
            Col("paid", "amount"),
            Col("paid_on", "date", required=False),
        ),
        key=("permit_number", "month"),
        select=f"m_worker.id, m_employer.id, ({v('month')} || '-01')::DATE, {v('expected')}::DECIMAL(12,3), "
        f"{v('paid')}::DECIMAL(12,3), {v('paid_on')}::DATE",
        target=("worker_id", "employer_id", "month", "expected", "paid", "paid_on"),
        conflict=("worker_id", "month"),
        relations=("wage_months",),
        set_checks=(("worker_id", "prevention_worker"), ("employer_id", "prevention_employer")),
    ),
    "complaints": Spec(
        source="complaints",
        table="prevention_complaint",
        columns=(
            Col("reference", "code", pattern=REF),
            Col("permit_number", "ref", required=False, ref="worker"),
            Col("cr_number", "ref", ref="employer"),
            Col("type", "choice", choices=tuple(ComplaintType.values)),
            Col("filed_on", "date"),
        ),
        key=("reference",),
        select=f"{v('reference')}, m_employer.id, m_worker.id, lower({v('type')}), {v('filed_on')}::DATE",
        target=("reference", "employer_id", "worker_id", "type", "filed_on"),
        conflict=("reference",),
        relations=("complaints",),
    ),
    "absconding": Spec(
        source="absconding",
        table="prevention_abscondingreport",
        columns=(
            Col("reference", "code", pattern=REF),
            Col("permit_number", "ref", ref="worker"),
            Col("cr_number", "ref", ref="employer"),
            Col("filed_on", "date"),
        ),
        key=("reference",),
        select=f"{v('reference')}, m_employer.id, m_worker.id, {v('filed_on')}::DATE",
        target=("reference", "employer_id", "worker_id", "filed_on"),
        conflict=("reference",),
        relations=("absconding",),
    ),
    "transfers": Spec(
        source="transfers",
        table="prevention_permittransfer",
        columns=(
            Col("reference", "code", pattern=REF),
            Col("permit_number", "ref", ref="worker"),
            Col("from_cr_number", "ref", ref="employer"),
            Col("to_cr_number", "ref", ref="employer"),
            Col("transferred_on", "date"),
        ),
        key=("reference",),
        select=f"{v('reference')}, m_worker.id, m_employer.id, m_employer2.id, {v('transferred_on')}::DATE",
        target=("reference", "worker_id", "from_employer_id", "to_employer_id", "transferred_on"),
        conflict=("reference",),
        relations=("transfers",),
    ),
    "inspections": Spec(
        source="inspections",
        table="prevention_inspection",
        columns=(
            Col("reference", "code", pattern=REF),
            Col("cr_number", "ref", ref="employer"),
            Col("visited_on", "date"),
            Col("violation_found", "boolean"),
            Col("indicators", "indicators", required=False),
            Col("outcome", "choice", required=False, choices=tuple(Outcome.values)),
        ),
        key=("reference",),
        select=f"{v('reference')}, m_employer.id, 'historic', 0, 'completed', {v('visited_on')}::DATE, "
        f"coalesce({v('indicators')}, ''), lower({v('violation_found')}) IN ('true', '1', 'yes'), "
        f"coalesce(lower({v('outcome')}), ''), '' AS notes, '' AS created_at, '' AS completed_at",
        target=(
            "reference",
            "employer_id",
            "reason",
            "priority",
            "status",
            "visited_on",
            "indicators_observed",
            "violation_found",
            "outcome",
            "notes",
            "created_at",
            "completed_at",
        ),
        conflict=("reference",),
        prepare=_prepare_inspection,
        conflict_where="reason = 'historic'",
        relations=("inspections",),
    ),
}
# The column that holds each source's employer for checks on the second employer of a transfer.
SECOND_EMPLOYER = {"transfers": "to_cr_number"}
FL_CODES = tuple(ForcedLabourIndicator.values)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_file(con: duckdb.DuckDBPyConnection, path: Path, *, lazy: bool = False) -> None:
    """Load the file into the DuckDB table `raw` (text columns, trimmed, NULL when blank; plus `line`).

    `lazy`: a Parquet file is not loaded but read where `raw` is (a view): its columns decode
    in parallel faster than a copy of them is made, for a reader that scans them a few times.
    """
    p = _quote(path.as_posix())
    if path.suffix.lower() == ".parquet":
        # Parquet rows have no header line: row n is "line" n.
        source = f"read_parquet({p}, file_row_number = true)"
        line = "(file_row_number + 1)::BIGINT"
    else:
        source = f"read_csv({p}, header = true, all_varchar = true)"
        line = "(row_number() OVER () + 1)::BIGINT"
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall() if r[0] != "file_row_number"]
    casts = ", ".join(f'nullif(trim(CAST("{c}" AS VARCHAR)), \'\') AS "{c.strip().lower()}"' for c in cols)
    kind = "VIEW" if lazy and path.suffix.lower() == ".parquet" else "TABLE"
    con.execute(f"CREATE {kind} raw AS SELECT {casts}, {line} AS line FROM {source}")


def _check_sql(col: Col, countries: tuple[str, ...]) -> list[tuple[str, str]]:
    """(condition, reason code) pairs that reject a row for this column (the value is `x`)."""
    x = v(col.name)
    checks: list[tuple[str, str]] = []
    if col.required:
        checks.append((f"{x} IS NULL", "required"))
    present = f"{x} IS NOT NULL AND "
    if col.kind in ("text", "code"):
        checks.append((present + f"length({x}) > {col.max_chars}", "too_long"))
    if col.kind == "code" and col.pattern:
        checks.append((present + f"NOT regexp_full_match({x}, {_quote(col.pattern)})", "format"))
    if col.kind == "choice":
        allowed = ", ".join(_quote(c.lower()) for c in col.choices)
        checks.append((present + f"lower({x}) NOT IN ({allowed})", "choice"))
    if col.kind == "date":
        checks.append((present + f"try_strptime({x}, '%Y-%m-%d') IS NULL", "date"))
        checks.append((present + f"try_strptime({x}, '%Y-%m-%d') > current_date + 1", "future"))
    if col.kind == "month":
        checks.append(
            (
                present
                + f"(NOT regexp_full_match({x}, '[0-9]{{4}}-[0-9]{{2}}') OR try_strptime({x} || '-01', '%Y-%m-%d') IS NULL)",
                "month",
            )
        )
    if col.kind == "amount":
        checks.append(
            (
                present + f"(NOT regexp_full_match({x}, '[0-9]{{1,7}}([.][0-9]{{1,3}})?'))",
                "amount",
            )
        )
    if col.kind == "boolean":
        checks.append((present + f"lower({x}) NOT IN ('true', 'false', '1', '0', 'yes', 'no')", "boolean"))
    if col.kind == "country":
        allowed = ", ".join(_quote(c) for c in countries)
        checks.append((present + f"upper({x}) NOT IN ({allowed})", "country"))
    if col.kind == "indicators":
        allowed = ", ".join(_quote(c) for c in FL_CODES)
        checks.append(
            (
                present
                + f"NOT list_bool_and(list_transform(list_filter(string_split({x}, ';'), lambda s: trim(s) <> ''), "
                f"lambda s: upper(trim(s)) IN ({allowed})))",
                "indicator",
            )
        )
    return checks


REF_TABLES = {"employer": "m_employer", "site": "m_site", "agency": "m_agency", "worker": "m_worker"}
REF_KEYS = {"employer": "cr_number", "site": "site_code", "agency": "licence_number", "worker": "permit_number"}
REF_REASONS = {
    "employer": "unknown_employer",
    "site": "unknown_site",
    "agency": "unknown_agency",
    "worker": "unknown_worker",
}


def _fetch(sql: str, names: list[str], types: list[Any], *, own_connections: bool) -> pa.Table:
    """Rows of the database as an Arrow table (ADBC on PostgreSQL: no Python object per row)."""
    if own_connections:
        return snapshot.fetch_arrow(sql).rename_columns(names).cast(pa.schema(list(zip(names, types, strict=True))))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return pa.table({n: pa.array(list(c), type=t) for n, c, t in zip(names, columns, types, strict=True)})


def _hmac_sql(message: str) -> str:
    """DuckDB SQL for the keyring's blind index (HMAC-SHA256, see crypto.Keyring.blind_index) of `message`."""
    key = get_keyring().index_key
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    return f"left(sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode({message})))), 40)"


MAP_QUERIES = {  # kind of reference: (DuckDB table, SQL, column names, Arrow types)
    "employer": (
        "m_employer",
        "SELECT cr_number, id FROM prevention_employer",
        ["cr_number", "id"],
        [pa.string(), pa.int64()],
    ),
    "site": (
        "m_site",
        "SELECT site_code, id, employer_id FROM prevention_worksite",
        ["site_code", "id", "employer_id"],
        [pa.string(), pa.int64(), pa.int64()],
    ),
    "agency": (
        "m_agency",
        "SELECT licence_number, id FROM prevention_recruitmentagency",
        ["licence_number", "id"],
        [pa.string(), pa.int64()],
    ),
    "worker": (
        "m_known",
        "SELECT permit_index, id FROM prevention_worker",
        ["permit_index", "id"],
        [pa.string(), pa.int64()],
    ),
}


def _fetch_maps(spec: Spec, *, own_connections: bool) -> dict[str, pa.Table]:
    """The keys of the rows the file may refer to, from the database (they need no file)."""
    kinds = {c.ref for c in spec.columns if c.kind == "ref"}
    return {
        name: _fetch(sql, names, types, own_connections=own_connections)
        for kind, (name, sql, names, types) in MAP_QUERIES.items()
        if kind in kinds
    }


def _load_maps(con: duckdb.DuckDBPyConnection, spec: Spec, fetched: dict[str, pa.Table]) -> None:
    """Bring the keys of referenced rows into DuckDB (`m_<kind>(key, id)`)."""
    for name, table in fetched.items():
        _register_table(con, name, table)
    if "m_known" in fetched:
        col = next(c.name for c in spec.columns if c.ref == "worker")
        # The blind index of each permit in the file: plain ASCII ones (nearly all) in DuckDB, in
        # parallel, the same normalisation as `permit_index`; the others in Python.
        con.execute(
            f"CREATE TABLE f_permits AS SELECT DISTINCT {v(col)} AS permit_number FROM raw WHERE {v(col)} IS NOT NULL"
        )
        norm = "regexp_replace(upper(permit_number), '[^A-Z0-9]', '', 'g')"
        con.execute(
            f"""CREATE TABLE f_index AS SELECT permit_number,
                CASE WHEN {norm} = '' THEN '' ELSE {_hmac_sql(f"'document' || chr(0) || {norm}")} END AS permit_index
                FROM f_permits WHERE strlen(permit_number) = length(permit_number)"""
        )
        others = [
            r[0]
            for r in con.execute(
                "SELECT permit_number FROM f_permits WHERE strlen(permit_number) <> length(permit_number)"
            ).fetchall()
        ]
        if others:
            _register_table(
                con,
                "f_other",
                pa.table(
                    {"permit_number": pa.array(others, pa.string()), "permit_index": [permit_index(p) for p in others]}
                ),
            )
            con.execute("INSERT INTO f_index SELECT * FROM f_other")
        con.execute(
            "CREATE TABLE m_worker AS SELECT f.permit_number, k.id FROM f_index f JOIN m_known k USING (permit_index)"
        )


def _register_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _register(con: duckdb.DuckDBPyConnection, name: str, names: list[str], rows: list[Any], types: list[Any]) -> None:
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    table = pa.table({n: pa.array(list(c), type=t) for n, c, t in zip(names, columns, types, strict=True)})
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _joins(spec: Spec) -> str:
    parts = []
    for col in spec.columns:
        if col.kind != "ref":
            continue
        alias = REF_TABLES[col.ref]
        if col.name == SECOND_EMPLOYER.get(spec.source):
            alias = "m_employer2"
            parts.append(f"LEFT JOIN m_employer {alias} ON {alias}.cr_number = {v(col.name)}")
        else:
            parts.append(f"LEFT JOIN {alias} ON {alias}.{REF_KEYS[col.ref]} = {v(col.name)}")
    return "\n".join(parts)


def validate(
    con: duckdb.DuckDBPyConnection, spec: Spec, *, fetched: dict[str, pa.Table] | None = None
) -> list[dict[str, Any]]:
    """Every rejected (line, field, code, value) of the file in `raw`, in line order.

    Each column's checks run once per distinct value (a month column of 8 million rows has a
    dozen), references are looked up per distinct key, duplicates found by grouping: a clean
    file, the usual case, costs a few column scans. Only values that fail are traced back to
    their lines.
    """
    shape = _shape_rejections(con, spec)
    if shape:
        return shape
    _load_maps(con, spec, _fetch_maps(spec, own_connections=False) if fetched is None else fetched)
    return _value_rejections(con, spec)


def _shape_rejections(con: duckdb.DuckDBPyConnection, spec: Spec) -> list[dict[str, Any]]:
    """A required column missing, or no rows: the file is refused before its values are read."""
    present = {r[0] for r in con.execute("DESCRIBE raw").fetchall()}
    missing = [c.name for c in spec.columns if c.name not in present and c.required]
    if missing:
        return [{"line": 1, "field": m, "code": "missing_column", "value": ""} for m in missing]
    absent = [c.name for c in spec.columns if c.name not in present]  # optional columns may be left out
    if absent and con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'raw'").fetchall()[0][0]:
        nulls = ", ".join(f'NULL::VARCHAR AS "{name}"' for name in absent)
        con.execute("ALTER VIEW raw RENAME TO raw_file")
        con.execute(f"CREATE VIEW raw AS SELECT *, {nulls} FROM raw_file")
    else:
        for name in absent:
            con.execute(f'ALTER TABLE raw ADD COLUMN "{name}" VARCHAR')
    if con.execute("SELECT count(*) FROM raw").fetchall()[0][0] == 0:  # type: ignore[index]
        return [{"line": 1, "field": "", "code": "empty", "value": ""}]
    return []


def _value_rejections(con: duckdb.DuckDBPyConnection, spec: Spec, *, duplicates: bool = True) -> list[dict[str, Any]]:
    """Every rejected value of `raw` (see `validate`), the referenced keys being in DuckDB.

    Without `duplicates`, repeated keys are left to the database's key (see `_duplicate_rejections`).
    """
    countries = _countries()
    failing: list[str] = []  # SQL giving (field, code, value) of failing distinct values
    for i, col in enumerate(spec.columns):
        checks = _check_sql(col, countries)
        join = ""
        if col.kind == "ref":
            alias = "m_employer2" if col.name == SECOND_EMPLOYER.get(spec.source) else REF_TABLES[col.ref]
            table = "m_employer" if alias == "m_employer2" else alias
            join = f"LEFT JOIN {table} {alias} ON {alias}.{REF_KEYS[col.ref]} = {v(col.name)}"
            checks.append((f"{v(col.name)} IS NOT NULL AND {alias}.id IS NULL", REF_REASONS[col.ref]))
        if not checks:
            continue
        con.execute(f'CREATE TABLE d{i} AS SELECT DISTINCT "{col.name}" FROM raw')
        for condition, code in checks:
            failing.append(
                f'SELECT {_quote(col.name)} AS field, {_quote(code)} AS code, raw."{col.name}" AS value '
                f"FROM d{i} raw {join} WHERE {condition}"
            )
    if spec.source == "workers":
        con.execute("CREATE TABLE d_site AS SELECT DISTINCT site_code, cr_number FROM raw")
        failing.append(
            "SELECT 'site_code', 'site_employer', raw.site_code FROM d_site raw "
            f"JOIN m_site ON m_site.site_code = {v('site_code')} JOIN m_employer ON m_employer.cr_number = {v('cr_number')} "
            "WHERE m_site.employer_id <> m_employer.id"
        )
    con.execute(f"CREATE TABLE bad_values AS {' UNION ALL '.join(failing)}")
    keys = ", ".join(f"{v(k)} AS k{i}" for i, k in enumerate(spec.key))
    repeated = "GROUP BY ALL HAVING count(*) > 1" if duplicates else "LIMIT 0"
    con.execute(f"CREATE TABLE dup_keys AS SELECT {keys} FROM raw {repeated}")
    if (
        not con.execute("SELECT count(*) FROM bad_values").fetchall()[0][0]
        and not con.execute(  # type: ignore[index]
            "SELECT count(*) FROM dup_keys"
        ).fetchall()[0][0]
    ):  # type: ignore[index]
        return []
    selects = []
    for col in spec.columns:
        selects.append(
            f'SELECT raw.line, b.field, b.code, raw."{col.name}" AS value FROM raw JOIN bad_values b '
            f'ON b.field = {_quote(col.name)} AND b.value IS NOT DISTINCT FROM raw."{col.name}"'
        )
    if spec.source == "workers":  # the site is wrong only with this employer
        selects[[c.name for c in spec.columns].index("site_code")] = (
            "SELECT raw.line, b.field, b.code, raw.site_code FROM raw JOIN bad_values b ON b.field = 'site_code' "
            f"AND b.value IS NOT DISTINCT FROM raw.site_code AND (b.code <> 'site_employer' OR EXISTS ("
            f"SELECT 1 FROM m_site JOIN m_employer ON m_employer.cr_number = {v('cr_number')} "
            f"WHERE m_site.site_code = {v('site_code')} AND m_site.employer_id <> m_employer.id))"
        )
    selects.append(_duplicates_select(spec))
    return _rejection_rows(con, " UNION ALL ".join(selects))


def _duplicates_select(spec: Spec) -> str:
    """The lines of `raw` whose key is in `dup_keys` (k0, k1, …), as rejections."""
    key_match = " AND ".join(f"d.k{i} IS NOT DISTINCT FROM {v(k)}" for i, k in enumerate(spec.key))
    key_expr = " || '|' || ".join(f"coalesce({v(k)}, '')" for k in spec.key)
    return (
        f"SELECT raw.line, {_quote(spec.key[0])} AS field, 'duplicate' AS code, {key_expr} AS value "
        f"FROM raw JOIN dup_keys d ON {key_match}"
    )


def _rejection_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    return [
        {"line": int(line), "field": field_name, "code": code, "value": (value or "")[:80]}
        for line, field_name, code, value in con.execute(f"{sql} ORDER BY line, field, code").fetchall()
    ]


def _duplicate_rejections(con: duckdb.DuckDBPyConnection, spec: Spec) -> list[dict[str, Any]]:
    """The lines of a file whose key repeats (when the database's key refused the rows)."""
    keys = ", ".join(f"{v(k)} AS k{i}" for i, k in enumerate(spec.key))
    con.execute(f"CREATE OR REPLACE TABLE dup_keys AS SELECT {keys} FROM raw GROUP BY ALL HAVING count(*) > 1")
    return _rejection_rows(con, _duplicates_select(spec))


def _prepared_rows(con: duckdb.DuckDBPyConnection, spec: Spec, batch_id: int) -> Iterator[list[Any]]:
    sql = f"SELECT {spec.select} FROM raw {_joins(spec)} ORDER BY line"
    for record_batch in con.sql(sql).to_arrow_reader(batch_size=20_000):
        columns = [record_batch.column(i).to_pylist() for i in range(record_batch.num_columns)]
        for values in zip(*columns, strict=True):
            row = dict(zip(spec.target, values, strict=True))
            if spec.prepare is not None:
                row = spec.prepare(row)
            yield [*(row[c] for c in spec.target), batch_id]


def _csv_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if value is not None and not isinstance(value, str | int | float):
        return str(value)  # Decimal
    return value


def _upsert_sql(spec: Spec, columns: list[str], source: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in spec.conflict)
    where = f" WHERE {spec.table}.{spec.conflict_where}" if spec.conflict_where else ""
    return (
        f"INSERT INTO {spec.table} ({', '.join(columns)}) {source} "
        f"ON CONFLICT ({', '.join(spec.conflict)}) DO UPDATE SET {updates}{where}"
    )


@dataclass
class Result:
    rows: int
    written: int
    seconds: float
    rejections: list[dict[str, Any]]


def import_file(
    source: str, path: Path, *, batch_id: int, progress: Progress | None = None, chunk_rows: int = 20_000
) -> Result:
    """Check and write one file as batch `batch_id`; raise ImportRejected (nothing written) on any bad row."""
    spec = SPECS[source]
    report = progress or (lambda phase, done, total: None)
    started = time.monotonic()
    # Outside any transaction, the keys of referenced rows can come over connections of our own,
    # while DuckDB reads the file; inside one, only this connection sees what it holds.
    own_connections = snapshot.use_adbc()
    con = duckdb.connect(":memory:")
    try:
        # References without foreign keys (wage rows): their tables are locked against writes
        # before their keys are read for the checks, and stay locked until the rows are committed.
        # Other references are foreign keys, which the write transaction checks.
        with transaction.atomic() if spec.set_checks else nullcontext(), ThreadPoolExecutor(max_workers=1) as pool:
            if spec.set_checks and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    tables = ", ".join(sorted({t for _, t in spec.set_checks}))
                    cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
            fetching = pool.submit(_fetch_maps, spec, own_connections=True) if own_connections else None
            try:
                read_file(con, path, lazy=spec.source == "wages" and connection.vendor == "postgresql")
            except (duckdb.Error, OSError):
                raise ImportRejected([{"line": 1, "field": "", "code": "unreadable", "value": ""}], 1) from None
            total = int(con.execute("SELECT count(*) FROM raw").fetchall()[0][0])  # type: ignore[index]
            report("checking", 0, total)
            fetched = fetching.result() if fetching else _fetch_maps(spec, own_connections=False)
            written = _check_and_write(con, spec, batch_id, total, report, chunk_rows, fetched)
        return Result(rows=total, written=written, seconds=time.monotonic() - started, rejections=[])
    finally:
        con.close()


def _check_and_write(
    con: duckdb.DuckDBPyConnection,
    spec: Spec,
    batch_id: int,
    total: int,
    report: Progress,
    chunk_rows: int,
    fetched: dict[str, pa.Table],
) -> int:
    """Check the rows of `raw`, then prepare and write them (wage rows on PostgreSQL: both at once)."""
    if spec.source == "wages" and connection.vendor == "postgresql":
        return _write_wages_while_checking(con, spec, batch_id, total, report, chunk_rows, fetched)
    rejections = validate(con, spec, fetched=fetched)
    if rejections:
        raise ImportRejected(rejections[:MAX_STORED_REJECTIONS], len(rejections))
    columns = [*spec.target, "batch_id"]
    with tempfile.TemporaryDirectory(prefix="himaya-import-") as tmp:
        rows = Path(tmp) / "rows"
        feed = Feed(path=rows, as_csv=connection.vendor == "postgresql" or spec.prepare is None)
        if spec.prepare is None:
            # Nothing to encrypt: DuckDB prepares the rows itself (fast, in parallel). Wage rows
            # (SQLite; PostgreSQL streams them) go in (worker, month) order, the primary key's.
            order = "ORDER BY 1, 3" if spec.source == "wages" else "ORDER BY line"
            names = ", ".join(f"c{i}" for i in range(len(spec.target)))
            con.execute(f"CREATE TABLE prepared ({names}) AS SELECT {spec.select} FROM raw {_joins(spec)} {order}")
            con.execute(
                f"COPY (SELECT *, {int(batch_id)} FROM prepared) "
                f"TO {_quote(rows.as_posix())} (FORMAT csv, HEADER false, NULLSTR '\\N')"
            )
        else:
            _prepare_in_python(con, spec, batch_id, rows, feed.as_csv, total, report, chunk_rows)
        report("preparing", total, total)
        return _write(spec, columns, feed, total, report, chunk_rows, batch_id)


def _write_wages_while_checking(
    con: duckdb.DuckDBPyConnection,
    spec: Spec,
    batch_id: int,
    total: int,
    report: Progress,
    chunk_rows: int,
    fetched: dict[str, pa.Table],
) -> int:
    """Wage rows on PostgreSQL: sent to COPY while their values are checked, on the other core.

    The COPY (PostgreSQL's process) and the checks (DuckDB's) each keep a core busy, so the
    checks cost the import little. Nothing is committed before they pass: the write waits for
    their verdict before the summary is written, and a write that fails meanwhile (a bad value
    can make it fail) waits for it too, so that a bad file is always reported row by row, and
    then rolled back. A key the file repeats is found by the table's primary key (a unique
    violation); only then are the repeated lines looked for, and reported.
    """
    shape = _shape_rejections(con, spec)
    if shape:
        raise ImportRejected(shape, len(shape))
    _load_maps(con, spec, fetched)
    names = ", ".join(f"c{i}" for i in range(len(spec.target)))
    con.execute(f"CREATE VIEW prepared ({names}) AS SELECT {spec.select} FROM raw {_joins(spec)}")
    with tempfile.TemporaryDirectory(prefix="himaya-import-") as tmp, ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(_checks_then_summary, con.cursor(), spec, Path(tmp))
        feed = Feed(duck=con.cursor(), batch_id=batch_id, pending=checking)
        try:
            return _write(spec, [*spec.target, "batch_id"], feed, total, report, chunk_rows, batch_id)
        except ImportRejected:
            raise
        except Exception:
            feed.checked()  # a bad row may be why the write failed: if so, its report
            repeated = _duplicate_rejections(con, spec)
            if repeated:
                raise ImportRejected(repeated[:MAX_STORED_REJECTIONS], len(repeated)) from None
            raise


def _checks_then_summary(
    con: duckdb.DuckDBPyConnection, spec: Spec, folder: Path
) -> tuple[list[dict[str, Any]], Extra]:
    try:
        rejections = _value_rejections(con, spec, duplicates=False)
        return rejections, (Extra() if rejections else _wage_extras(con, folder))
    finally:
        con.close()


@dataclass
class Extra:
    """What the wage importer computes in DuckDB besides the rows: their summary."""

    wage_months: Path | None = None


WAGE_MONTHS_COLUMNS = ("worker_id", "employer_id", "era", "present", "unpaid", "late", "under")

# The wage rows of DuckDB's `prepared` table as PostgreSQL binary COPY values (see pgcopy).
WAGE_BINARY = (
    ("c0", pgcopy.Column("int8")),
    ("c1", pgcopy.Column("int8")),
    ("(c2 - DATE '2000-01-01')::INTEGER", pgcopy.Column("date")),
    ("(c3 * 1000)::BIGINT", pgcopy.Column("numeric", scale=3)),
    ("(c4 * 1000)::BIGINT", pgcopy.Column("numeric", scale=3)),
    ("(c5 - DATE '2000-01-01')::INTEGER", pgcopy.Column("date")),
)


@dataclass
class Feed:
    """The prepared rows: a file (CSV for COPY or SQLite, JSON lines for SQLite), or the wage
    rows of DuckDB's `prepared` view, encoded as binary COPY while they are sent."""

    path: Path | None = None
    as_csv: bool = True
    duck: duckdb.DuckDBPyConnection | None = None
    batch_id: int = 0
    chunk_rows: int = 500_000
    ordered: bool = False  # send the wage rows in key order (into a table whose key is kept)
    extra: Extra = field(default_factory=Extra)
    pending: Future[tuple[list[dict[str, Any]], Extra]] | None = None  # checks still running

    def checked(self) -> Extra:
        """Wait for the checks still running, if any: raise ImportRejected if they refused a row."""
        if self.pending is not None:
            rejections, self.extra = self.pending.result()
            self.pending = None
            if rejections:
                raise ImportRejected(rejections[:MAX_STORED_REJECTIONS], len(rejections))
        return self.extra

    def copy_options(self) -> str:
        return "FORMAT binary" if self.duck is not None else "FORMAT csv, NULL '\\N'"

    def blocks(self) -> Iterator[tuple[bytes | memoryview, int]]:
        """(data, rows in it) to send to COPY, in order."""
        if self.duck is None:
            assert self.path is not None
            with open(self.path, "rb") as fh:
                while block := fh.read(1 << 20):
                    yield block, block.count(b"\n")
            return
        columns = [c for _, c in WAGE_BINARY] + [pgcopy.Column("int8")]
        select = ", ".join(e for e, _ in WAGE_BINARY)
        order = " ORDER BY 1, 3" if self.ordered else ""
        reader = self.duck.sql(f"SELECT {select}, {int(self.batch_id)}::BIGINT FROM prepared{order}").to_arrow_reader(
            batch_size=self.chunk_rows
        )
        yield pgcopy.HEADER, 0
        for batch in reader:
            parts = pgcopy.encode(columns, batch)
            if not parts:
                continue
            for part in parts[:-1]:
                yield part, 0
            yield parts[-1], batch.num_rows
        yield pgcopy.TRAILER, 0


def _wage_extras(con: duckdb.DuckDBPyConnection, folder: Path) -> Extra:
    """The summary of the prepared wage rows (`wage_months`)."""
    con.execute(
        "CREATE TEMPORARY VIEW batch_wages AS SELECT c0 AS worker_id, c1 AS employer_id, c2 AS month, "
        "c3 AS expected, c4 AS paid, c5 AS paid_on FROM prepared"
    )
    summary = folder / "wage_months"
    con.execute(
        f"COPY ({scoring.wage_months_sql('batch_wages')} ORDER BY 1, 2, 3) TO {_quote(summary.as_posix())} "
        "(FORMAT csv, HEADER false)"  # in key order: the key's B-tree grows at its end
    )
    return Extra(wage_months=summary)


def _prepare_in_python(
    con: duckdb.DuckDBPyConnection,
    spec: Spec,
    batch_id: int,
    prepared: Path,
    as_csv: bool,
    total: int,
    report: Progress,
    chunk_rows: int,
) -> None:
    """Rows that need Python (encryption, blind index) as CSV (for COPY) or JSON lines (SQLite)."""
    convert = _csv_value if spec.source == "inspections" else (lambda x: x)
    with open(prepared, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for done, row in enumerate(_prepared_rows(con, spec, batch_id), start=1):
            if as_csv:
                writer.writerow([NULL if x is None else convert(x) for x in row])
            else:
                fh.write(json.dumps([_sqlite_value(x) for x in row]) + "\n")
            if done % chunk_rows == 0:
                report("preparing", done, total)


NULL = "\\N"


def _write(
    spec: Spec,
    columns: list[str],
    feed: Feed,
    total: int,
    report: Progress,
    chunk_rows: int,
    batch_id: int,
) -> int:
    """All prepared rows in one transaction (COPY + upsert on PostgreSQL)."""
    report("writing", 0, total)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if spec.source == "wages" and _copy_new_wages(cursor, columns, feed, total, report):
                    _merge_new_wage_months(cursor, feed.checked())
                else:
                    feed.ordered = True
                    _copy_and_upsert(cursor, spec, columns, feed, total, report)
                    feed.checked()
                    if spec.source == "wages":
                        _rebuild_wage_months(cursor, "SELECT worker_id FROM import_stage")
                    cursor.execute("DROP TABLE import_stage")
        else:
            assert feed.path is not None
            sql = _upsert_sql(spec, columns, f"VALUES ({', '.join(['%s'] * len(columns))})")
            with connection.cursor() as cursor, open(feed.path, newline="", encoding="utf-8") as fh:
                chunk: list[list[Any]] = []
                done = 0
                rows: Any = (
                    ([None if x == NULL else x for x in r] for r in csv.reader(fh))
                    if feed.as_csv
                    else (json.loads(line) for line in fh)
                )
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= chunk_rows:
                        cursor.executemany(sql, chunk)
                        done += len(chunk)
                        chunk = []
                        report("writing", done, total)
                if chunk:
                    cursor.executemany(sql, chunk)
                    done += len(chunk)
                report("writing", done, total)
                if spec.source == "wages":
                    _rebuild_wage_months(
                        cursor, f"SELECT worker_id FROM prevention_wagepayment WHERE batch_id = {int(batch_id)}"
                    )
    return total


def _copy(cursor: Any, table: str, columns: list[str], feed: Feed, total: int, report: Progress) -> None:
    """COPY the feed into `table`; a worker thread sends while the next block is encoded."""
    raw = cursor.connection.cursor()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN ({feed.copy_options()})"
    done = 0
    with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
        for block, rows in feed.blocks():
            copy.write(block)
            done += rows
            report("writing", min(done, total), total)


def _copy_and_upsert(cursor: Any, spec: Spec, columns: list[str], feed: Feed, total: int, report: Progress) -> None:
    """COPY into a temporary staging table, then one upsert on the natural key."""
    # Dropped explicitly too: inside an enclosing transaction (tests) ON COMMIT never comes.
    cursor.execute("DROP TABLE IF EXISTS import_stage")
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_stage ON COMMIT DROP AS SELECT {', '.join(columns)} "
        f"FROM {spec.table} WITH NO DATA"
    )
    _copy(cursor, "import_stage", columns, feed, total, report)
    cursor.execute(_upsert_sql(spec, columns, f"SELECT {', '.join(columns)} FROM import_stage"))


def _copy_new_wages(cursor: Any, columns: list[str], feed: Feed, total: int, report: Progress) -> bool:
    """COPY the wage rows straight into their table; False (and nothing kept) if one already exists.

    A file of new months (the usual monthly file, or a first load) goes in at COPY speed; a file
    that repeats a worker's month fails on the primary key at once and takes the upsert path.
    """
    cursor.execute("LOCK TABLE prevention_wagepayment IN SHARE ROW EXCLUSIVE MODE")  # one wage import at a time
    cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM prevention_wagepayment)")
    if cursor.fetchone()[0]:
        _initial_wage_load(cursor, columns, feed, total, report)
        return True
    cursor.execute("SAVEPOINT himaya_new_wages")
    feed.ordered = True
    try:
        _copy(cursor, "prevention_wagepayment", columns, feed, total, report)
    except psycopg.errors.UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT himaya_new_wages")
        feed.checked()  # the file may repeat a key: refused then, not upserted
        report("writing", 0, total)
        return False
    cursor.execute("RELEASE SAVEPOINT himaya_new_wages")
    return True


@contextmanager
def _keys_built_after(cursor: Any, table: str) -> Iterator[None]:
    """Load an empty table without its key constraints, which are built once at the end.

    Maintaining a B-tree row by row (and logging every change) costs more than the COPY
    itself; building it after, from a sort, is a fraction of that. The constraints are dropped
    and added back in the import's transaction, so a failed or killed import leaves them as they
    were, and no one reads the table meanwhile (it is empty, and locked).
    """
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid = '{table}'::regclass AND contype IN ('p', 'u') ORDER BY contype"
    )
    constraints = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    # The index build sorts millions of keys: in memory rather than through temporary files (this transaction only).
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _initial_wage_load(cursor: Any, columns: list[str], feed: Feed, total: int, report: Progress) -> None:
    """The first load into the empty wage table: its key is indexed once after the COPY."""
    with _keys_built_after(cursor, "prevention_wagepayment"):
        _copy(cursor, "prevention_wagepayment", columns, feed, total, report)
    # The checks still running finish while PostgreSQL builds the key: the caller waits for them.


def _merge_new_wage_months(cursor: Any, extra: Extra) -> None:
    """Add the summary of wage rows that were all new: their month bits are OR-ed in."""
    if extra.wage_months is None:
        return
    cols = ", ".join(WAGE_MONTHS_COLUMNS)
    cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM prevention_wagemonths)")
    first_load = cursor.fetchone()[0]  # nothing to merge with: the summary goes straight in
    target = "prevention_wagemonths" if first_load else "wage_months_stage"
    if not first_load:
        cursor.execute("DROP TABLE IF EXISTS wage_months_stage")
        cursor.execute(
            f"CREATE TEMPORARY TABLE wage_months_stage ON COMMIT DROP AS SELECT {cols} FROM prevention_wagemonths WITH NO DATA"
        )
    with (
        _keys_built_after(cursor, target) if first_load else nullcontext(),
        cursor.connection.cursor().copy(f"COPY {target} ({cols}) FROM STDIN (FORMAT csv)") as copy,
        open(extra.wage_months, "rb") as fh,
    ):
        while block := fh.read(1 << 20):
            copy.write(block)
    if first_load:
        return
    merged = ", ".join(f"{c} = t.{c} | excluded.{c}" for c in ("present", "unpaid", "late", "under"))
    cursor.execute(
        f"INSERT INTO prevention_wagemonths AS t ({cols}) SELECT {cols} FROM wage_months_stage "
        f"ON CONFLICT (worker_id, employer_id, era) DO UPDATE SET {merged}"
    )
    cursor.execute("DROP TABLE wage_months_stage")


def _wage_months_select(workers_sql: str) -> str:
    """SQL (this database's dialect) summarising the wage rows of the workers `workers_sql` names."""
    era = scoring.ERA_MONTHS
    if connection.vendor == "postgresql":
        index = "(extract(year FROM month)::int * 12 + extract(month FROM month)::int - 1)"
        late_day = "month + 40"
    else:
        index = "(CAST(strftime('%Y', month) AS INTEGER) * 12 + CAST(strftime('%m', month) AS INTEGER) - 1)"
        late_day = "date(month, '+40 days')"
    bit = f"(CAST(1 AS BIGINT) << ({index} % {era}))"
    unpaid = "paid < 0.5 * expected"
    late = f"paid >= 0.5 * expected AND (paid_on IS NULL OR paid_on > {late_day})"
    under = "paid >= 0.5 * expected AND paid < 0.9 * expected"

    def masked(condition: str) -> str:
        return f"coalesce(sum(CASE WHEN {condition} THEN {bit} ELSE 0 END), 0)"

    return (
        f"SELECT worker_id, employer_id, {index} / {era} AS era, sum({bit}), {masked(unpaid)}, {masked(late)}, "
        f"{masked(under)} FROM prevention_wagepayment WHERE worker_id IN ({workers_sql}) "
        f"GROUP BY worker_id, employer_id, {index} / {era}"
    )


def _rebuild_wage_months(cursor: Any, workers_sql: str) -> None:
    """Summarise again, from their wage rows, every worker the batch touched (rows may have changed)."""
    cursor.execute(f"DELETE FROM prevention_wagemonths WHERE worker_id IN ({workers_sql})")
    cursor.execute(
        f"INSERT INTO prevention_wagemonths ({', '.join(WAGE_MONTHS_COLUMNS)}) {_wage_months_select(workers_sql)}"
    )


def relations_for(source: str) -> tuple[str, ...]:
    return SPECS[source].relations


def describe_rejection(item: dict[str, Any]) -> str:
    return str(REASONS.get(item.get("code", ""), item.get("code", "")))


def default_upload_dir() -> Path:
    from django.conf import settings

    folder = Path(getattr(settings, "HIMAYA_PREVENTION_DIR", settings.VAR_DIR / "prevention")) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
