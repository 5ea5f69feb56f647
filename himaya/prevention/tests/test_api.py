"""The prevention API: same scope as the pages, responses as the schema says."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from himaya.api.services import token_issue
from himaya.api.tests import test_contract as contract_module
from himaya.prevention import services
from himaya.prevention.management.commands.seed_prevention import seed


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


def bearer(user: Any) -> dict[str, str]:
    _, plaintext = token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_the_prevention_api_is_scoped_and_answers_as_its_schema_says(cast, client) -> None:
    contract = contract_module.Contract(contract_module.generate_schema())
    seed("tiny", seed=5)
    run = services.scoring_run_execute(services.scoring_run_create(actor=cast.sam).pk)
    plan = services.plan_create(actor=cast.sam, run=run, inspectors=1, days=1, visits_per_day=2, random_share=0, seed=1)
    first = plan.items.order_by("priority").first()
    services.inspection_assign(actor=cast.sam, inspection=first, inspector=cast.ines)
    sam, ines, adam, pete = (bearer(u) for u in (cast.sam, cast.ines, cast.adam, cast.pete))

    ranking = contract.check(client.get("/api/v1/prevention/ranking/", **sam))
    assert ranking["run"] == run.pk and ranking["results"][0]["rank"] == 1
    assert ranking["results"][0]["reasons"] and ranking["results"][0]["reasons"][0]["text"]
    from himaya.prevention.models import WorksiteRiskScore

    by_cr = {r["cr_number"]: r for r in ranking["results"]}
    stored = WorksiteRiskScore.objects.filter(run=run).select_related("employer", "worksite")
    assert stored.exists()
    for site in stored:  # every worksite score of a ranked employer is given beside it
        if site.employer.cr_number in by_cr:
            shown = {w["site_code"]: w for w in by_cr[site.employer.cr_number]["worksites"]}
            assert shown[site.worksite.site_code]["score"] == site.score
            assert shown[site.worksite.site_code]["rank"] == site.rank
    for row in ranking["results"]:
        scores = [w["score"] for w in row["worksites"]]
        assert scores == sorted(scores, reverse=True)
    contract.check(client.get("/api/v1/prevention/ranking/", **adam))  # 404: analysts see aggregates only
    mine = contract.check(client.get("/api/v1/prevention/inspections/", **ines))
    assert [row["reference"] for row in mine] == [first.reference]
    assert len(contract.check(client.get("/api/v1/prevention/inspections/", **sam))) == 2
    contract.check(client.get("/api/v1/prevention/inspections/", **pete))  # 404
    dashboard = contract.check(client.get("/api/v1/prevention/dashboard/", **adam))
    assert dashboard["employers_scored"] == 80 and dashboard["hit_rates"][0]["plan"] == plan.pk

    ours = {(t, m) for t, ops in contract.schema["paths"].items() if t.startswith("/api/v1/prevention/") for m in ops}
    exercised = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    assert ours and ours <= exercised
