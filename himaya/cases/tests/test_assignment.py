"""Assigning a case to a colleague of the owning agency, on the case page and through the API."""

from __future__ import annotations

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases.models import TimelineEntry


def test_a_case_worker_assigns_a_case_to_a_colleague(cast, client, open_case) -> None:
    case = open_case(cast.alice)
    login(client, cast.alice)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="assign-form"' in page and cast.bob.full_name in page
    assert cast.pete.full_name not in page  # another agency's staff are never offered

    response = client.post(f"/cases/{case.pk}/assign/", {"assigned_to": cast.bob.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == cast.bob
    assert TimelineEntry.objects.filter(case=case, kind="assign", summary="assigned").exists()
    assert AuditEvent.objects.filter(
        action="cases.case.assign", object_id=str(case.pk), actor_id=cast.alice.pk
    ).exists()


def test_it_unassigns_with_nobody(cast, client, open_case) -> None:
    case = open_case(cast.alice)
    login(client, cast.alice)
    client.post(f"/cases/{case.pk}/assign/", {"assigned_to": cast.bob.pk})
    assert client.post(f"/cases/{case.pk}/assign/", {"assigned_to": ""}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to is None


def test_it_refuses_someone_outside_the_owning_agency_and_changes_nothing(cast, client, open_case) -> None:
    case = open_case(cast.alice)
    cast.alice.language = "en"
    cast.alice.save(update_fields=["language"])
    login(client, cast.alice)
    for outsider in (cast.pete, cast.adam, cast.gone):  # another agency; an analyst; deactivated
        response = client.post(f"/cases/{case.pk}/assign/", {"assigned_to": outsider.pk})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == cast.alice  # the opener, from case_open
    assert not AuditEvent.objects.filter(action="cases.case.assign").exists()


def test_the_api_assigns_and_names_a_wrong_colleague(cast, open_case) -> None:
    from rest_framework.test import APIClient

    case = open_case(cast.alice)
    api = APIClient()
    login(api, cast.bob)
    ok = api.post(f"/api/v1/cases/{case.pk}/assignment/", {"assigned_to": cast.sam.pk}, format="json")
    assert ok.status_code == 200 and ok.json()["assigned_to"] == cast.sam.pk

    wrong = api.post(f"/api/v1/cases/{case.pk}/assignment/", {"assigned_to": cast.pete.pk}, format="json")
    assert wrong.status_code == 400
    assert "assigned_to" in wrong.json()["error"]["fields"]
    case.refresh_from_db()
    assert case.assigned_to == cast.sam


def test_another_agency_cannot_assign_and_gets_404(cast, client, open_case) -> None:
    case = open_case(cast.alice)
    login(client, cast.pete)
    assert client.post(f"/cases/{case.pk}/assign/", {"assigned_to": cast.pete.pk}).status_code == 404
    case.refresh_from_db()
    assert case.assigned_to == cast.alice
