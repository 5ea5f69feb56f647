"""The audit trail for auditors, and the staff list for agency administrators."""

from __future__ import annotations

from himaya.audit.models import AuditEvent
from himaya.audit.services import audit_record

EVENTS = "/api/v1/audit/events/"
STAFF = "/api/v1/staff/"


def test_only_auditors_browse_the_audit_trail(cast, client, bearer) -> None:
    assert client.get(EVENTS, **bearer(cast.audrey)).status_code == 200
    for who in ("bob", "dora", "sysop", "carol"):
        assert client.get(EVENTS, **bearer(cast.users[who])).status_code == 404, who


def test_it_filters_events(cast, client, bearer, people) -> None:
    audit_record(actor=cast.bob, action="people.person.view", obj=people["maria"])
    headers = bearer(cast.audrey)
    body = client.get(EVENTS, {"action": "people.person.view", "actor": cast.bob.pk}, **headers).json()
    assert [(e["action"], e["actor_id"], e["object_id"]) for e in body["results"]] == [
        ("people.person.view", cast.bob.pk, str(people["maria"].pk))
    ]
    by_object = client.get(
        EVENTS, {"object_type": "people.person", "object_id": str(people["rina"].pk)}, **headers
    ).json()
    assert {e["action"] for e in by_object["results"]} == {"people.person.create"}


def test_time_filters_and_bad_filters(cast, client, bearer) -> None:
    headers = bearer(cast.audrey)
    assert client.get(EVENTS, {"until": "2000-01-01T00:00:00Z"}, **headers).json()["results"] == []
    assert client.get(EVENTS, {"since": "2000-01-01T00:00:00Z"}, **headers).json()["results"] != []
    response = client.get(EVENTS, {"actor": "bob", "since": "yesterday"}, **headers)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"actor", "since"}


def test_events_are_paged_newest_first_with_a_cursor(cast, client, bearer) -> None:
    for n in range(5):
        audit_record(actor=None, action=f"test.event{n}")
    headers = bearer(cast.audrey)
    first = client.get(EVENTS, {"page_size": 2}, **headers).json()
    seqs = [e["seq"] for e in first["results"]]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 2
    second = client.get(first["next"], **headers).json()
    assert max(e["seq"] for e in second["results"]) < min(seqs)


def test_browsing_the_trail_is_itself_audited(cast, client, bearer) -> None:
    client.get(EVENTS, {"action": "x", "object_type": "", "since": "2000-01-01T00:00:00Z"}, **bearer(cast.audrey))
    event = AuditEvent.objects.filter(action="audit.browse").get()
    assert (event.actor_id, event.outcome, event.detail) == (cast.audrey.pk, "ok", "filters:action,since")


def test_a_refused_browse_is_audited_as_denied(cast, client, bearer) -> None:
    client.get(EVENTS, **bearer(cast.bob))
    event = AuditEvent.objects.filter(action="audit.browse").get()
    assert (event.actor_id, event.outcome) == (cast.bob.pk, "denied")


def test_an_agency_admin_lists_their_own_agencys_staff(cast, client, bearer) -> None:
    body = client.get(STAFF, {"page_size": 100}, **bearer(cast.dora)).json()
    emails = {row["email"] for row in body["results"]}
    assert "alice@example.org" in emails and "gone@example.org" in emails
    assert "pete@example.org" not in emails and "paula@example.org" not in emails
    police = client.get(STAFF, **bearer(cast.paula)).json()
    assert {row["email"] for row in police["results"]} == {"pete@example.org", "paula@example.org"}


def test_staff_who_do_not_administer_get_404(cast, client, bearer) -> None:
    for who in ("bob", "audrey", "carol"):
        assert client.get(STAFF, **bearer(cast.users[who])).status_code == 404, who
