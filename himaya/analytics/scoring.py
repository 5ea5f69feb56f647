# ruff: noqa: S608, E501  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""Explainable employer risk scoring over the whole labour market, in DuckDB (no Django).

Input: a DuckDB connection with these relations (views over a Parquet snapshot, see
`connect_snapshot`, or any tables of the same shape):

    employers(id BIGINT, isic_section VARCHAR, size_band VARCHAR)
    workers(id BIGINT, employer_id BIGINT, nationality VARCHAR, start_date DATE)
    wages(worker_id BIGINT, employer_id BIGINT, month DATE, expected DOUBLE, paid DOUBLE, paid_on DATE)
    complaints(employer_id BIGINT, type VARCHAR, filed_on DATE)
    absconding(employer_id BIGINT, filed_on DATE)
    transfers(from_employer_id BIGINT, transferred_on DATE)
    inspections(employer_id BIGINT, visited_on DATE, violation_found BOOLEAN)

`employer_features` computes one row of indicator values per employer over the window (the last
`window_months` months before `as_of`); `score` turns them into points with the versioned weights
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
RELATIONS = ("employers", "workers", "wages", "complaints", "absconding", "transfers", "inspections")


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


def employer_features(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, window_months: int = 12) -> pa.Table:
    """One row per employer with every value in FEATURES (and employer_id, isic_section)."""
    start = _month_start(as_of, window_months)
    complaint_counts = ",\n".join(f"count(*) FILTER (WHERE type = '{t}') AS {t}" for t in COMPLAINT_TYPES)
    complaint_cols = ",\n".join(
        f"coalesce(cp.{t}, 0) AS {t}, 100.0 * coalesce(cp.{t}, 0) / greatest(coalesce(wk.workers, 0), 1) AS {t}_per100"
        for t in COMPLAINT_TYPES
    )
    sql = f"""
    WITH wm AS (
        SELECT worker_id, employer_id,
               count(*) FILTER (WHERE paid < 0.5 * expected) AS unpaid_m,
               count(*) FILTER (WHERE paid >= 0.5 * expected AND (paid_on IS NULL OR paid_on > month + INTERVAL 40 DAY)) AS late_m,
               count(*) FILTER (WHERE paid >= 0.5 * expected AND paid < 0.9 * expected) AS under_m,
               count(*) AS months
        FROM wages WHERE month >= $start AND month < $as_of
        GROUP BY worker_id, employer_id
    ), we AS (
        SELECT employer_id,
               count(*) FILTER (WHERE unpaid_m >= 3) AS unpaid_3m_workers,
               count(*) FILTER (WHERE late_m >= 3) AS late_3m_workers,
               sum(under_m) AS underpaid_months,
               sum(months) AS pay_months,
               count(*) AS paid_workers
        FROM wm GROUP BY employer_id
    ), wk AS (
        SELECT employer_id, count(*) AS workers FROM workers GROUP BY employer_id
    ), cp AS (
        SELECT employer_id, {complaint_counts}
        FROM complaints WHERE filed_on >= $start AND filed_on < $as_of GROUP BY employer_id
    ), ab AS (
        SELECT employer_id, count(*) AS absconding FROM absconding
        WHERE filed_on >= $start AND filed_on < $as_of GROUP BY employer_id
    ), tr AS (
        SELECT from_employer_id AS employer_id, count(*) AS transfers_out FROM transfers
        WHERE transferred_on >= $start AND transferred_on < $as_of GROUP BY from_employer_id
    ), pi AS (
        SELECT employer_id, count(*) FILTER (WHERE violation_found) AS previous_violations
        FROM inspections WHERE visited_on < $as_of GROUP BY employer_id
    ), sec AS (
        SELECT e.isic_section, count(*) AS sector_inspections,
               avg(CASE WHEN i.violation_found THEN 1.0 ELSE 0.0 END) AS sector_violation_rate
        FROM inspections i JOIN employers e ON e.id = i.employer_id
        WHERE i.visited_on < $as_of AND i.violation_found IS NOT NULL GROUP BY e.isic_section
    )
    SELECT e.id AS employer_id, e.isic_section,
           coalesce(wk.workers, 0) AS workers,
           coalesce(we.unpaid_3m_workers, 0) AS unpaid_3m_workers,
           coalesce(we.unpaid_3m_workers, 0) / greatest(coalesce(we.paid_workers, 0), 1)::DOUBLE AS unpaid_3m_share,
           coalesce(we.late_3m_workers, 0) AS late_3m_workers,
           coalesce(we.late_3m_workers, 0) / greatest(coalesce(we.paid_workers, 0), 1)::DOUBLE AS late_3m_share,
           coalesce(we.underpaid_months, 0) AS underpaid_months,
           coalesce(we.underpaid_months, 0) / greatest(coalesce(we.pay_months, 0), 1)::DOUBLE AS underpaid_share,
           {complaint_cols},
           coalesce(ab.absconding, 0) AS absconding,
           100.0 * coalesce(ab.absconding, 0) / greatest(coalesce(wk.workers, 0), 1) AS absconding_per100,
           coalesce(tr.transfers_out, 0) AS transfers_out,
           100.0 * coalesce(tr.transfers_out, 0) / greatest(coalesce(wk.workers, 0), 1) AS transfers_out_per100,
           coalesce(pi.previous_violations, 0) AS previous_violations,
           coalesce(sec.sector_inspections, 0) AS sector_inspections,
           coalesce(sec.sector_violation_rate, 0.0) AS sector_violation_rate
    FROM employers e
    LEFT JOIN wk ON wk.employer_id = e.id
    LEFT JOIN we ON we.employer_id = e.id
    LEFT JOIN cp ON cp.employer_id = e.id
    LEFT JOIN ab ON ab.employer_id = e.id
    LEFT JOIN tr ON tr.employer_id = e.id
    LEFT JOIN pi ON pi.employer_id = e.id
    LEFT JOIN sec ON sec.isic_section = e.isic_section
    """
    return con.sql(sql, params={"start": start, "as_of": as_of}).to_arrow_table()


def _points_sql(indicator: Indicator) -> str:
    cases = " ".join(
        f"WHEN {indicator.feature} >= {tier.at!r} THEN {tier.points}"
        for tier in sorted(indicator.tiers, key=lambda t: -t.at)
    )
    return (
        f"CASE WHEN {indicator.min_count_feature} < {indicator.min_count} THEN 0 "
        f"ELSE (CASE {cases} ELSE 0 END) END AS pts_{indicator.code}"
    )


def score(con: duckdb.DuckDBPyConnection, features: pa.Table, weights: Weights) -> pa.Table:
    """Features plus `pts_<code>` per indicator, `score` and `rank` (1 = highest risk).

    Ties are broken by workforce (more workers exposed first), then by employer id, so the
    ranking is deterministic.
    """
    con.register("features_in", features)
    points = ",\n".join(_points_sql(i) for i in weights.indicators)
    total = " + ".join(f"pts_{i.code}" for i in weights.indicators) or "0"
    try:
        return con.sql(
            f"""
            WITH p AS (SELECT *, {points} FROM features_in)
            SELECT *, ({total})::INTEGER AS score,
                   row_number() OVER (ORDER BY ({total}) DESC, workers DESC, employer_id) AS rank
            FROM p ORDER BY rank
            """
        ).to_arrow_table()
    finally:
        con.unregister("features_in")


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
