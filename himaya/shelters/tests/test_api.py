"""Shelter API: every operation answers as the schema says, including the 409 of a lost bed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.api.services import token_issue
from himaya.api.tests.test_contract import Contract, generate_schema
from himaya.shelters.api import BedTakenConflict
from himaya.shelters.models import Stay
from himaya.shelters.tests.conftest import build_shelter, free_bed


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


def test_the_shelter_endpoints_answer_as_the_schema_says(schema, cast, client, shelter, make_referral) -> None:
    contract = Contract(schema)
    supervisor = User.objects.create(email="sara@example.org", full_name="Sara", agency=cast.agencies["shelter"])
    UserRole.objects.create(user=supervisor, role=Role.SUPERVISOR)
    sheila, bob, pete, sara, adam = (_bearer(u) for u in (cast.sheila, cast.bob, cast.pete, supervisor, cast.adam))
    annex = build_shelter(shelter.operator, code="annex", beds={"women": 1})

    listed = contract.check(client.get("/api/v1/shelters/facilities/", **pete))
    assert {s["code"] for s in listed["results"]} == {"aman", "annex"}
    contract.check(client.get(f"/api/v1/shelters/facilities/{shelter.pk}/", **pete))
    contract.check(client.get("/api/v1/shelters/facilities/999999/", **pete))  # 404
    occupancy = contract.check(client.get("/api/v1/shelters/occupancy/", **pete))
    assert {row["shelter"]["code"]: row["free"] for row in occupancy} == {"aman": 3, "annex": 1}

    referral, other = make_referral(), make_referral()
    bed = free_bed(shelter)
    contract.check(
        _post(client, "/api/v1/shelters/admissions/", {"referral": referral.pk, "bed": bed.pk}, pete), "post"
    )
    contract.check(_post(client, "/api/v1/shelters/admissions/", {"referral": referral.pk}, sheila), "post")  # 400
    stay = contract.check(
        _post(client, "/api/v1/shelters/admissions/", {"referral": referral.pk, "bed": bed.pk}, sheila), "post"
    )
    assert stay["bed"] == bed.pk and stay["ended_at"] is None
    lost = contract.check(
        _post(client, "/api/v1/shelters/admissions/", {"referral": other.pk, "bed": bed.pk}, sheila), "post"
    )
    with translation.override("ar"):  # the API speaks the caller's language: Arabic by default
        assert lost["error"] == {**lost["error"], "code": "bed_taken", "message": str(BedTakenConflict.default_detail)}
    beds = contract.check(client.get(f"/api/v1/shelters/facilities/{shelter.pk}/beds/", **pete))
    assert {b["id"]: b["state"] for b in beds}[bed.pk] == "occupied"

    contract.check(client.get("/api/v1/shelters/stays/", **sheila))
    status_only = contract.check(client.get(f"/api/v1/shelters/stays/{stay['id']}/", **bob))
    assert status_only["bed"] is None and status_only["absences"] == []  # the referring agency: status only
    contract.check(client.get(f"/api/v1/shelters/stays/{stay['id']}/", **pete))  # 404
    contract.check(client.get("/api/v1/shelters/stays/", **adam))  # 404: no shelter or case role

    back = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    absence = contract.check(
        _post(
            client,
            f"/api/v1/shelters/stays/{stay['id']}/absences/",
            {"reason": "hospital", "expected_back": back},
            sheila,
        ),
        "post",
    )
    contract.check(
        _post(client, f"/api/v1/shelters/stays/{stay['id']}/absences/", {"reason": "x", "expected_back": back}, sheila),
        "post",
    )  # 400
    contract.check(_post(client, f"/api/v1/shelters/absences/{absence['id']}/return/", {}, sheila), "post")

    moved = contract.check(
        _post(client, f"/api/v1/shelters/stays/{stay['id']}/transfer/", {"bed": free_bed(annex).pk}, sheila), "post"
    )
    assert moved["shelter"] == annex.pk and moved["transferred_from"] == stay["id"]
    discharged = contract.check(
        _post(
            client,
            f"/api/v1/shelters/stays/{moved['id']}/discharge/",
            {"reason": "voluntary_return", "destination": "country_of_origin", "note": "Flight on Friday"},
            sheila,
        ),
        "post",
    )
    assert discharged["discharge_reason"] == "voluntary_return" and discharged["discharge_note"] == "Flight on Friday"

    closed = contract.check(_post(client, f"/api/v1/shelters/beds/{bed.pk}/close/", {"reason": "Leak"}, sara), "post")
    assert closed["state"] == "closed"
    contract.check(_post(client, f"/api/v1/shelters/beds/{bed.pk}/close/", {"reason": "Leak"}, sheila), "post")  # 404
    contract.check(_post(client, f"/api/v1/shelters/beds/{bed.pk}/reopen/", {}, sara), "post")

    from himaya.cases.services import case_open

    night = case_open(
        actor=cast.alice, person=other.case.person, category="abuse", channel="hotline", occurred_at=timezone.now()
    )
    emergency = contract.check(
        _post(
            client,
            "/api/v1/shelters/emergency-admissions/",
            {"case": night.pk, "bed": free_bed(shelter).pk, "reason": "Found at night"},
            _bearer(cast.alice),
        ),
        "post",
    )
    assert Stay.objects.get(pk=emergency["id"]).needs_review

    # Facility management, by the operator's supervisor (sara); the service provider gets 404.
    body = {"name_ar": "دار جديدة", "name_en": "New House", "capacity": {"women": 2, "girls": 1}}
    contract.check(_post(client, "/api/v1/shelters/managed/", body, sheila), "post")  # 404
    contract.check(_post(client, "/api/v1/shelters/managed/", {**body, "capacity": {"pets": 1}}, sara), "post")  # 400
    created = contract.check(_post(client, "/api/v1/shelters/managed/", body, sara), "post")
    assert created["capacity"] == {"women": 2, "men": 0, "children_with_carer": 0, "boys": 0, "girls": 1}
    contract.check(client.get("/api/v1/shelters/managed/", **sara))
    contract.check(client.get(f"/api/v1/shelters/managed/{created['id']}/", **sara))
    new_id = created["id"]
    changed = contract.check(
        client.put(
            f"/api/v1/shelters/managed/{new_id}/",
            json.dumps({**body, "accessibility": ["wheelchair"], "capacity": {"women": 3}}),
            content_type="application/json",
            **sara,
        ),
        "put",
    )
    assert changed["capacity"]["women"] == 3 and changed["accessibility"] == ["wheelchair"]
    rooms = contract.check(client.get(f"/api/v1/shelters/facilities/{new_id}/rooms/", **pete))
    room = contract.check(
        _post(
            client, f"/api/v1/shelters/facilities/{new_id}/rooms/", {"name": "East", "group": "men", "beds": 1}, sara
        ),
        "post",
    )
    assert room["beds"] == 1 and len(rooms) == 2
    contract.check(client.get(f"/api/v1/shelters/rooms/{room['id']}/", **pete))
    contract.check(
        client.put(
            f"/api/v1/shelters/rooms/{room['id']}/",
            json.dumps({"name": "East wing", "group": "men", "accessibility": ["step_free"]}),
            content_type="application/json",
            **sara,
        ),
        "put",
    )
    added = contract.check(_post(client, f"/api/v1/shelters/rooms/{room['id']}/beds/", {"count": 2}, sara), "post")
    contract.check(
        client.put(
            f"/api/v1/shelters/beds/{added[0]['id']}/",
            json.dumps({"label": "Window"}),
            content_type="application/json",
            **sara,
        ),
        "put",
    )
    contract.check(_post(client, f"/api/v1/shelters/beds/{added[1]['id']}/retire/", {}, sara), "post")
    contract.check(_post(client, f"/api/v1/shelters/beds/{added[1]['id']}/retire/", {}, sara), "post")  # 404: retired

    # Closing a shelter (nobody lives in this new one) and reopening it.
    active = f"/api/v1/shelters/managed/{new_id}/active/"
    contract.check(_post(client, active, {"active": "maybe"}, sara), "post")  # 400
    contract.check(_post(client, active, {"active": False}, sheila), "post")  # 404: not a manager
    closed = contract.check(_post(client, active, {"active": False}, sara), "post")
    assert closed["is_active"] is False
    facilities = contract.check(client.get("/api/v1/shelters/facilities/", **pete))["results"]
    assert new_id not in [f["id"] for f in facilities]  # a closed shelter is no longer listed
    assert contract.check(_post(client, active, {"active": True}, sara), "post")["is_active"] is True

    from himaya.shelters import services as shelter_services

    waiting = shelter_services.waiting_add(actor=cast.sheila, referral=make_referral(), group="women")
    listed = contract.check(client.get("/api/v1/shelters/waiting-list/", **sheila))
    assert [e["id"] for e in listed] == [waiting.pk]
    contract.check(
        _post(client, f"/api/v1/shelters/waiting-list/{waiting.pk}/priority/", {"priority": 1}, sheila), "post"
    )
    contract.check(
        _post(client, f"/api/v1/shelters/waiting-list/{waiting.pk}/withdraw/", {"reason": ""}, sheila), "post"
    )
    gone = contract.check(
        _post(client, f"/api/v1/shelters/waiting-list/{waiting.pk}/withdraw/", {"reason": "Found family"}, sheila),
        "post",
    )
    assert (gone["resolution"], gone["priority"]) == ("withdrawn", 1)

    ours = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    declared = {(t, m) for t, ops in schema["paths"].items() for m in ops if t.startswith("/api/v1/shelters/")}
    assert ours == declared, f"never exercised: {declared - ours}"
    assert {s for _, _, s in contract.checked} >= {"200", "201", "400", "404", "409"}
