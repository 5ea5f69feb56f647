# ruff: noqa: S608  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""Explainable employer risk scoring over the whole labour market, in DuckDB (no Django).

Input: a DuckDB connection with these relations (views over a Parquet snapshot, see
`connect_snapshot`, or any tables of the same shape):

    employers(id BIGINT, isic_section VARCHAR, size_band VARCHAR)
    worksites(id BIGINT, employer_id BIGINT)
    workers(id BIGINT, employer_id BIGINT, worksite_id BIGINT, nationality VARCHAR, start_date DATE)
    wage_months(worker_id BIGINT, employer_id BIGINT, era SMALLINT,
                present BIGINT, unpaid BIGINT, late BIGINT, under BIGINT)   -- see wage_months_sql
    complaints(employer_id BIGINT, worker_id BIGINT, type VARCHAR, filed_on DATE)
    absconding(employer_id BIGINT, worker_id BIGINT, filed_on DATE)
    transfers(from_employer_id BIGINT, worker_id BIGINT, transferred_on DATE)
    inspections(employer_id BIGINT, visited_on DATE, violation_found BOOLEAN)

(`wages(worker_id, employer_id, month, expected, paid, paid_on)` rows may stand in for
`wage_months`: they are summarised on the fly.) `employer_features` computes one row of
indicator values per employer over the window (the last `window_months` months before `as_of`),
`worksite_features` the same per worksite; `score` turns them into points with the versioned weights
(`weights/<version>.json`): each indicator adds the points of the highest tier its value reaches,
provided its count reaches `min_count` (two complaints at a two-person firm are not a pattern).
Every point awarded comes with its reason code, so a score can always be explained.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

WEIGHTS_DIR = Path(__file__).with_name("weights")
DEFAULT_VERSION = "2026.1"
COMPLAINT_TYPES = ("unpaid_wages", "passport_retention", "recruitment_fees", "excessive_hours", "housing", "abuse")
RELATIONS = (
    "employers",
    "worksites",
    "workers",
    "wage_months",
    "complaints",
    "absconding",
    "transfers",
    "inspections",
)


@dataclass(frozen=True)
class Tier:
    at: float
    points: int


@dataclass(frozen=True)
class Indicator:
    code: str
    feature: str
    fl: tuple[str, ...]
    min_count_feature: str
    min_count: int
    tiers: tuple[Tier, ...]

    def points_for(self, value: float, count: float) -> int:
        if count < self.min_count:
            return 0
        reached = [t.points for t in self.tiers if value >= t.at]
        return max(reached, default=0)


@dataclass(frozen=True)
class Weights:
    version: str
    window_months: int
    indicators: tuple[Indicator, ...]

    @property
    def max_points(self) -> int:
        return sum(max(t.points for t in i.tiers) for i in self.indicators)


def available_versions() -> list[str]:
    return sorted(p.stem for p in WEIGHTS_DIR.glob("*.json"))


def load_weights(version: str = DEFAULT_VERSION) -> Weights:
    """The weights of one version (a JSON file under weights/); ValueError if unknown or malformed."""
    if version not in available_versions():
        raise ValueError(f"unknown weights version {version!r}")
    return parse_weights(json.loads((WEIGHTS_DIR / f"{version}.json").read_text(encoding="utf-8")))


def parse_weights(data: dict[str, Any]) -> Weights:
    indicators = []
    for item in data["indicators"]:
        tiers = tuple(
            sorted((Tier(at=float(t["at"]), points=int(t["points"])) for t in item["tiers"]), key=lambda t: t.at)
        )
        if not tiers or any(t.points < 0 for t in tiers):
            raise ValueError(f"indicator {item['code']!r} needs tiers with non-negative points")
        if item["feature"] not in FEATURES or item["min_count_feature"] not in FEATURES:
            raise ValueError(f"indicator {item['code']!r} names an unknown feature")
        indicators.append(
            Indicator(
                code=str(item["code"]),
                feature=str(item["feature"]),
                fl=tuple(item.get("fl", ())),
                min_count_feature=str(item["min_count_feature"]),
                min_count=int(item.get("min_count", 0)),
                tiers=tiers,
            )
        )
    return Weights(
        version=str(data["version"]), window_months=int(data.get("window_months", 12)), indicators=tuple(indicators)
    )


