"""Referral API: a police or immigration system creates referrals and follows them; responses match the schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache

from himaya.api.services import token_issue
from himaya.api.tests.test_contract import Contract, generate_schema
from himaya.referrals.models import Referral, ReferralState


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return generate_schema()


def _bearer(user: Any) -> dict[str, str]:
    _, plaintext = token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_referral_endpoints_answer_as_the_schema_says(
    schema, cast, client, case, shelter, consent, make_case, person
) -> None:
    contract = Contract(schema)
    bob, sheila, pete, dora = (_bearer(u) for u in (cast.bob, cast.sheila, cast.pete, cast.dora))
    send = {"case": case.pk, "to_agency": shelter.pk, "service_type": "shelter", "urgency": "urgent"}

    refused = contract.check(_post(client, "/api/v1/referrals/", send, bob), "post")  # 400: no consent
    assert "consent" in refused["error"]["message"].lower() or refused["error"].get("fields")
    consent(case.person, agency=shelter)
    contract.check(_post(client, "/api/v1/referrals/", {**send, "case": 999999}, bob), "post")  # 404
    contract.check(_post(client, "/api/v1/referrals/", {**send, "colour": "red"}, bob), "post")  # 400
    created = contract.check(_post(client, "/api/v1/referrals/", send, bob), "post")
    assert created["state"] == "sent" and created["case_reference"] == case.reference
    pk = created["id"]

    inbox = contract.check(client.get("/api/v1/referrals/", {"box": "inbox"}, **sheila))
    assert [r["id"] for r in inbox["results"]] == [pk]
    outbox = contract.check(client.get("/api/v1/referrals/", {"box": "outbox"}, **sheila))
    assert outbox["results"] == []
    contract.check(client.get("/api/v1/referrals/", {"state": "lost"}, **bob))  # 400
    contract.check(client.get("/api/v1/referrals/", **dora))  # 404: not a referral role
    contract.check(client.get(f"/api/v1/referrals/{pk}/", **bob))
    contract.check(client.get(f"/api/v1/referrals/{pk}/", **pete))  # 404

    # The case's RG decision is negative: the shelter asks, through the referral, for reconsideration.
    from himaya.cases.services import case_transition, decision_record

    consent(case.person)
    nrm = case_transition(
        actor=cast.bob, case=case_transition(actor=cast.bob, case=case, event="document"), event="refer"
    )
    decision_record(
        actor=cast.carol, case=nrm, kind="rg", outcome="negative", reasons="No means were used.", deciding_org="Other"
    )
    ask = f"/api/v1/referrals/{pk}/reconsideration/"
    contract.check(_post(client, ask, {"reasons": ""}, sheila), "post")  # 400
    contract.check(_post(client, ask, {"reasons": "A new account of the recruitment."}, pete), "post")  # 404
    asked = contract.check(_post(client, ask, {"reasons": "A new account of the recruitment."}, sheila), "post")
    assert asked["id"] == pk

    contract.check(_post(client, f"/api/v1/referrals/{pk}/decline/", {"text": ""}, sheila), "post")  # 400
    contract.check(_post(client, f"/api/v1/referrals/{pk}/accept/", {}, pete), "post")  # 404
    contract.check(_post(client, f"/api/v1/referrals/{pk}/accept/", {}, sheila), "post")
    contract.check(_post(client, f"/api/v1/referrals/{pk}/start/", {}, sheila), "post")
    done = contract.check(_post(client, f"/api/v1/referrals/{pk}/complete/", {"text": "Placed"}, sheila), "post")
    assert done["state"] == "completed" and done["outcome"] == "Placed"
    assert [e["to_state"] for e in done["events"]] == ["sent", "accepted", "in_progress", "completed"]
    # The loop closed: the sender reads the outcome.
    assert contract.check(client.get(f"/api/v1/referrals/{pk}/", **bob))["outcome"] == "Placed"
    assert Referral.objects.get(pk=pk).state == ReferralState.COMPLETED

    ours = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    declared = {(t, m) for t, ops in schema["paths"].items() for m in ops if t.startswith("/api/v1/referrals/")}
    assert ours == declared
