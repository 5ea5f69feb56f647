"""The intake wizard: each step saved server-side, resumable by its author or a supervisor,
validated with clear errors, and submitted as one transaction (person, case, events, parties)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases.models import Case, HistoricEvent, InvolvedParty
from himaya.intake.models import IntakeDraft
from himaya.intake.services import draft_create, draft_save_step, draft_submit
from himaya.people.models import IdentityDocument, Person
from himaya.people.services import person_create


def _client(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


def _step_url(draft: IntakeDraft, step: int) -> str:
    return reverse("intake:step", kwargs={"pk": draft.pk, "step": step})


def _when() -> str:
    return (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


STEP1 = {"occurred_at": "", "location": "Manama office", "channel": "walk_in", "interpreter_language": "hi"}
STEP2 = {
    "given_name_latin": "Priya",
    "family_name_latin": "Kumar",
    "full_name_arabic": "بريا كومار",
    "gender": "Feminine",
    "date_of_birth": "1995-03-04",
    "nationality": "IN",
    "other_nationalities": ["NP"],
    "primary_language": "hi",
    "other_languages": ["en"],
    "document_type": "passport",
    "document_number": "Z 123-4567",
    "document_country": "IN",
    "phone": "+973 3312 3456",
}
STEP3 = {"category": "trafficking_suspicion", "exploitation_types": ["ForcedLabour", "Servitude"], "industry": "T"}
STEP4 = {
    "events-TOTAL_FORMS": "2",
    "events-INITIAL_FORMS": "0",
    "events-0-type": "Recruitment",
    "events-0-country": "IN",
    "events-0-place": "Kochi",
    "events-0-date_from": "2025-01-10",
    "events-1-type": "",
    "events-1-country": "",
    "parties-TOTAL_FORMS": "1",
    "parties-INITIAL_FORMS": "0",
    "parties-0-role": "Exploiter",
    "parties-0-name": "The employer",
    "parties-0-nationality": "BH",
}
STEP5 = {"safety_risk": "on", "notes": "Passport held by the employer."}


def _fill(client: Client, draft: IntakeDraft, *, step2: dict[str, Any] | None = None) -> None:
    for step, data in ((1, {**STEP1, "occurred_at": _when()}), (2, step2 or STEP2), (3, STEP3), (4, STEP4), (5, STEP5)):
        response = client.post(_step_url(draft, step), data)
        assert response.status_code == 302, (step, response.context and response.context.get("forms"))
        assert response.url == _step_url(draft, step + 1)


def test_each_step_is_saved_so_nothing_is_lost_when_the_browser_closes(cast) -> None:
    client = _client(cast.alice)
    response = client.post(reverse("intake:start"))
    draft = IntakeDraft.objects.get()
    assert response.url == _step_url(draft, 1)
    client.post(_step_url(draft, 1), {**STEP1, "occurred_at": _when()})
    draft.refresh_from_db()
    assert draft.current_step == 2
    assert draft.step_data(1)["location"] == "Manama office"
    # The stored draft is ciphertext: the place typed in is not readable in the database.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM intake_intakedraft WHERE id = %s", [draft.pk])
        assert "Manama" not in cursor.fetchone()[0]
    # A new browser session finds the draft in "My drafts" and the step filled in.
    fresh = _client(cast.alice)
    assert draft in fresh.get(reverse("intake:drafts")).context["drafts"]
    page = fresh.get(_step_url(draft, 1))
    assert page.status_code == 200
    assert "Manama office" in page.content.decode()


def test_a_supervisor_of_the_same_agency_may_resume_but_nobody_else(cast) -> None:
    draft = draft_create(actor=cast.alice)
    assert _client(cast.sam).get(_step_url(draft, 1)).status_code == 200
    assert draft in _client(cast.sam).get(reverse("intake:drafts")).context["drafts"]
    for other in (cast.bob, cast.carol, cast.pete, cast.dora):
        assert _client(other).get(_step_url(draft, 1)).status_code == 404, other
    assert draft not in _client(cast.bob).get(reverse("intake:drafts")).context["drafts"]


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (1, {**STEP1, "occurred_at": "2999-01-01T10:00"}, "The encounter cannot be in the future."),
        (1, {**STEP1, "occurred_at": "yesterday"}, "Enter a valid date/time."),
        (
            2,
            {**STEP2, "given_name_latin": "", "family_name_latin": "", "full_name_arabic": ""},
            "Give at least one name",
        ),
        (2, {**STEP2, "estimated_age": "30"}, "either the date of birth or an estimated age"),
        (2, {**STEP2, "phone": "12"}, "Enter a phone number with its country code"),
        (3, {**STEP3, "category": "nonsense"}, "Select a valid choice."),
        (4, {**STEP4, "events-0-country": ""}, "This field is required."),
        (4, {**STEP4, "events-0-date_to": "2024-01-01"}, "The end date is before the start date."),
    ],
)
def test_an_invalid_step_shows_a_clear_error_and_changes_nothing(cast, step, data, message) -> None:
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    _fill(client, draft)
    draft.refresh_from_db()
    before = (draft.data and draft.steps, draft.current_step)
    response = client.post(_step_url(draft, step), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert (draft.steps, draft.current_step) == before


def test_a_later_step_cannot_be_skipped_to(cast) -> None:
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    response = client.get(_step_url(draft, 4))
    assert response.status_code == 302 and response.url == _step_url(draft, 1)


def test_adding_a_row_works_without_javascript(cast) -> None:
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    _fill(client, draft)
    response = client.post(_step_url(draft, 4), {**STEP4, "add_parties": "1"})
    assert response.status_code == 200
    assert len(response.context["forms"]["parties"].forms) == 2


def test_submitting_creates_the_person_the_case_its_events_and_parties(cast) -> None:
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    _fill(client, draft)
    assert client.get(_step_url(draft, 6)).context["ready"]
    response = client.post(_step_url(draft, 6))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", kwargs={"pk": case.pk})
    person = case.person
    assert (person.given_name_latin, person.nationality, person.nationalities) == ("Priya", "IN", "IN,NP")
    assert (person.primary_language, person.other_languages) == ("hi", "en")
    assert IdentityDocument.objects.get(person=person).issuing_country == "IN"
    assert (case.category, case.industry, case.safety_risk, case.is_child) == (
        "trafficking_suspicion",
        "T",
        True,
        False,
    )
    assert sorted(case.exploitation_types.values_list("type", flat=True)) == ["ForcedLabour", "Servitude"]
    assert case.encounters.get().interpreter_language == "hi"
    assert [(e.type, e.country, e.place) for e in HistoricEvent.objects.filter(case=case)] == [
        ("Recruitment", "IN", "Kochi")
    ]
    assert [(p.role, p.name) for p in InvolvedParty.objects.filter(case=case)] == [("Exploiter", "The employer")]
    draft.refresh_from_db()
    assert draft.submitted_case == case and draft.data == ""
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"intake.draft.submit", "cases.case.create", "cases.historic_event.create", "cases.party.create"} <= actions
    # A submitted draft is no longer resumable.
    assert client.get(_step_url(draft, 1)).status_code == 404


def test_a_failure_during_submission_leaves_nothing_behind(cast) -> None:
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    _fill(client, draft)
    draft.refresh_from_db()
    with (
        mock.patch("himaya.intake.services.InvolvedParty.save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        draft_submit(actor=cast.alice, draft=draft)
    assert not Person.objects.exists()
    assert not Case.objects.exists()
    assert not HistoricEvent.objects.exists()
    draft.refresh_from_db()
    assert draft.submitted_case is None and draft.step_data(5) is not None


def test_a_minor_is_flagged_for_the_child_rules(cast) -> None:
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    _fill(client, draft, step2={**STEP2, "date_of_birth": "", "estimated_age": "15"})
    client.post(_step_url(draft, 6))
    case = Case.objects.get()
    assert case.is_child
    assert case.person.birth_year_estimated and case.person.is_minor()


def test_an_existing_person_found_by_document_is_linked_not_duplicated(cast) -> None:
    known = person_create(actor=cast.bob, given_name_latin="Known", document_number="K998877")
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    client.post(_step_url(draft, 1), {**STEP1, "occurred_at": _when()})
    found = client.get(_step_url(draft, 2), {"find": "1", "find_document": "k 998-877", "find_phone": ""})
    assert list(found.context["found"]) == [known]
    response = client.post(_step_url(draft, 2), {"existing_person": known.pk, "gender": "NonSpecifiedUnknown"})
    assert response.status_code == 302
    for step, data in ((3, STEP3), (4, STEP4), (5, STEP5)):
        client.post(_step_url(draft, step), data)
    client.post(_step_url(draft, 6))
    assert Case.objects.get().person == known
    assert Person.objects.count() == 1


def test_another_agencys_person_cannot_be_linked(cast) -> None:
    theirs = person_create(actor=cast.pete, given_name_latin="Theirs")
    draft = draft_create(actor=cast.alice)
    draft_save_step(actor=cast.alice, draft=draft, step=1, data={**STEP1, "occurred_at": _when()})
    client = _client(cast.alice)
    response = client.post(_step_url(draft, 2), {"existing_person": theirs.pk, "gender": "NonSpecifiedUnknown"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.step_data(2) is None


def test_an_incomplete_draft_cannot_be_submitted(cast) -> None:
    draft = draft_create(actor=cast.alice)
    with pytest.raises(ValidationError):
        draft_submit(actor=cast.alice, draft=draft)
    assert not Case.objects.exists()


def test_people_who_cannot_open_cases_cannot_start_an_intake(cast) -> None:
    for user in (cast.adam, cast.audrey, cast.dora, cast.sheila):
        assert _client(user).post(reverse("intake:start")).status_code == 404
    assert not IntakeDraft.objects.exists()


def _api(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


def test_the_api_saves_steps_refuses_bad_input_and_submits(cast) -> None:
    import json

    client = _api(cast.alice)
    created = client.post("/api/v1/intake/drafts/", "{}", content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]

    def put(step: int, body: Any) -> Any:
        return client.put(
            f"/api/v1/intake/drafts/{pk}/steps/{step}/", json.dumps(body), content_type="application/json"
        )

    # Wrong shapes are refused with 400, never a 500, and change nothing.
    for body in ({"occurred_at": ["x"], "channel": {"a": 1}}, {"occurred_at": None}, {"channel": True}):
        assert put(1, body).status_code == 400, body
    assert put(4, {"events": "nope", "parties": [{"role": "Exploiter"}]}).status_code == 400
    assert put(6, {}).status_code == 400
    assert IntakeDraft.objects.get(pk=pk).steps == {}
    assert put(1, {"occurred_at": _when(), "channel": "hotline"}).status_code == 200
    assert put(2, {"full_name_arabic": "سارة", "gender": "Feminine", "estimated_age": 16}).status_code == 200
    assert put(3, {"category": "abuse", "exploitation_types": ["Servitude"]}).status_code == 200
    assert (
        put(4, {"events": [], "parties": [{"role": "RecruiterOrIntermediary", "organisation": "Agency X"}]}).status_code
        == 200
    )
    assert put(5, {"child_present": True}).status_code == 200
    # Bob (same agency, not a supervisor) cannot see or submit alice's draft.
    assert _api(cast.bob).post(f"/api/v1/intake/drafts/{pk}/submit/").status_code == 404
    submitted = client.post(f"/api/v1/intake/drafts/{pk}/submit/")
    assert submitted.status_code == 201
    case = Case.objects.get(pk=submitted.json()["case"])
    assert case.is_child and case.child_present
    assert InvolvedParty.objects.get(case=case).organisation == "Agency X"


def test_every_step_renders_right_to_left_in_arabic(cast) -> None:
    client = Client()
    login(client, cast.alice)
    draft = draft_create(actor=cast.alice)
    _fill(client, draft)
    for step in range(1, 7):
        page = client.get(_step_url(draft, step))
        assert page.status_code == 200
        assert 'dir="rtl"' in page.content.decode()[:600], step


def test_a_linked_person_can_be_replaced_by_a_new_record(cast) -> None:
    known = person_create(actor=cast.alice, given_name_latin="Known", document_number="K1")
    client = _client(cast.alice)
    draft = draft_create(actor=cast.alice)
    client.post(_step_url(draft, 1), {**STEP1, "occurred_at": _when()})
    client.post(_step_url(draft, 2), {"existing_person": known.pk, "gender": "NonSpecifiedUnknown"})
    assert client.get(_step_url(draft, 2)).context["linked"] == known
    page = client.get(_step_url(draft, 2), {"new": "1"})
    assert page.context["linked"] is None
    assert page.context["forms"]["main"]["existing_person"].value() in (None, "")
    client.post(_step_url(draft, 2), STEP2)
    draft.refresh_from_db()
    assert draft.step_data(2)["existing_person"] == "" and draft.step_data(2)["given_name_latin"] == "Priya"
