# ruff: noqa: S608, E501  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""A synthetic labour market, generated in DuckDB and written in the import schema (no Django).

Every value derives from a keyed hash of (row id, purpose, seed), so the same seed gives the same
world and DuckDB may generate it in parallel. A few employers per hundred are planted as
exploitative, with one of four patterns (wage theft, document retention, debt bondage, abusive
conditions) and an intensity; their signals are drawn from probabilities, not written in, so
small planted firms may show nothing, and some honest firms are sloppy payers or attract
complaints (noise). The planted truth goes to its own file (`truth/planted.parquet`), apart from
the sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Scale:
    employers: int
    workers: int
    months: int = 12
    agencies: int = 200


SCALES = {
    "tiny": Scale(employers=80, workers=1200, agencies=10),
    "demo": Scale(employers=600, workers=7000, agencies=40),
    "national": Scale(employers=60_000, workers=700_000, agencies=400),
}
SOURCES = (
    "employers",
    "worksites",
    "agencies",
    "workers",
    "wages",
    "complaints",
    "absconding",
    "transfers",
    "inspections",
)

GIVEN = [
    "Ravi",
    "Anil",
    "Maria",
    "Joy",
    "Siti",
    "Rahim",
    "Karim",
    "Priya",
    "Sunil",
    "Ana",
    "Dewi",
    "Hassan",
    "Abebe",
    "Grace",
    "Nimal",
    "Ramesh",
    "Fatima",
    "Jose",
    "Lina",
    "Omar",
    "Bikash",
    "Sarah",
    "Tuan",
    "Musa",
]
FAMILY = [
    "Kumar",
    "Santos",
    "Rahman",
    "Perera",
    "Reyes",
    "Hossain",
    "Khan",
    "Thapa",
    "Wijaya",
    "Tesfaye",
    "Fernando",
    "Nair",
    "Ali",
    "Cruz",
    "Gurung",
    "Mensah",
    "Haddad",
    "Das",
    "Silva",
    "Ochieng",
]


# Site 1 of employer 42 is S0000042, its site 2 S0000042-2.
SITE_CODE = "('S' || lpad({e}::VARCHAR, 7, '0') || CASE WHEN {n} > 1 THEN '-' || {n}::VARCHAR ELSE '' END)"


