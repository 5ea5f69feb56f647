"""The case list, the case page and its actions, the coordinator overview, and the notifications page."""

from __future__ import annotations

import datetime as dt

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases import services
from himaya.cases.escalation import escalate_overdue
from himaya.cases.models import Case, Decision
from himaya.notifications.models import Notification

REASONS = "Credible account of deception and passport retention."


def test_the_list_shows_only_the_agencys_cases(cast, client, open_case, clock) -> None:
    mine = open_case(cast.alice)
    theirs = open_case(cast.pete)
    login(client, cast.bob)
    html = client.get("/cases/").content.decode()
    assert mine.reference in html and theirs.reference not in html
    assert AuditEvent.objects.filter(action="cases.case.list", actor_id=cast.bob.pk).exists()


def test_the_coordinator_sees_referred_cases_nationally_but_not_unreferred_ones(
    cast, client, open_case, referred_case, clock
) -> None:
    referred = referred_case(cast.pete)
    unreferred = open_case(cast.pete)
    login(client, cast.carol)
    html = client.get("/cases/").content.decode()
    assert referred.reference in html and unreferred.reference not in html
    assert client.get(f"/cases/{referred.pk}/").status_code == 200
    assert client.get(f"/cases/{unreferred.pk}/").status_code == 404


def test_another_agencys_user_gets_404(cast, client, open_case) -> None:
    case = open_case(cast.alice)
    login(client, cast.pete)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/transition/", {"event": "document"}).status_code == 404
    assert Case.objects.get(pk=case.pk).stage == "identification"


def test_the_filters_narrow_the_list_and_answer_htmx_with_the_results_only(cast, client, open_case, clock) -> None:
    first = open_case(cast.alice)
    second = open_case(cast.alice)
    services.case_transition(actor=cast.alice, case=second, event="route_labour")
    login(client, cast.alice)
    html = client.get("/cases/", {"stage": "labour_grievance"}, HTTP_HX_REQUEST="true").content.decode()
    assert second.reference in html and first.reference not in html
    assert "<html" not in html
    assert client.get("/cases/", {"stage": "nonsense", "page": "x"}).status_code == 200


def test_the_case_page_shows_deadlines_in_working_days_and_the_timeline(cast, client, referred_case, clock) -> None:
    case = referred_case()
    clock.set(dt.date(2026, 12, 14))  # Monday: Tue 15, Sun 20, Mon 21 are left
    login(client, cast.alice)
    response = client.get(f"/cases/{case.pk}/")
    html = response.content.decode()
    assert 'data-deadline="rg"' in html
    assert 'data-deadline="rg" data-working-days-left="3"' in html
    assert html.count('data-kind="stage"') == 2
    assert 'id="decision-form"' not in html  # alice does not decide


def test_the_coordinator_records_a_decision_on_the_case_page(cast, client, referred_case, clock) -> None:
    case = referred_case(cast.pete)
    login(client, cast.carol)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="decision-form"' in page
    short = client.post(
        f"/cases/{case.pk}/decision/", {"kind": "rg", "outcome": "positive", "deciding_org": "Police", "reasons": "ok"}
    )
    assert short.status_code == 400
    assert not Decision.objects.exists()
    response = client.post(
        f"/cases/{case.pk}/decision/",
        {"kind": "rg", "outcome": "positive", "deciding_org": "Police", "reasons": REASONS},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "recovery_period"


def test_a_refused_step_is_explained_and_changes_nothing(cast, client, open_case, clock) -> None:
    case = open_case(child=False)
    login(client, cast.alice)
    response = client.post(f"/cases/{case.pk}/transition/", {"event": "document"})
    assert response.status_code == 400
    assert 'id="transition-error"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).stage == "identification"


def test_notes_are_added_from_the_case_page(cast, client, open_case) -> None:
    case = open_case()
    login(client, cast.bob)
    assert client.post(f"/cases/{case.pk}/note/", {"text": "Called the embassy."}).status_code == 302
    assert "Called the embassy." in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/{case.pk}/note/", {"text": ""}).status_code == 400


def test_the_first_responder_asks_for_reconsideration_from_the_case_page(cast, client, referred_case, clock) -> None:
    case = referred_case()
    services.decision_record(
        actor=cast.carol, case=case, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Police"
    )
    login(client, cast.alice)
    assert 'id="reconsideration-form"' in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(f"/cases/{case.pk}/reconsideration/", {"reasons": "New evidence from the shelter."})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "reconsideration"


def test_the_overview_counts_stages_and_lists_overdue_decisions(cast, client, referred_case, clock) -> None:
    case = referred_case(cast.pete)
    clock.set(dt.date(2026, 12, 22))
    login(client, cast.carol)
    html = client.get("/cases/overview/").content.decode()
    assert case.reference in html
    assert 'id="overdue-empty"' not in html
    login(client, cast.bob)
    assert client.get("/cases/overview/").status_code == 404


def test_notifications_are_listed_and_marked_read(cast, client, referred_case, clock) -> None:
    case = referred_case()
    escalate_overdue(on=dt.date(2026, 12, 22))
    login(client, cast.carol)
    home = client.get("/cases/").content.decode()
    assert 'id="notification-count"' in home
    html = client.get("/notifications/").content.decode()
    assert case.reference in html
    note = Notification.objects.get(recipient=cast.carol)
    other = Notification.objects.get(recipient=cast.sam)
    # Someone else's notification id is ignored.
    client.post("/notifications/read/", {"id": [str(note.pk), str(other.pk)]})
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None
    assert 'id="notification-count"' not in client.get("/notifications/").content.decode()
    response = client.post("/notifications/read/", {"all": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_the_home_page_shows_my_cases_and_the_decisions_due(cast, client, open_case, referred_case, clock) -> None:
    case = open_case(cast.alice)  # assigned to whoever opened it
    login(client, cast.alice)
    html = client.get("/").content.decode()
    assert 'id="card-cases"' in html and case.reference in html
    assert 'id="decisions-overdue"' not in html
    referred_case(cast.pete)
    clock.set(dt.date(2026, 12, 22))
    login(client, cast.carol)
    html = client.get("/").content.decode()
    assert 'id="decisions-overdue">1<' in html
    login(client, cast.audrey)
    assert 'id="card-cases"' not in client.get("/").content.decode()


def test_the_decision_form_defaults_to_the_deciders_organisation_type(cast) -> None:
    from himaya.cases.views import _deciding_org_for

    assert _deciding_org_for(cast.carol) == "NonPoliceGovernmentalOrganization"  # protection centre
    assert _deciding_org_for(cast.pete) == "Police"
    assert _deciding_org_for(cast.sheila) == "NGO"
