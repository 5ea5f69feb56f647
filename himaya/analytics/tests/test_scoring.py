"""Scoring rules on tiny worlds (no Django)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from himaya.analytics import scoring, world

WEIGHTS = scoring.load_weights()
AS_OF = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("code", "value", "count", "points"),
    [
        ("unpaid_3m", 0.05, 5, 0),  # below the first tier
        ("unpaid_3m", 0.10, 5, 15),
        ("unpaid_3m", 0.40, 5, 30),
        ("unpaid_3m", 0.90, 5, 40),
        ("unpaid_3m", 0.90, 1, 0),  # one unpaid worker is not a pattern
        ("passport_retention", 9.0, 3, 35),
        ("passport_retention", 9.0, 1, 0),
        ("abuse", 1.0, 1, 15),
    ],
)
def test_an_indicator_awards_the_points_of_the_highest_tier_reached(code, value, count, points) -> None:
    indicator = next(i for i in WEIGHTS.indicators if i.code == code)
    assert indicator.points_for(value, count) == points


def test_unknown_versions_and_features_are_refused() -> None:
    with pytest.raises(ValueError):
        scoring.load_weights("1999.9")
    with pytest.raises(ValueError):
        scoring.parse_weights(
            {
                "version": "x",
                "indicators": [
                    {"code": "a", "feature": "nope", "min_count_feature": "workers", "tiers": [{"at": 1, "points": 1}]}
                ],
            }
        )


def _tiny() -> duckdb.DuckDBPyConnection:
    """Employer 1 stops paying 3 of its 4 workers for 4 months and holds passports; 2 and 3 pay."""
    con = duckdb.connect()
    con.register("e", pa.table({"id": [1, 2, 3], "isic_section": ["F", "F", "T"], "size_band": ["micro"] * 3}))
    con.execute("CREATE TABLE employers AS SELECT * FROM e")
    workers = [(w, 1 + (w - 1) // 4) for w in range(1, 13)]
    con.execute(
        "CREATE TABLE workers (id BIGINT, employer_id BIGINT, worksite_id BIGINT, nationality VARCHAR, start_date DATE)"
    )
    con.executemany("INSERT INTO workers VALUES (?, ?, ?, 'IN', DATE '2024-01-01')", [(w, e, e) for w, e in workers])
    con.execute("CREATE TABLE worksites AS SELECT id, id AS employer_id FROM employers")
    con.execute(
        "CREATE TABLE wages (worker_id BIGINT, employer_id BIGINT, month DATE, expected DOUBLE, paid DOUBLE, paid_on DATE)"
    )
    rows = []
    for w, e in workers:
        for m in range(1, 12):
            month = dt.date(2026, m, 1)
            unpaid = e == 1 and w % 4 != 0 and m >= 7
            rows.append(
                (w, e, month, 200.0, 0.0 if unpaid else 200.0, None if unpaid else month + dt.timedelta(days=35))
            )
    con.executemany("INSERT INTO wages VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE complaints (employer_id BIGINT, worker_id BIGINT, type VARCHAR, filed_on DATE)")
    con.executemany("INSERT INTO complaints VALUES (1, 1, 'passport_retention', DATE '2026-06-01')", [()] * 2)
    for name, cols in (
        ("absconding", "employer_id BIGINT, worker_id BIGINT, filed_on DATE"),
        ("transfers", "from_employer_id BIGINT, worker_id BIGINT, transferred_on DATE"),
        ("inspections", "employer_id BIGINT, visited_on DATE, violation_found BOOLEAN"),
    ):
        con.execute(f"CREATE TABLE {name} ({cols})")
    return con


def test_the_employer_withholding_wages_ranks_first_with_its_reasons() -> None:
    con = _tiny()
    scored = scoring.score(con, scoring.employer_features(con, as_of=AS_OF), WEIGHTS).to_pylist()
    assert [r["employer_id"] for r in scored] == [1, 2, 3]
    assert scored[1]["score"] == scored[2]["score"] == 0
    reasons = scoring.reasons(scored[0], WEIGHTS)
    by_code = {r["code"]: r for r in reasons}
    assert by_code["unpaid_3m"]["value"] == 0.75 and by_code["unpaid_3m"]["count"] == 3
    assert by_code["unpaid_3m"]["fl"] == ["FL08"]
    assert by_code["passport_retention"]["count"] == 2
    assert sum(r["points"] for r in reasons) == scored[0]["score"]


def test_sql_and_python_scoring_agree() -> None:
    con = _tiny()
    features = scoring.employer_features(con, as_of=AS_OF)
    in_sql = {r["employer_id"]: r["score"] for r in scoring.score(con, features, WEIGHTS).to_pylist()}
    in_python = {r["employer_id"]: r["score"] for r in scoring.score_rows(features.to_pylist(), WEIGHTS)}
    assert in_sql == in_python


def test_planted_employers_are_found_at_the_budget_and_random_is_not(tmp_path) -> None:
    world.generate(tmp_path, scale=world.Scale(employers=2000, workers=24000, agencies=20), as_of=AS_OF, seed=3)
    con = duckdb.connect()
    world.relations_from_sources(con, tmp_path)
    ranked = scoring.score(con, scoring.employer_features(con, as_of=AS_OF), WEIGHTS).column("employer_id").to_pylist()
    planted = world.planted_ids(con, tmp_path)
    k = scoring.budget_size(len(ranked), 0.02)
    assert scoring.hit_rate_at(ranked, planted, k) >= 0.8
    assert scoring.hit_rate_at(scoring.random_ranking(ranked, seed=1), planted, k) < 0.2


@pytest.mark.parametrize(
    ("ranked", "positives", "k", "hit", "recall"),
    [([1, 2, 3, 4], {1, 3}, 2, 0.5, 0.5), ([1, 2, 3, 4], {1, 2}, 2, 1.0, 1.0), ([], {1}, 1, 0.0, 0.0)],
)
def test_hit_rate_and_recall(ranked, positives, k, hit, recall) -> None:
    assert scoring.hit_rate_at(ranked, positives, k) == hit
    assert scoring.recall_at(ranked, positives, k) == recall


def test_fairness_counts_flagged_employers_and_workers_per_group() -> None:
    con = _tiny()
    scored = scoring.score(con, scoring.employer_features(con, as_of=AS_OF), WEIGHTS)
    labels = pa.table({"employer_id": pa.array([1], pa.int64()), "violation": [True]})
    report = scoring.fairness(con, scored, k=1, labels=labels)
    sectors = {r["group"]: r for r in report["sectors"]}
    assert sectors["F"]["flagged"] == 1 and sectors["F"]["total"] == 2 and sectors["F"]["hit_rate"] == 1.0
    assert sectors["T"]["flagged"] == 0 and sectors["T"]["hit_rate"] is None
    assert report["nationalities"][0]["group"] == "IN" and report["nationalities"][0]["flagged"] == 4


def test_worksite_scores_point_at_the_site_where_wages_are_withheld() -> None:
    """Employer 1's unpaid workers (1-3) are placed at its site 11, worker 4 at site 12."""
    con = _tiny()
    con.execute("INSERT INTO worksites VALUES (11, 1), (12, 1)")
    con.execute("UPDATE workers SET worksite_id = CASE WHEN id = 4 THEN 12 ELSE 11 END WHERE employer_id = 1")
    employers, sites = scoring.features(con, as_of=AS_OF)
    assert sites is not None
    by_site = {r["worksite_id"]: r for r in scoring.score(con, sites, WEIGHTS).to_pylist()}
    assert by_site[11]["workers"] == 3 and by_site[11]["unpaid_3m_workers"] == 3
    assert by_site[11]["unpaid_3m_share"] == 1.0 and by_site[11]["passport_retention"] == 2
    assert by_site[12]["unpaid_3m_workers"] == 0 and by_site[12]["score"] < by_site[11]["score"]
    assert by_site[11]["rank"] == 1 and by_site[11]["employer_id"] == 1
    # The employer's own figures are those of all its workers.
    first = {r["employer_id"]: r for r in employers.to_pylist()}[1]
    assert first["workers"] == 4 and first["unpaid_3m_share"] == 0.75


def test_the_wage_summary_counts_months_like_the_wage_rows() -> None:
    con = _tiny()
    con.execute(f"CREATE TABLE wm AS {scoring.wage_months_sql('wages')}")
    rows = con.execute("SELECT worker_id, era, bit_count(present), bit_count(unpaid) FROM wm ORDER BY 1").fetchall()
    assert len(rows) == 12  # one row per worker: eleven months of 2026 fall in one era
    assert rows[0][2:] == (11, 5) and rows[3][2:] == (11, 0)  # worker 1 unpaid Jul-Nov, worker 4 paid
    masks = scoring.window_masks(dt.date(2025, 12, 1), dt.date(2026, 12, 1))
    assert sum(bin(mask).count("1") for _, mask in masks) == 12


def test_rescore_in_one_query_gives_the_same_ranking_as_features_then_score() -> None:
    con = _tiny()
    employers, sites = scoring.rescore(con, as_of=AS_OF, weights=WEIGHTS)
    features, site_features = scoring.features(con, as_of=AS_OF)
    assert employers.to_pylist() == scoring.score(con, features, WEIGHTS).to_pylist()
    assert sites is not None and site_features is not None
    assert sites.to_pylist() == scoring.score(con, site_features, WEIGHTS).to_pylist()