def _setup(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    con.execute(f"CREATE OR REPLACE MACRO u(a, b) AS (hash(a, b, {int(seed)}) % 1000003)::DOUBLE / 1000003.0")


def generate(
    directory: Path | str, *, scale: Scale, as_of: dt.date, seed: int = 7, fmt: str = "parquet"
) -> dict[str, int]:
    """Write every source (`<dir>/<source>.<fmt>`) and the truth (`<dir>/truth/planted.parquet`).

    Returns the number of rows written per source.
    """
    folder = Path(directory)
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = true")
    _setup(con, seed)
    index = as_of.year * 12 + as_of.month - 2 - scale.months  # the last month paid is the one before last
    window_start = dt.date(index // 12, index % 12 + 1, 1)
    all_params = {"as_of": as_of, "start": window_start}

    def used(sql: str) -> dict[str, dt.date]:
        return {k: v for k, v in all_params.items() if f"${k}" in sql}

    con.execute(
        f"""
        CREATE TABLE e AS
        SELECT id,
          CASE WHEN s < 0.22 THEN 'F' WHEN s < 0.40 THEN 'G' WHEN s < 0.55 THEN 'T' WHEN s < 0.65 THEN 'I'
               WHEN s < 0.73 THEN 'C' WHEN s < 0.79 THEN 'H' WHEN s < 0.85 THEN 'N' WHEN s < 0.90 THEN 'S'
               WHEN s < 0.93 THEN 'Q' WHEN s < 0.96 THEN 'A' WHEN s < 0.98 THEN 'L' ELSE 'M' END AS isic,
          u(id, 'plant') AS p, u(id, 'pattern') AS pat, 0.55 + 0.45 * u(id, 'intensity') AS intensity,
          u(id, 'sloppy') < 0.06 AS sloppy, u(id, 'complainy') < 0.04 AS complainy
        FROM (SELECT id, u(id, 'sector') AS s FROM range(1, {scale.employers + 1}) t(id))
        """
    )
    con.execute(
        """
        CREATE TABLE emp AS SELECT *,
          p < CASE WHEN isic IN ('F', 'T') THEN 0.04 WHEN isic = 'I' THEN 0.035 ELSE 0.025 END AS planted,
          CASE WHEN pat < 0.3 THEN 'wage_theft' WHEN pat < 0.55 THEN 'document_retention'
               WHEN pat < 0.8 THEN 'debt_bondage' ELSE 'abusive_conditions' END AS pattern
        FROM e
        """
    )
    given = "[" + ",".join(f"'{g}'" for g in GIVEN) + "]"
    family = "[" + ",".join(f"'{f}'" for f in FAMILY) + "]"
    con.execute(
        f"""
        CREATE TABLE w AS
        SELECT id, 1 + least({scale.employers - 1}, floor({scale.employers} * power(u(id, 'emp'), 1.6)))::BIGINT AS employer_id,
               u(id, 'nat') AS n, u(id, 'aff') AS aff, u(id, 'start') AS st, u(id, 'wage') AS wg
        FROM range(1, {scale.workers + 1}) t(id)
        """
    )
    # Larger employers have several worksites (up to four); on a planted one, exploitation is
    # concentrated at one of them (its other sites are touched less), so worksite scores matter.
    con.execute(
        """
        CREATE TABLE sites AS
        SELECT employer_id, n, 1 + (n >= 30)::INT + (n >= 100)::INT + (n >= 300)::INT AS nsites
        FROM (SELECT employer_id, count(*) AS n FROM w GROUP BY employer_id)
        """
    )
    con.execute(
        """
        CREATE TABLE ws AS
        SELECT w.*, 1 + least(s.nsites - 1, floor(u(w.id, 'site') * s.nsites))::INT AS site_no,
               1 + least(s.nsites - 1, floor(u(w.employer_id, 'bad_site') * s.nsites))::INT AS bad_site, s.nsites
        FROM w JOIN sites s USING (employer_id)
        """
    )
    con.execute(
        f"""
        CREATE TABLE wk AS
        SELECT w.id, w.employer_id, w.site_no, emp.isic, emp.planted, emp.pattern, emp.intensity, emp.sloppy, emp.complainy,
          w.aff, 'WP' || lpad(w.id::VARCHAR, 8, '0') AS permit_number,
          list_element({given}, 1 + floor(u(w.id, 'g') * {len(GIVEN)})::INT) || ' ' ||
            list_element({family}, 1 + floor(u(w.id, 'f') * {len(FAMILY)})::INT) AS full_name,
          CASE WHEN emp.isic = 'T' THEN
                 CASE WHEN n < 0.35 THEN 'PH' WHEN n < 0.55 THEN 'ID' WHEN n < 0.75 THEN 'IN' WHEN n < 0.85 THEN 'LK'
                      WHEN n < 0.95 THEN 'ET' ELSE 'KE' END
               ELSE CASE WHEN n < 0.40 THEN 'IN' WHEN n < 0.60 THEN 'BD' WHEN n < 0.75 THEN 'PK' WHEN n < 0.83 THEN 'NP'
                      WHEN n < 0.90 THEN 'PH' WHEN n < 0.95 THEN 'EG' ELSE 'LK' END END AS nationality,
          CASE emp.isic WHEN 'T' THEN '9111' WHEN 'F' THEN '7112' WHEN 'I' THEN '5120' WHEN 'C' THEN '8160'
               WHEN 'H' THEN '8322' WHEN 'G' THEN '5223' ELSE '9629' END AS occupation,
          ($start::DATE - (30 + floor(st * 1500))::INT) AS start_date,
          round(CASE WHEN emp.isic = 'T' THEN 120 + 60 * wg ELSE 110 + 290 * wg END, 3) AS contract_wage,
          emp.planted AND aff < (0.35 + 0.55 * emp.intensity) * (CASE WHEN w.site_no = w.bad_site THEN 1.0 ELSE 0.5 END) AS affected
        FROM ws w JOIN emp ON emp.id = w.employer_id
        """,
        used("$start"),
    )
    counts: dict[str, int] = {}

    def out(name: str, sql: str, sub: str = "") -> None:
        target = folder / sub / f"{name}.{'parquet' if sub else fmt}"
        path = target.as_posix().replace("'", "''")
        options = "FORMAT parquet" if (sub or fmt == "parquet") else "FORMAT csv, HEADER true"
        con.execute(f"COPY ({sql}) TO '{path}' ({options})", used(sql))
        counts[name] = int(con.execute(f"SELECT count(*) FROM ({sql})", used(sql)).fetchall()[0][0])  # type: ignore[index]

    out(
        "employers",
        """SELECT (100000 + id)::VARCHAR || '-1' AS cr_number, 'Establishment ' || id AS name, isic AS isic_section,
                  CASE WHEN n >= 250 THEN 'large' WHEN n >= 50 THEN 'medium' WHEN n >= 10 THEN 'small' ELSE 'micro' END AS size_band,
                  strftime($start::DATE - (400 + floor(u(id, 'reg') * 4000))::INT, '%Y-%m-%d') AS registered_on
           FROM emp LEFT JOIN (SELECT employer_id, count(*) AS n FROM wk GROUP BY ALL) c ON c.employer_id = emp.id ORDER BY id""",
    )
    out(
        "worksites",
        f"""SELECT {SITE_CODE.format(e="id", n="k")} AS site_code, (100000 + id)::VARCHAR || '-1' AS cr_number,
                  list_element(['capital','muharraq','northern','southern'], 1 + floor(u(id * 10 + k, 'gov') * 4)::INT) AS governorate,
                  CASE WHEN isic = 'T' THEN 'household' WHEN isic = 'F' AND u(id * 10 + k, 'camp') < 0.5 THEN 'labour_camp'
                       WHEN isic IN ('F', 'A', 'C') THEN 'site' ELSE 'office' END AS kind
           FROM emp LEFT JOIN sites ON sites.employer_id = emp.id,
                LATERAL (SELECT unnest(range(1, coalesce(sites.nsites, 1) + 1)) AS k)
           ORDER BY id, k""",
    )
    out(
        "agencies",
        f"""SELECT 'RA' || lpad(id::VARCHAR, 5, '0') AS licence_number, 'Recruitment Office ' || id AS name
            FROM range(1, {scale.agencies + 1}) t(id)""",
    )
    out(
        "workers",
        f"""SELECT permit_number, full_name, nationality, occupation, (100000 + employer_id)::VARCHAR || '-1' AS cr_number,
                   {SITE_CODE.format(e="employer_id", n="site_no")} AS site_code,
                   'RA' || lpad((1 + floor(u(id, 'ag') * {scale.agencies}))::INT::VARCHAR, 5, '0') AS licence_number,
                   strftime(start_date, '%Y-%m-%d') AS start_date, printf('%.3f', contract_wage) AS contract_wage
            FROM wk ORDER BY id""",
    )
    # Wages: one row per worker and month. Probabilities per month, by pattern.
    con.execute(
        f"""
        CREATE TABLE pay AS
        SELECT wk.id, wk.permit_number, wk.employer_id, m.month, wk.contract_wage AS expected,
          u(wk.id * 100 + m.i, 'unpaid') AS r1, u(wk.id * 100 + m.i, 'late') AS r2, u(wk.id * 100 + m.i, 'under') AS r3,
          u(wk.id * 100 + m.i, 'day') AS r4,
          CASE WHEN wk.affected AND wk.pattern = 'wage_theft' THEN 0.45
               WHEN wk.affected AND wk.pattern = 'document_retention' THEN 0.28
               WHEN wk.affected AND wk.pattern = 'abusive_conditions' THEN 0.12
               WHEN wk.sloppy THEN 0.03 ELSE 0.004 END AS p_unpaid,
          CASE WHEN wk.affected THEN 0.35 WHEN wk.sloppy THEN 0.35 ELSE 0.03 END AS p_late,
          CASE WHEN wk.affected AND wk.pattern = 'debt_bondage' THEN 0.75
               WHEN wk.affected AND wk.pattern = 'abusive_conditions' THEN 0.4
               WHEN wk.affected THEN 0.15 WHEN wk.sloppy THEN 0.05 ELSE 0.01 END AS p_under
        FROM wk CROSS JOIN (
          SELECT i, ($start::DATE + to_months(i)::INTERVAL)::DATE AS month FROM range(0, {scale.months}) t(i)
        ) m
        WHERE wk.start_date < m.month + INTERVAL 27 DAY
        """,
        used("$start"),
    )
    out(
        "wages",
        """SELECT permit_number, (100000 + employer_id)::VARCHAR || '-1' AS cr_number, strftime(month, '%Y-%m') AS month,
                  printf('%.3f', expected) AS expected,
                  printf('%.3f', CASE WHEN r1 < p_unpaid THEN round(expected * 0.3 * r3, 3)
                                      WHEN r3 < p_under THEN round(expected * (0.6 + 0.25 * r4), 3)
                                      ELSE expected END) AS paid,
                  CASE WHEN r1 < p_unpaid AND r4 < 0.6 THEN ''
                       ELSE strftime(least($as_of::DATE - 1, (month + INTERVAL 1 MONTH + ((CASE WHEN r2 < p_late THEN 15 + floor(r4 * 45) ELSE floor(r4 * 9) END)::INT) * INTERVAL 1 DAY)::DATE), '%Y-%m-%d') END AS paid_on
           FROM pay ORDER BY id, month""",
    )
    rates = {
        "unpaid_wages": (
            "0.004",
            "CASE WHEN pattern = 'wage_theft' THEN 0.10 WHEN pattern = 'document_retention' THEN 0.04 ELSE 0.02 END",
        ),
        "passport_retention": (
            "0.001",
            "CASE WHEN pattern = 'document_retention' THEN 0.14 WHEN pattern = 'debt_bondage' THEN 0.05 ELSE 0.02 END",
        ),
        "recruitment_fees": ("0.0015", "CASE WHEN pattern = 'debt_bondage' THEN 0.13 ELSE 0.01 END"),
        "excessive_hours": ("0.003", "CASE WHEN pattern = 'abusive_conditions' THEN 0.14 ELSE 0.02 END"),
        "housing": ("0.002", "CASE WHEN pattern = 'abusive_conditions' THEN 0.11 ELSE 0.01 END"),
        "abuse": (
            "0.0004",
            "CASE WHEN pattern IN ('document_retention', 'abusive_conditions') THEN 0.03 ELSE 0.01 END",
        ),
    }
    union = " UNION ALL ".join(
        f"""SELECT id, employer_id, permit_number, '{kind}' AS type FROM wk
            WHERE u(id, 'c_{kind}') < (CASE WHEN affected THEN ({planted}) * intensity ELSE {normal} * (CASE WHEN complainy THEN 8 ELSE 1 END) END)"""
        for kind, (normal, planted) in rates.items()
    )
    out(
        "complaints",
        f"""SELECT 'C' || lpad((row_number() OVER (ORDER BY id, type))::VARCHAR, 8, '0') AS reference,
                   CASE WHEN u(id, 'anon_' || type) < 0.2 THEN '' ELSE permit_number END AS permit_number,
                   (100000 + employer_id)::VARCHAR || '-1' AS cr_number, type,
                   strftime(($start::DATE + floor(u(id, 'd_' || type) * ($as_of::DATE - $start::DATE))::INT), '%Y-%m-%d') AS filed_on
            FROM ({union}) c ORDER BY id, type""",
    )
    out(
        "absconding",
        """SELECT 'A' || lpad((row_number() OVER (ORDER BY id))::VARCHAR, 8, '0') AS reference, permit_number,
                  (100000 + employer_id)::VARCHAR || '-1' AS cr_number,
                  strftime(($start::DATE + floor(u(id, 'd_abs') * ($as_of::DATE - $start::DATE))::INT), '%Y-%m-%d') AS filed_on
           FROM wk WHERE u(id, 'abs') < CASE WHEN affected THEN 0.09 * intensity WHEN sloppy THEN 0.01 ELSE 0.004 END
           ORDER BY id""",
    )
    out(
        "transfers",
        f"""SELECT 'T' || lpad((row_number() OVER (ORDER BY id))::VARCHAR, 8, '0') AS reference, permit_number,
                  (100000 + employer_id)::VARCHAR || '-1' AS from_cr_number,
                  (100000 + 1 + floor(u(id, 'to') * {scale.employers})::INT)::VARCHAR || '-1' AS to_cr_number,
                  strftime(($start::DATE + floor(u(id, 'd_tr') * ($as_of::DATE - $start::DATE))::INT), '%Y-%m-%d') AS transferred_on
           FROM wk WHERE u(id, 'tr') < CASE WHEN affected AND pattern = 'abusive_conditions' THEN 0.25 ELSE 0.05 END
             AND 1 + floor(u(id, 'to') * {scale.employers})::INT <> employer_id
           ORDER BY id""",
    )
    out(
        "inspections",
        """SELECT 'H' || lpad(id::VARCHAR, 7, '0') AS reference, (100000 + id)::VARCHAR || '-1' AS cr_number,
                  strftime(($start::DATE - floor(u(id, 'd_in') * 700)::INT), '%Y-%m-%d') AS visited_on,
                  CASE WHEN u(id, 'viol') < CASE WHEN planted THEN 0.7 ELSE 0.1 END THEN 'true' ELSE 'false' END AS violation_found,
                  CASE WHEN u(id, 'viol') < CASE WHEN planted THEN 0.7 ELSE 0.1 END THEN
                       CASE pattern WHEN 'document_retention' THEN 'FL07;FL08' WHEN 'debt_bondage' THEN 'FL09'
                                    WHEN 'abusive_conditions' THEN 'FL10;FL11' ELSE 'FL08' END ELSE '' END AS indicators,
                  CASE WHEN u(id, 'viol') < CASE WHEN planted THEN 0.7 ELSE 0.1 END THEN 'warning' ELSE 'none' END AS outcome
           FROM emp WHERE u(id, 'insp') < CASE WHEN planted THEN 0.15 ELSE 0.06 END ORDER BY id""",
    )
    out(
        "planted",
        """SELECT (100000 + id)::VARCHAR || '-1' AS cr_number, pattern FROM emp WHERE planted ORDER BY id""",
        sub="truth",
    )
    con.close()
    return counts


def relations_from_sources(con: duckdb.DuckDBPyConnection, directory: Path | str, fmt: str = "parquet") -> None:
    """Create the scoring relations (see scoring.RELATIONS) straight from source files.

    Employers are numbered by CR number and workers by permit number (their import order); used
    to score a world without a database (tests of the analytics, the benchmark's yardstick).
    """
    folder = Path(directory)

    def src(name: str) -> str:
        path = (folder / f"{name}.{fmt}").as_posix().replace("'", "''")
        return f"read_parquet('{path}')" if fmt == "parquet" else f"read_csv('{path}', header=true, all_varchar=true)"

    con.execute(
        f"CREATE OR REPLACE TABLE emp_keys AS SELECT cr_number, row_number() OVER () AS id FROM {src('employers')}"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE employers AS SELECT k.id, e.isic_section, e.size_band FROM {src('employers')} e "
        "JOIN emp_keys k USING (cr_number)"
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE worksites AS SELECT row_number() OVER () AS id, s.site_code, k.id AS employer_id
            FROM {src("worksites")} s JOIN emp_keys k USING (cr_number)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE workers AS SELECT row_number() OVER () AS id, w.permit_number, k.id AS employer_id,
            s.id AS worksite_id, w.nationality, w.start_date::DATE AS start_date
            FROM {src("workers")} w JOIN emp_keys k USING (cr_number) LEFT JOIN worksites s ON s.site_code = w.site_code"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE wages AS SELECT wk.id AS worker_id, k.id AS employer_id,
            (g.month || '-01')::DATE AS month, g.expected::DOUBLE AS expected, g.paid::DOUBLE AS paid,
            nullif(g.paid_on, '')::DATE AS paid_on
            FROM {src("wages")} g JOIN workers wk USING (permit_number) JOIN emp_keys k ON k.cr_number = g.cr_number"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE complaints AS SELECT k.id AS employer_id, wk.id AS worker_id, c.type,
            c.filed_on::DATE AS filed_on
            FROM {src("complaints")} c JOIN emp_keys k USING (cr_number)
            LEFT JOIN workers wk ON wk.permit_number = nullif(c.permit_number, '')"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE absconding AS SELECT k.id AS employer_id, wk.id AS worker_id,
            a.filed_on::DATE AS filed_on
            FROM {src("absconding")} a JOIN emp_keys k USING (cr_number) LEFT JOIN workers wk USING (permit_number)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE transfers AS SELECT k.id AS from_employer_id, wk.id AS worker_id,
            t.transferred_on::DATE AS transferred_on
            FROM {src("transfers")} t JOIN emp_keys k ON k.cr_number = t.from_cr_number
            LEFT JOIN workers wk USING (permit_number)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE inspections AS SELECT k.id AS employer_id, i.visited_on::DATE AS visited_on,
            i.violation_found::BOOLEAN AS violation_found FROM {src("inspections")} i JOIN emp_keys k USING (cr_number)"""
    )


def planted_ids(con: duckdb.DuckDBPyConnection, directory: Path | str) -> set[int]:
    """The ids (as numbered by `relations_from_sources`) of the planted employers."""
    path = (Path(directory) / "truth" / "planted.parquet").as_posix().replace("'", "''")
    rows = con.execute(f"SELECT k.id FROM read_parquet('{path}') p JOIN emp_keys k USING (cr_number)").fetchall()
    return {int(r[0]) for r in rows}
