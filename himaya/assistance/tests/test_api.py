"""The care API: scoped like the pages, refusals in the one error shape, every operation answering
as the OpenAPI schema says (this module exercises every /api/v1/assistance/ operation)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from himaya.access.matrix import World
from himaya.agencies.models import AgencyService
from himaya.api.services import token_issue
from himaya.api.tests import test_contract as contract_module
from himaya.assistance import needs
from himaya.assistance.access_matrix import care_setup
from himaya.assistance.models import LabourClaim
from himaya.consent.services import consent_record

PREFIX = "/api/v1/assistance/"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


def bearer(user: Any) -> dict[str, str]:
    _, plaintext = token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def send(client: Any, method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **headers)


def test_the_care_api_is_scoped_and_answers_as_its_schema_says(w: World, client) -> None:
    contract = contract_module.Contract(contract_module.generate_schema())
    bob, pete, sheila, ivan, emil, adam = (bearer(u) for u in (w.bob, w.pete, w.sheila, w.ivan, w.emil, w.adam))
    AgencyService.objects.create(agency=w.cast.agencies["embassy_ph"], service_type="travel_documents")
    s = care_setup(w, exited=False)
    case = s.case.pk
    today = timezone.localdate().isoformat()

    ratings = [{"domain": d, "level": 3, "note": "x"} for d in needs.DOMAINS]
    contract.check(
        send(client, "post", f"{PREFIX}cases/{case}/needs-assessments/", {"occasion": "review"}, bob), "post"
    )
    made = contract.check(
        send(
            client,
            "post",
            f"{PREFIX}cases/{case}/needs-assessments/",
            {"occasion": "first_contact", "assessed_on": today, "ratings": ratings},
            bob,
        ),
        "post",
    )
    assert {r["direction"] for r in made["ratings"]} == {"new"}
    contract.check(client.get(f"{PREFIX}cases/{case}/needs-assessments/", **bob))
    contract.check(client.get(f"{PREFIX}cases/{case}/needs-assessments/", **pete))  # 404

    goal = contract.check(send(client, "post", f"{PREFIX}cases/{case}/goals/", {"description": "Go home"}, bob), "post")
    action_body = {
        "goal": goal["id"],
        "type": "Legal",
        "responsible_agency": w.cast.agencies["epc"].pk,
        "due_on": today,
    }
    action = contract.check(send(client, "post", f"{PREFIX}cases/{case}/actions/", action_body, bob), "post")
    assert action["referral"] is None
    contract.check(send(client, "post", f"{PREFIX}cases/{case}/actions/", {**action_body, "goal": 0}, bob), "post")
    plan = contract.check(client.get(f"{PREFIX}cases/{case}/care-plan/", **bob))
    assert [len(g["actions"]) for g in plan["goals"]] == [2, 1]

    contract.check(
        send(client, "post", f"{PREFIX}actions/{s.shelter.pk}/status/", {"status": "in_progress"}, sheila), "post"
    )
    contract.check(
        send(client, "post", f"{PREFIX}actions/{s.own.pk}/status/", {"status": "done"}, sheila), "post"
    )  # 404
    service = {"delivered_at": timezone.now().isoformat(), "duration_minutes": 45, "language": "tl", "outcome": "Room."}
    contract.check(send(client, "post", f"{PREFIX}actions/{s.shelter.pk}/services/", service, sheila), "post")
    contract.check(
        send(client, "post", f"{PREFIX}actions/{s.shelter.pk}/services/", {**service, "language": "Tagalog"}, sheila),
        "post",
    )  # 400
    logged = contract.check(client.get(f"{PREFIX}actions/{s.shelter.pk}/services/", **sheila))
    assert [r["agency"] for r in logged["results"]] == [w.cast.agencies["shelter"].pk]

    counsel = {"held_on": today, "language": "tl", "summary": "Explained rights."}
    contract.check(send(client, "post", f"{PREFIX}cases/{case}/counselling/", counsel, bob), "post")
    claim_body = {"party": s.employer.pk, "kind": "end_of_service", "amount": "1200.250", "currency": "bhd"}
    claim = contract.check(send(client, "post", f"{PREFIX}cases/{case}/labour-claims/", claim_body, bob), "post")
    assert (claim["amount"], claim["currency"]) == ("1200.250", "BHD")
    contract.check(
        send(client, "post", f"{PREFIX}cases/{case}/labour-claims/", {**claim_body, "currency": "dinar"}, bob), "post"
    )  # 400
    contract.check(
        send(client, "post", f"{PREFIX}labour-claims/{claim['id']}/status/", {"status": "filed"}, bob), "post"
    )
    court = {"at": (timezone.now() + dt.timedelta(days=9)).isoformat(), "court": "Labour Court", "claim": claim["id"]}
    hearing = contract.check(send(client, "post", f"{PREFIX}cases/{case}/court-appointments/", court, bob), "post")
    postponed = {"status": "postponed", "at": (timezone.now() + dt.timedelta(days=30)).isoformat()}
    moved = contract.check(send(client, "post", f"{PREFIX}court-appointments/{hearing['id']}/", postponed, bob), "post")
    assert moved["status"] == "postponed"
    contract.check(
        send(client, "post", f"{PREFIX}court-appointments/{hearing['id']}/", {"status": "held"}, bob), "post"
    )  # 400: not yet held, no outcome
    award = {"awarded_amount": "1000", "currency": "BHD", "awarded_on": today, "claim": claim["id"]}
    awarded = contract.check(send(client, "post", f"{PREFIX}cases/{case}/compensation/", award, bob), "post")
    paid = contract.check(
        send(client, "post", f"{PREFIX}compensation/{awarded['id']}/", {"paid_amount": "1000", "paid_on": today}, bob),
        "post",
    )
    assert paid["paid_amount"] == "1000.000"
    contract.check(
        send(client, "post", f"{PREFIX}compensation/{awarded['id']}/", {"paid_amount": "5000"}, bob), "post"
    )  # 400: more than awarded
    legal = contract.check(client.get(f"{PREFIX}cases/{case}/legal/", **bob))
    assert len(legal["claims"]) == 2 and len(legal["awards"]) == 1

    travel = contract.check(send(client, "post", f"{PREFIX}cases/{case}/travel-document/", {}, bob), "post")
    assert travel["pathway"] == "voluntary_return" and travel["travel_document_state"] == "sent"
    exit_body = {"pathway": "voluntary_return", "exit_clearance_on": today, "exited_on": today}
    out = contract.check(send(client, "put", f"{PREFIX}cases/{case}/exit-plan/", exit_body, bob), "put")
    assert [f["months_after_exit"] for f in out["follow_ups"]] == [1, 3, 6]
    contract.check(client.get(f"{PREFIX}cases/{case}/exit-plan/", **bob))
    contract.check(
        send(
            client,
            "post",
            f"{PREFIX}follow-ups/{out['follow_ups'][0]['id']}/",
            {"done_on": today, "outcome": "safe"},
            bob,
        ),
        "post",
    )
    closure = contract.check(client.get(f"{PREFIX}cases/{case}/closure-criteria/", **bob))
    assert closure["may_close"] is False and closure["unmet"]

    contract.check(client.get(f"{PREFIX}non-removal/", {"document": "P1234567"}, **ivan))
    contract.check(client.get(f"{PREFIX}non-removal/", {"document": "P1234567"}, **bob))  # 404
    contract.check(client.get(f"{PREFIX}non-removal/", **ivan))  # 400

    consent_record(actor=w.alice, person=w.person, purpose="share_embassy", given=True, language="tl")
    contract.check(client.get(f"{PREFIX}return-requests/", **bearer(_consul(w))))
    contract.check(client.get(f"{PREFIX}return-requests/", **bob))  # 404
    reports = contract.check(client.get(f"{PREFIX}reports/", **adam))
    assert {r["key"] for r in reports["exits_by_pathway"]} == {"voluntary_return"}
    contract.check(client.get(f"{PREFIX}reports/", **emil))  # 404

    assert LabourClaim.objects.filter(case_id=case).count() == 2
    ours = {(t, m) for t, ops in contract.schema["paths"].items() if t.startswith(PREFIX) for m in ops}
    exercised = {(t, m) for t, m, st in contract.checked if st.startswith("2")}
    assert ours <= exercised, f"not exercised: {ours - exercised}"
    assert {st for _, _, st in contract.checked} >= {"200", "201", "400", "404"}


def _consul(w: World) -> Any:
    from himaya.accounts.mfa import enrol_for_fixture
    from himaya.accounts.models import User, UserRole
    from himaya.testing import CAST_TOTP_SECRET

    consul = User.objects.create(
        email="consul.ph@example.org", full_name="Consul", agency=w.cast.agencies["embassy_ph"]
    )
    UserRole.objects.create(user=consul, role="case_worker")
    enrol_for_fixture(consul, CAST_TOTP_SECRET)
    return consul