# Every feature `employer_features` produces (the weights may only name these).
FEATURES = (
    "workers",
    "unpaid_3m_workers",
    "unpaid_3m_share",
    "late_3m_workers",
    "late_3m_share",
    "underpaid_months",
    "underpaid_share",
    *COMPLAINT_TYPES,
    *(f"{t}_per100" for t in COMPLAINT_TYPES),
    "absconding",
    "absconding_per100",
    "transfers_out",
    "transfers_out_per100",
    "previous_violations",
    "sector_inspections",
    "sector_violation_rate",
)


def connect_snapshot(
    directory: Path | str, *, threads: int | None = None, memory_limit: str = "1GB"
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose relations are views over `<directory>/<relation>.parquet`."""
    con = duckdb.connect(":memory:", config={"memory_limit": memory_limit})
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    folder = Path(directory)
    for name in RELATIONS:
        path = (folder / f"{name}.parquet").as_posix().replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con


def _month_start(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


# How one wage row counts (shared by the importer, which keeps `wage_months`, and by tests).
UNPAID = "paid < 0.5 * expected"
LATE = "paid >= 0.5 * expected AND (paid_on IS NULL OR paid_on > month + INTERVAL 40 DAY)"
UNDER = "paid >= 0.5 * expected AND paid < 0.9 * expected"


# Wage months are kept as bit masks per era of 48 months (four years): bit i of era e is the
# month with index e * 48 + i, where a month's index is year * 12 + month - 1.
ERA_MONTHS = 48


def wage_months_sql(source: str = "wages") -> str:
    """DuckDB SQL turning wage rows (`source`) into `wage_months` rows.

    One row per worker, employer and era (ERA_MONTHS months) with four bit masks: months paid
    for at all, unpaid (less than half paid), paid late (after 40 days, or never dated), paid
    below 90 % of the contract. A year of a worker's wage rows becomes one row (two when the
    year crosses an era's end), so scoring reads a twelfth of the rows.
    """
    index = "(year(month) * 12 + month(month) - 1)"
    bit = f"(1::BIGINT << ({index} % {ERA_MONTHS}))"
    return f"""
        SELECT worker_id, employer_id, ({index} // {ERA_MONTHS})::SMALLINT AS era,
               sum({bit})::BIGINT AS present,
               coalesce(sum({bit}) FILTER (WHERE {UNPAID}), 0)::BIGINT AS unpaid,
               coalesce(sum({bit}) FILTER (WHERE {LATE}), 0)::BIGINT AS late,
               coalesce(sum({bit}) FILTER (WHERE {UNDER}), 0)::BIGINT AS under
        FROM {source} GROUP BY ALL
    """


def _ensure_relations(con: duckdb.DuckDBPyConnection) -> None:
    """`wage_months` from raw `wages` when only those are given (tests, worlds read from files)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "wage_months" not in names and "wages" in names:
        con.execute(f"CREATE TEMPORARY VIEW wage_months AS {wage_months_sql('wages')}")
    if "worksites" not in names:
        con.execute(
            "CREATE TEMPORARY VIEW worksites AS SELECT NULL::BIGINT AS id, NULL::BIGINT AS employer_id WHERE false"
        )


def window_masks(start: dt.date, as_of: dt.date) -> list[tuple[int, int]]:
    """(era, mask) of the months in [start, as_of)."""
    masks: dict[int, int] = {}
    index = start.year * 12 + start.month - 1
    end = as_of.year * 12 + as_of.month - 1 + (1 if as_of.day > 1 else 0)
    while index < end:
        era, bit = divmod(index, ERA_MONTHS)
        masks[era] = masks.get(era, 0) | (1 << bit)
        index += 1
    return sorted(masks.items())


def _window_values(start: dt.date, as_of: dt.date) -> str:
    return ", ".join(f"({era}, {mask}::BIGINT)" for era, mask in window_masks(start, as_of)) or "(0, 0::BIGINT)"


def _prepare_window(con: duckdb.DuckDBPyConnection, start: dt.date, as_of: dt.date) -> None:
    """Per-worker tables both units are computed from (each read of the large relations once).

    f_wm: per worker and paying employer, the months unpaid, late, underpaid and paid in the
    window, with the worker's worksite when they are still placed at that employer (f_we: its
    counts per employer and worksite; f_wk: the workforce likewise); f_ev: the complaints,
    absconding reports and transfers of the window, with the worksite likewise.
    """
    masks = window_masks(start, as_of)
    columns = {r[0] for r in con.execute("DESCRIBE wage_months").fetchall()}
    # A snapshot's wage_months may carry the worker's worksite already (joined when written).
    if "worksite_id" in columns:
        site, join = "g.worksite_id", ""
    else:
        site, join = "w.worksite_id", "LEFT JOIN workers w ON w.id = g.worker_id AND w.employer_id = g.employer_id"
    counts = ",\n".join(
        f"sum(bit_count(g.{m} & win.mask)) AS {name}"
        for m, name in (("unpaid", "unpaid_m"), ("late", "late_m"), ("under", "under_m"), ("present", "months"))
    )
    if len(masks) == 1:
        # The usual case: the window lies in one era, so each worker and employer has one row.
        era, mask = masks[0]
        con.execute(
            f"""
            CREATE OR REPLACE TEMPORARY TABLE f_wm AS
            SELECT g.worker_id, g.employer_id, {site} AS worksite_id,
                   bit_count(g.unpaid & {mask}::BIGINT) AS unpaid_m, bit_count(g.late & {mask}::BIGINT) AS late_m,
                   bit_count(g.under & {mask}::BIGINT) AS under_m, bit_count(g.present & {mask}::BIGINT) AS months
            FROM wage_months g {join}
            WHERE g.era = {era} AND g.present & {mask}::BIGINT <> 0
            """
        )
    else:
        con.execute(
            f"""
            CREATE OR REPLACE TEMPORARY TABLE f_wm AS
            WITH win(era, mask) AS (VALUES {_window_values(start, as_of)})
            SELECT g.worker_id, g.employer_id, any_value({site}) AS worksite_id, {counts}
            FROM wage_months g JOIN win ON win.era = g.era {join}
            WHERE g.present & win.mask <> 0
            GROUP BY g.worker_id, g.employer_id
            """
        )
    # Both units add up these per (employer, worksite) counts (a worksite NULL: not placed there).
    con.execute(
        """
        CREATE OR REPLACE TEMPORARY TABLE f_we AS
        SELECT employer_id, worksite_id,
               count(*) FILTER (WHERE unpaid_m >= 3) AS unpaid_3m_workers,
               count(*) FILTER (WHERE late_m >= 3) AS late_3m_workers,
               sum(under_m) AS underpaid_months, sum(months) AS pay_months, count(*) AS paid_workers
        FROM f_wm GROUP BY employer_id, worksite_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMPORARY TABLE f_wk AS
        SELECT employer_id, worksite_id, count(*) AS workers FROM workers GROUP BY employer_id, worksite_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMPORARY TABLE f_ev AS
        SELECT x.employer_id, w.worksite_id, x.type AS kind FROM complaints x
        LEFT JOIN workers w ON w.id = x.worker_id AND w.employer_id = x.employer_id
        WHERE x.filed_on >= $start AND x.filed_on < $as_of
        UNION ALL
        SELECT x.employer_id, w.worksite_id, 'absconding' FROM absconding x
        LEFT JOIN workers w ON w.id = x.worker_id AND w.employer_id = x.employer_id
        WHERE x.filed_on >= $start AND x.filed_on < $as_of
        UNION ALL
        SELECT x.from_employer_id, w.worksite_id, 'transfers_out' FROM transfers x
        LEFT JOIN workers w ON w.id = x.worker_id AND w.employer_id = x.from_employer_id
        WHERE x.transferred_on >= $start AND x.transferred_on < $as_of
        """,
        {"start": start, "as_of": as_of},
    )


def _features_sql(unit: str) -> str:
    """Indicator values per employer (`unit` = "employer") or per worksite ("worksite").

    A worksite's values come from the workers placed there (wages paid by its employer,
    complaints, absconding reports and transfers naming those workers); earlier violations and
    the sector's base rate are its employer's. Reads f_wm and f_ev (`_prepare_window`).
    """
    kinds = (*COMPLAINT_TYPES, "absconding", "transfers_out")
    event_counts = ",\n".join(f"count(*) FILTER (WHERE kind = '{t}') AS {t}" for t in kinds)
    per100 = ",\n".join(
        f"coalesce(ev.{t}, 0) AS {t}, 100.0 * coalesce(ev.{t}, 0) / greatest(coalesce(wk.workers, 0), 1) AS {t}_per100"
        for t in kinds
    )
    key = "employer_id" if unit == "employer" else "worksite_id"
    if unit == "employer":
        unit_from = "employers e"
        unit_cols = "e.id AS employer_id, e.isic_section"
        unit_id = "e.id"
    else:
        unit_from = "worksites s JOIN employers e ON e.id = s.employer_id"
        unit_cols = "s.id AS worksite_id, e.id AS employer_id, e.isic_section"
        unit_id = "s.id"
    return f"""
    WITH we AS (
        SELECT {key} AS unit, sum(unpaid_3m_workers) AS unpaid_3m_workers, sum(late_3m_workers) AS late_3m_workers,
               sum(underpaid_months) AS underpaid_months, sum(pay_months) AS pay_months,
               sum(paid_workers) AS paid_workers
        FROM f_we WHERE {key} IS NOT NULL GROUP BY {key}
    ), wk AS (
        SELECT {key} AS unit, sum(workers) AS workers FROM f_wk WHERE {key} IS NOT NULL GROUP BY {key}
    ), ev AS (
        SELECT {key} AS unit, {event_counts} FROM f_ev WHERE {key} IS NOT NULL GROUP BY {key}
    ), pi AS (
        SELECT employer_id, count(*) FILTER (WHERE violation_found) AS previous_violations
        FROM inspections WHERE visited_on < $as_of GROUP BY employer_id
    ), sec AS (
        SELECT e.isic_section, count(*) AS sector_inspections,
               avg(CASE WHEN i.violation_found THEN 1.0 ELSE 0.0 END) AS sector_violation_rate
        FROM inspections i JOIN employers e ON e.id = i.employer_id
        WHERE i.visited_on < $as_of AND i.violation_found IS NOT NULL GROUP BY e.isic_section
    )
    SELECT {unit_cols},
           coalesce(wk.workers, 0) AS workers,
           coalesce(we.unpaid_3m_workers, 0) AS unpaid_3m_workers,
           coalesce(we.unpaid_3m_workers, 0) / greatest(coalesce(we.paid_workers, 0), 1)::DOUBLE AS unpaid_3m_share,
           coalesce(we.late_3m_workers, 0) AS late_3m_workers,
           coalesce(we.late_3m_workers, 0) / greatest(coalesce(we.paid_workers, 0), 1)::DOUBLE AS late_3m_share,
           coalesce(we.underpaid_months, 0) AS underpaid_months,
           coalesce(we.underpaid_months, 0) / greatest(coalesce(we.pay_months, 0), 1)::DOUBLE AS underpaid_share,
           {per100},
           coalesce(pi.previous_violations, 0) AS previous_violations,
           coalesce(sec.sector_inspections, 0) AS sector_inspections,
           coalesce(sec.sector_violation_rate, 0.0) AS sector_violation_rate
    FROM {unit_from}
    LEFT JOIN wk ON wk.unit = {unit_id}
    LEFT JOIN we ON we.unit = {unit_id}
    LEFT JOIN ev ON ev.unit = {unit_id}
    LEFT JOIN pi ON pi.employer_id = e.id
    LEFT JOIN sec ON sec.isic_section = e.isic_section
    """


def features(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, window_months: int = 12, worksites: bool = True
) -> tuple[pa.Table, pa.Table | None]:
    """Employer features and (if `worksites`) worksite features, from one pass over the relations."""
    _ensure_relations(con)
    start = _month_start(as_of, window_months)
    _prepare_window(con, start, as_of)
    employers = con.sql(_features_sql("employer"), params={"as_of": as_of}).to_arrow_table()
    sites = con.sql(_features_sql("worksite"), params={"as_of": as_of}).to_arrow_table() if worksites else None
    return employers, sites


def employer_features(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, window_months: int = 12) -> pa.Table:
    """One row per employer with every value in FEATURES (and employer_id, isic_section)."""
    return features(con, as_of=as_of, window_months=window_months, worksites=False)[0]


def worksite_features(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, window_months: int = 12) -> pa.Table:
    """One row per worksite with every value in FEATURES (and worksite_id, employer_id, isic_section)."""
    sites = features(con, as_of=as_of, window_months=window_months)[1]
    assert sites is not None
    return sites


def _points_sql(indicator: Indicator) -> str:
    cases = " ".join(
        f"WHEN {indicator.feature} >= {tier.at!r} THEN {tier.points}"
        for tier in sorted(indicator.tiers, key=lambda t: -t.at)
    )
    return (
        f"CASE WHEN {indicator.min_count_feature} < {indicator.min_count} THEN 0 "
        f"ELSE (CASE {cases} ELSE 0 END) END AS pts_{indicator.code}"
    )


def _score_sql(source: str, key: str, weights: Weights) -> str:
    points = ",\n".join(_points_sql(i) for i in weights.indicators)
    total = " + ".join(f"pts_{i.code}" for i in weights.indicators) or "0"
    return f"""
        WITH p AS (SELECT *, {points} FROM {source})
        SELECT *, ({total})::INTEGER AS score,
               row_number() OVER (ORDER BY ({total}) DESC, workers DESC, {key}) AS rank
        FROM p ORDER BY rank
    """


def score(con: duckdb.DuckDBPyConnection, features: pa.Table, weights: Weights) -> pa.Table:
    """Features plus `pts_<code>` per indicator, `score` and `rank` (1 = highest risk).

    Ties are broken by workforce (more workers exposed first), then by employer (or worksite)
    id, so the ranking is deterministic. Worksite features (with `worksite_id`) are scored with
    the same weights.
    """
    key = "worksite_id" if "worksite_id" in features.column_names else "employer_id"
    con.register("features_in", features)
    try:
        return con.sql(_score_sql("features_in", key, weights)).to_arrow_table()
    finally:
        con.unregister("features_in")


def rescore(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, weights: Weights, worksites: bool = True
) -> tuple[pa.Table, pa.Table | None]:
    """Scored employers and (if `worksites`) worksites: features and points in one query each.

    The same as `score(features(...))`, without handing the features over as Arrow in between.
    """
    _ensure_relations(con)
    start = _month_start(as_of, weights.window_months)
    _prepare_window(con, start, as_of)
    params = {"as_of": as_of}
    employers = con.sql(
        _score_sql(f"({_features_sql('employer')})", "employer_id", weights), params=params
    ).to_arrow_table()
    sites = None
    if worksites:
        sites = con.sql(
            _score_sql(f"({_features_sql('worksite')})", "worksite_id", weights), params=params
        ).to_arrow_table()
    return employers, sites


def reasons(row: dict[str, Any], weights: Weights) -> list[dict[str, Any]]:
    """The reason codes behind one scored row, highest points first (what the page explains)."""
    out = []
    for indicator in weights.indicators:
        points = int(row.get(f"pts_{indicator.code}") or 0)
        if points <= 0:
            continue
        out.append(
            {
                "code": indicator.code,
                "points": points,
                "value": round(float(row[indicator.feature]), 4),
                "count": int(row[indicator.min_count_feature]),
                "fl": list(indicator.fl),
            }
        )
    return sorted(out, key=lambda r: (-r["points"], r["code"]))


def score_rows(features: Iterable[dict[str, Any]], weights: Weights) -> list[dict[str, Any]]:
    """Pure-Python scoring of a few rows (the same rule as `score`; used to explain and to test)."""
    scored = []
    for row in features:
        pts = {i.code: i.points_for(float(row[i.feature]), float(row[i.min_count_feature])) for i in weights.indicators}
        scored.append({**row, **{f"pts_{c}": p for c, p in pts.items()}, "score": sum(pts.values())})
    scored.sort(key=lambda r: (-r["score"], -int(r["workers"]), int(r["employer_id"])))
    for rank, row in enumerate(scored, start=1):
        row["rank"] = rank
    return scored


# --- Measuring a ranking --------------------------------------------------------------------------
def budget_size(total: int, share: float) -> int:
    return max(1, round(total * share)) if total else 0


def hit_rate_at(ranked_ids: Sequence[int], positives: set[int], k: int) -> float:
    """Share of the top k that are positive (precision at the budget)."""
    top = ranked_ids[:k]
    return sum(1 for i in top if i in positives) / len(top) if top else 0.0


def recall_at(ranked_ids: Sequence[int], positives: set[int], k: int) -> float:
    """Share of all positives found in the top k."""
    if not positives:
        return 0.0
    return sum(1 for i in ranked_ids[:k] if i in positives) / len(positives)


def random_ranking(ids: Sequence[int], *, seed: int = 0) -> list[int]:
    shuffled = list(ids)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def fairness(
    con: duckdb.DuckDBPyConnection, scored: pa.Table, *, k: int, labels: pa.Table | None = None
) -> dict[str, list[dict[str, Any]]]:
    """How the top k spreads over sectors and over workers' nationalities, and its hit rate there.

    `labels(employer_id, violation BOOLEAN)` are the known outcomes (inspections); the hit rate of a
    group is the share of its flagged, labelled employers (or their workers) found in violation.
    """
    con.register("scored_in", scored)
    if labels is None:
        labels = pa.table({"employer_id": pa.array([], pa.int64()), "violation": pa.array([], pa.bool_())})
    con.register("labels_in", labels)
    try:
        base = f"""
            WITH s AS (SELECT employer_id, isic_section, rank <= {int(k)} AS flagged FROM scored_in),
            l AS (SELECT employer_id, bool_or(violation) AS violation FROM labels_in GROUP BY employer_id)
        """
        sectors = con.execute(
            base
            + """
            SELECT s.isic_section AS grp, count(*) AS employers, count(*) FILTER (WHERE flagged) AS flagged,
                   count(l.violation) FILTER (WHERE flagged) AS flagged_labelled,
                   count(*) FILTER (WHERE flagged AND l.violation) AS flagged_hits
            FROM s LEFT JOIN l USING (employer_id) GROUP BY s.isic_section ORDER BY s.isic_section
            """
        ).fetchall()
        nationalities = con.execute(
            base
            + """
            SELECT w.nationality AS grp, count(*) AS workers, count(*) FILTER (WHERE flagged) AS flagged,
                   count(l.violation) FILTER (WHERE flagged) AS flagged_labelled,
                   count(*) FILTER (WHERE flagged AND l.violation) AS flagged_hits
            FROM workers w JOIN s ON s.employer_id = w.employer_id LEFT JOIN l ON l.employer_id = s.employer_id
            GROUP BY w.nationality ORDER BY count(*) DESC
            """
        ).fetchall()
    finally:
        con.unregister("scored_in")
        con.unregister("labels_in")

    def rows(result: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        out = []
        for grp, total, flagged, labelled, hits in result:
            out.append(
                {
                    "group": grp,
                    "total": int(total),
                    "flagged": int(flagged),
                    "flagged_share": flagged / total if total else 0.0,
                    "labelled": int(labelled),
                    "hits": int(hits),
                    "hit_rate": hits / labelled if labelled else None,
                }
            )
        return out

    return {"sectors": rows(sectors), "nationalities": rows(nationalities)}
