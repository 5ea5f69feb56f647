"""The case API: same scope as the pages, refusals in the one error shape, responses as the schema says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache

from himaya.api.services import token_issue
from himaya.api.tests import test_contract as contract_module
from himaya.cases import services
from himaya.cases.models import Case

REASONS = "Credible account of deception and passport retention."


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


def bearer(user: Any) -> dict[str, str]:
    _, plaintext = token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_case_api_is_scoped_and_answers_as_its_schema_says(cast, client, open_case, referred_case, clock) -> None:
    contract = contract_module.Contract(contract_module.generate_schema())
    alice, pete, carol, bob = (bearer(u) for u in (cast.alice, cast.pete, cast.carol, cast.bob))
    epc_case = open_case(cast.alice)
    police_case = referred_case(cast.pete)

    listing = contract.check(client.get("/api/v1/cases/", **alice))
    assert [row["reference"] for row in listing["results"]] == [epc_case.reference]
    national = contract.check(client.get("/api/v1/cases/", {"stage": "rg_pending"}, **carol))
    assert [row["reference"] for row in national["results"]] == [police_case.reference]
    contract.check(client.get("/api/v1/cases/", {"stage": "nope"}, **alice))  # 400
    contract.check(client.get(f"/api/v1/cases/{police_case.pk}/", **carol))
    contract.check(client.get(f"/api/v1/cases/{police_case.pk}/", **alice))  # 404
    contract.check(client.get(f"/api/v1/cases/{police_case.pk}/timeline/", **pete))
    contract.check(client.get(f"/api/v1/cases/{police_case.pk}/timeline/", **bob))  # 404

    moved = contract.check(
        post(client, f"/api/v1/cases/{epc_case.pk}/transitions/", {"event": "document"}, bob), "post"
    )
    assert moved["stage"] == "documentation"
    refused = contract.check(
        post(client, f"/api/v1/cases/{epc_case.pk}/transitions/", {"event": "reintegrate"}, bob), "post"
    )
    assert refused["error"]["code"] == "invalid"
    contract.check(post(client, f"/api/v1/cases/{epc_case.pk}/transitions/", {"event": "document"}, pete), "post")

    decision = {"kind": "rg", "outcome": "positive", "deciding_org": "Police", "reasons": REASONS}
    contract.check(post(client, f"/api/v1/cases/{police_case.pk}/decisions/", decision, pete), "post")  # 404
    contract.check(
        post(client, f"/api/v1/cases/{police_case.pk}/decisions/", {**decision, "reasons": "short"}, carol), "post"
    )
    made = contract.check(post(client, f"/api/v1/cases/{police_case.pk}/decisions/", decision, carol), "post")
    assert made["stage"] == "recovery_period"
    assert Case.objects.get(pk=police_case.pk).stage == "recovery_period"

    assigned = contract.check(
        post(client, f"/api/v1/cases/{epc_case.pk}/assignment/", {"assigned_to": cast.bob.pk}, alice), "post"
    )
    assert assigned["assigned_to"] == cast.bob.pk
    contract.check(
        post(client, f"/api/v1/cases/{epc_case.pk}/assignment/", {"assigned_to": cast.pete.pk}, alice), "post"
    )  # 400: not a colleague
    contract.check(post(client, f"/api/v1/cases/{epc_case.pk}/assignment/", {"assigned_to": None}, pete), "post")

    negative = referred_case(cast.pete)
    services.decision_record(
        actor=cast.carol, case=negative, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Police"
    )
    ask = f"/api/v1/cases/{negative.pk}/reconsideration/"
    contract.check(post(client, ask, {"reasons": "short"}, pete), "post")  # 400
    asked = contract.check(post(client, ask, {"reasons": "A new statement from the shelter."}, pete), "post")
    assert asked["stage"] == "reconsideration"

    ours = {(t, m) for t, ops in contract.schema["paths"].items() if t.startswith("/api/v1/cases/") for m in ops}
    exercised = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    assert ours <= exercised
    assert {s for _, _, s in contract.checked} >= {"200", "201", "400", "404"}
