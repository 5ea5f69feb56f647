"""People through the API: scoped to the caller's agency, every read audited, writes through services."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from himaya.audit.models import AuditEvent
from himaya.people.models import Person
from himaya.people.services import person_create

PEOPLE = "/api/v1/people/"


def test_the_list_shows_only_the_callers_agencys_people(cast, client, bearer, people) -> None:
    body = client.get(PEOPLE, **bearer(cast.bob)).json()
    assert {row["id"] for row in body["results"]} == {people["maria"].pk, people["lina"].pk}
    assert body["count"] == 2
    police = client.get(PEOPLE, **bearer(cast.pete)).json()
    assert [row["id"] for row in police["results"]] == [people["rina"].pk]


def test_another_agencys_person_is_404_and_the_attempt_is_audited(cast, client, bearer, people) -> None:
    rina = people["rina"]
    response = client.get(f"{PEOPLE}{rina.pk}/", **bearer(cast.bob))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    denial = AuditEvent.objects.get(action="people.person.view", outcome="denied")
    assert (denial.actor_id, denial.object_id) == (cast.bob.pk, str(rina.pk))
    assert (
        client.patch(
            f"{PEOPLE}{rina.pk}/",
            json.dumps({"given_name_latin": "X"}),
            content_type="application/json",
            **bearer(cast.bob),
        ).status_code
        == 404
    )
    rina.refresh_from_db()
    assert rina.given_name_latin == "Rina"


def test_roles_without_need_to_know_see_an_empty_list(cast, client, bearer, people) -> None:
    for who in ("adam", "audrey", "dora"):
        body = client.get(PEOPLE, **bearer(cast.users[who])).json()
        assert body["results"] == [], who


def test_a_list_audits_which_people_it_returned_by_id(cast, client, bearer, people) -> None:
    client.get(PEOPLE, **bearer(cast.bob))
    event = AuditEvent.objects.get(action="people.person.list")
    assert event.actor_id == cast.bob.pk
    assert sorted(event.detail.removeprefix("ids:").split(",")) == sorted(
        [str(people["maria"].pk), str(people["lina"].pk)]
    )
    assert "Maria" not in event.detail and "P1234567" not in event.detail


def test_a_detail_read_is_audited_with_field_names(cast, client, bearer, people) -> None:
    maria = people["maria"]
    body = client.get(f"{PEOPLE}{maria.pk}/", **bearer(cast.bob)).json()
    assert body["given_name_latin"] == "Maria"
    assert body["reference"] == maria.reference
    event = AuditEvent.objects.get(action="people.person.view", outcome="ok")
    assert event.object_id == str(maria.pk)
    assert "document_number" in event.fields


def test_it_finds_people_by_exact_document_or_phone(cast, client, bearer, people) -> None:
    headers = bearer(cast.bob)
    by_document = client.get(PEOPLE, {"document": "p 123-4567"}, **headers).json()
    assert [r["id"] for r in by_document["results"]] == [people["maria"].pk]
    by_phone = client.get(PEOPLE, {"phone": "+973 3312 3456"}, **headers).json()
    assert [r["id"] for r in by_phone["results"]] == [people["maria"].pk]
    # Another agency's document number finds nothing, not even a hint.
    other = client.get(PEOPLE, {"document": "X7654321"}, **headers).json()
    assert other["results"] == []


def test_it_creates_a_person_for_the_callers_agency(cast, client, bearer) -> None:
    response = client.post(
        PEOPLE,
        json.dumps({"given_name_latin": "Ana", "nationality": "ph", "date_of_birth": "1990-04-01"}),
        content_type="application/json",
        **bearer(cast.alice),
    )
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.owner_agency_id, person.nationality, str(person.date_of_birth)) == (
        cast.alice.agency_id,
        "PH",
        "1990-04-01",
    )
    event = AuditEvent.objects.get(action="people.person.create")
    assert "Ana" not in event.detail


def test_bad_input_changes_nothing(cast, client, bearer) -> None:
    response = client.post(
        PEOPLE,
        json.dumps({"given_name_latin": "Ana", "gender": "robot", "date_of_birth": "soon"}),
        content_type="application/json",
        **bearer(cast.alice),
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"gender", "date_of_birth"}
    assert not Person.objects.exists()


def test_it_updates_only_the_fields_sent(cast, client, bearer, people) -> None:
    maria = people["maria"]
    response = client.patch(
        f"{PEOPLE}{maria.pk}/",
        json.dumps({"phone": "+973 3399 8877"}),
        content_type="application/json",
        **bearer(cast.bob),
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+97333998877"
    maria.refresh_from_db()
    assert (maria.given_name_latin, maria.document_number) == ("Maria", "P1234567")
    event = AuditEvent.objects.get(action="people.person.update")
    assert event.fields == "phone"


def test_a_misspelt_field_is_an_error_not_ignored(cast, client, bearer, people) -> None:
    maria = people["maria"]
    response = client.patch(
        f"{PEOPLE}{maria.pk}/",
        json.dumps({"given_name": "Marie"}),
        content_type="application/json",
        **bearer(cast.bob),
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["given_name"]


def test_api_answers_are_never_cached(cast, client, bearer, people) -> None:
    assert client.get(PEOPLE, **bearer(cast.bob))["Cache-Control"] == "no-store"


def test_put_is_not_offered(cast, client, bearer, people) -> None:
    response = client.put(
        f"{PEOPLE}{people['maria'].pk}/",
        json.dumps({"given_name_latin": "X"}),
        content_type="application/json",
        **bearer(cast.bob),
    )
    assert response.status_code == 405


def test_a_longer_list_costs_no_extra_queries(cast, client, bearer, people) -> None:
    headers = bearer(cast.bob)
    client.get(PEOPLE, **headers)  # token use recorded once; not part of the comparison

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PEOPLE, **headers).status_code == 200
        return len(captured)

    few = queries()
    for n in range(15):
        person_create(actor=cast.bob, given_name_latin=f"Person {n}")
    assert queries() == few
