"""Care services: validation that changes nothing, referrals for other agencies' actions, the legal
file, the way out and its follow-ups, and closure refused until the criteria are met."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from himaya.access.matrix import World
from himaya.assistance import needs, services
from himaya.assistance.access_matrix import care_setup
from himaya.assistance.models import (
    CareAction,
    Compensation,
    ExitPlan,
    FollowUp,
    LabourClaim,
    NeedsAssessment,
    ServiceDelivery,
)
from himaya.assistance.selectors import needs_history
from himaya.audit.models import AuditEvent
from himaya.cases import services as case_services
from himaya.cases.models import InvolvedParty, PartyRole
from himaya.consent.services import consent_record
from himaya.referrals.models import Referral
from himaya.referrals.services import referral_accept, referral_complete, referral_start

ALL_MEDIUM = {d: (2, "") for d in needs.DOMAINS}


def _open(w: World, *, child: bool = True):
    return case_services.case_open(
        actor=w.alice,
        person=w.person,
        category="trafficking_suspicion",
        channel="walk_in",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        is_child=child,
    )


def test_a_needs_assessment_rates_every_need_and_encrypts_the_notes(w: World) -> None:
    case = _open(w)
    ratings = {**ALL_MEDIUM, "safety": (4, "Employer has been calling the shelter")}
    a = services.needs_assessment_record(
        actor=w.bob, case=case, occasion="first_contact", assessed_on=timezone.localdate(), ratings=ratings
    )
    assert a.ratings.count() == 9
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM assistance_needrating WHERE domain = 'safety'")
        (stored,) = cursor.fetchone()
    assert "Employer" not in stored
    assert AuditEvent.objects.filter(action="assistance.needsassessment.create").count() == 1


def test_a_needs_assessment_missing_a_level_is_refused_and_writes_nothing(w: World) -> None:
    case = _open(w)
    ratings = {d: v for d, v in ALL_MEDIUM.items() if d != "finances"}
    with pytest.raises(ValidationError) as error:
        services.needs_assessment_record(
            actor=w.bob, case=case, occasion="review", assessed_on=timezone.localdate(), ratings=ratings
        )
    assert "level_finances" in error.value.message_dict
    assert not NeedsAssessment.objects.exists()


def test_repeated_assessments_show_the_change(w: World) -> None:
    case = _open(w)
    first = {**ALL_MEDIUM, "safety": (4, ""), "medical": (1, "")}
    later = {**ALL_MEDIUM, "safety": (1, ""), "medical": (3, "")}
    today = timezone.localdate()
    services.needs_assessment_record(
        actor=w.bob, case=case, occasion="first_contact", assessed_on=today - dt.timedelta(days=20), ratings=first
    )
    services.needs_assessment_record(actor=w.bob, case=case, occasion="review", assessed_on=today, ratings=later)
    newest = needs_history(actor=w.bob, case=case)[0]
    directions = {r["domain"]: r["direction"] for r in newest.rows}
    assert directions["safety"] == "improved"
    assert directions["medical"] == "worse"
    assert directions["legal"] == "same"


def test_another_agencys_staff_cannot_assess_the_case(w: World) -> None:
    case = _open(w)
    with pytest.raises(Http404):
        services.needs_assessment_record(
            actor=w.pete, case=case, occasion="review", assessed_on=timezone.localdate(), ratings=ALL_MEDIUM
        )


def test_an_action_for_another_agency_is_sent_as_a_referral(w: World) -> None:
    s = care_setup(w, exited=False)
    referral = s.shelter.referral
    assert referral is not None
    assert (referral.to_agency_id, referral.service_type, referral.state) == (
        w.cast.agencies["shelter"].pk,
        "shelter",
        "sent",
    )
    assert s.own.referral is None


def test_an_action_whose_referral_is_refused_is_not_saved(w: World) -> None:
    case = _open(w, child=False)  # an adult with no consent to referral
    goal = services.care_goal_add(actor=w.alice, case=case, description="Safe place to stay")
    with pytest.raises(ValidationError, match="consent"):
        services.care_action_add(
            actor=w.alice,
            goal=goal,
            type="SocialCare",
            responsible_agency=w.cast.agencies["shelter"],
            due_on=timezone.localdate() + dt.timedelta(days=2),
            service_type="shelter",
        )
    assert not CareAction.objects.exists()
    assert not Referral.objects.exists()


def test_an_adult_who_consented_can_be_referred_through_the_care_plan(w: World) -> None:
    case = _open(w, child=False)
    consent_record(actor=w.alice, person=w.person, purpose="referral_services", given=True, language="tl")
    goal = services.care_goal_add(actor=w.alice, case=case, description="Safe place to stay")
    action = services.care_action_add(
        actor=w.alice,
        goal=goal,
        type="SocialCare",
        responsible_agency=w.cast.agencies["shelter"],
        due_on=timezone.localdate() + dt.timedelta(days=2),
        service_type="shelter",
    )
    assert action.referral is not None and action.referral.state == "sent"


def test_the_responsible_agency_logs_services_and_the_action_starts(w: World) -> None:
    s = care_setup(w, exited=False)
    delivery = services.service_log(
        actor=w.sheila,
        action=s.shelter,
        delivered_at=timezone.now() - dt.timedelta(hours=1),
        duration_minutes=90,
        language="tl",
        interpreter_used=True,
        outcome="Room allocated; settling in.",
    )
    assert (delivery.agency_id, delivery.type, delivery.duration_minutes) == (
        w.cast.agencies["shelter"].pk,
        "SocialCare",
        90,
    )
    s.shelter.refresh_from_db()
    assert s.shelter.status == "in_progress"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("duration_minutes", {"duration_minutes": 0}),
        ("language", {"language": "Tagalog"}),
        ("outcome", {"outcome": "  "}),
        ("delivered_at", {"delivered_at": "future"}),
    ],
)
def test_a_bad_service_log_is_refused_and_writes_nothing(w: World, field: str, changes: dict) -> None:
    s = care_setup(w, exited=False)
    values = {
        "delivered_at": timezone.now(),
        "duration_minutes": 30,
        "language": "ar",
        "outcome": "Seen by the nurse.",
        **changes,
    }
    if values["delivered_at"] == "future":
        values["delivered_at"] = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.service_log(actor=w.bob, action=s.own, **values)
    assert field in error.value.message_dict
    assert not ServiceDelivery.objects.exists()


def test_services_cannot_be_logged_on_a_cancelled_action(w: World) -> None:
    s = care_setup(w, exited=False)
    services.care_action_set_status(actor=w.bob, action=s.own, status="cancelled")
    with pytest.raises(ValidationError, match="open actions"):
        services.service_log(
            actor=w.bob, action=s.own, delivered_at=timezone.now(), duration_minutes=10, language="ar", outcome="x"
        )


def test_a_done_action_cannot_be_reopened(w: World) -> None:
    s = care_setup(w, exited=False)
    services.care_action_set_status(actor=w.bob, action=s.own, status="done")
    with pytest.raises(ValidationError):
        services.care_action_set_status(actor=w.bob, action=s.own, status="in_progress")


def test_a_labour_claim_keeps_an_exact_amount_and_links_the_employer(w: World) -> None:
    s = care_setup(w, exited=False)
    claim = LabourClaim.objects.get(pk=s.claim.pk)
    assert claim.amount == Decimal("450.500") and claim.currency == "BHD"
    assert claim.party_id == s.employer.pk


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("amount", {"amount": "-5"}),
        ("amount", {"amount": "12.3456"}),
        ("amount", {"amount": "lots"}),
        ("currency", {"currency": "dinar"}),
        ("kind", {"kind": "bonus"}),
    ],
)
def test_a_bad_claim_is_refused_and_writes_nothing(w: World, field: str, changes: dict) -> None:
    s = care_setup(w, exited=False)
    values = {"party": s.employer, "kind": "end_of_service", "amount": "100", "currency": "BHD", **changes}
    with pytest.raises(ValidationError) as error:
        services.labour_claim_add(actor=w.bob, case=s.case, **values)
    assert field in error.value.message_dict
    assert LabourClaim.objects.count() == 1


def test_a_claim_against_another_cases_party_is_refused(w: World) -> None:
    s = care_setup(w, exited=False)
    other = _open(w)
    stranger = InvolvedParty.objects.create(case=other, role=PartyRole.RECRUITER, organisation="Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.labour_claim_add(
            actor=w.bob, case=s.case, party=stranger, kind="recruitment_fees", amount="1", currency="PHP"
        )
    assert "party" in error.value.message_dict


def test_more_compensation_cannot_be_paid_than_awarded(w: World) -> None:
    s = care_setup(w, exited=False)
    with pytest.raises(ValidationError) as error:
        services.compensation_record(
            actor=w.bob,
            case=s.case,
            claim=s.claim,
            awarded_amount="400",
            currency="BHD",
            awarded_on=timezone.localdate(),
            paid_amount="400.001",
            paid_on=timezone.localdate(),
        )
    assert "paid_amount" in error.value.message_dict
    assert not Compensation.objects.exists()


def test_recording_the_exit_schedules_follow_ups_and_moving_it_moves_them(w: World) -> None:
    s = care_setup(w, exited=False)
    services.exit_plan_save(actor=w.bob, case=s.case, pathway="local_integration", exited_on=dt.date(2026, 1, 31))
    due = list(FollowUp.objects.filter(case=s.case).values_list("months_after_exit", "due_on"))
    assert due == [(1, dt.date(2026, 2, 28)), (3, dt.date(2026, 4, 30)), (6, dt.date(2026, 7, 31))]
    services.exit_plan_save(actor=w.bob, case=s.case, pathway="local_integration", exited_on=dt.date(2026, 2, 10))
    assert FollowUp.objects.get(case=s.case, months_after_exit=1).due_on == dt.date(2026, 3, 10)
    assert FollowUp.objects.filter(case=s.case).count() == 3


def test_an_exit_in_the_future_is_refused(w: World) -> None:
    s = care_setup(w, exited=False)
    with pytest.raises(ValidationError) as error:
        services.exit_plan_save(
            actor=w.bob, case=s.case, pathway="voluntary_return", exited_on=timezone.localdate() + dt.timedelta(days=3)
        )
    assert "exited_on" in error.value.message_dict
    assert not ExitPlan.objects.exists()


def test_a_travel_document_is_asked_of_the_embassy_through_a_referral(w: World) -> None:
    from himaya.agencies.models import AgencyService

    AgencyService.objects.create(agency=w.cast.agencies["embassy_ph"], service_type="travel_documents")
    s = care_setup(w, exited=False)
    plan = services.travel_document_request(actor=w.bob, case=s.case)
    referral = plan.travel_document_referral
    assert plan.pathway == "voluntary_return"
    assert (referral.to_agency.code, referral.service_type) == ("embassy_ph", "travel_documents")
    with pytest.raises(ValidationError, match="already requested"):
        services.travel_document_request(actor=w.bob, case=s.case)


def test_no_embassy_offering_travel_documents_is_a_clear_refusal(w: World) -> None:
    s = care_setup(w, exited=False)
    with pytest.raises(ValidationError, match="No embassy"):
        services.travel_document_request(actor=w.bob, case=s.case)
    assert not ExitPlan.objects.exists()


def test_a_follow_up_before_the_exit_is_refused(w: World) -> None:
    s = care_setup(w)
    plan = ExitPlan.objects.get(case=s.case)
    with pytest.raises(ValidationError) as error:
        services.follow_up_record(
            actor=w.bob, follow_up=s.follow_up, done_on=plan.exited_on - dt.timedelta(days=1), outcome="safe"
        )
    assert "done_on" in error.value.message_dict


def _complete(referral: Referral, actor) -> None:
    referral_accept(actor=actor, referral=referral)
    referral_start(actor=actor, referral=Referral.objects.get(pk=referral.pk))
    referral_complete(actor=actor, referral=Referral.objects.get(pk=referral.pk), outcome="Done.")


def test_a_return_case_closes_only_when_its_criteria_are_met(w: World, assisted_case, clock) -> None:
    from himaya.accounts.models import User, UserRole
    from himaya.agencies.models import AgencyService

    AgencyService.objects.create(agency=w.cast.agencies["embassy_ph"], service_type="travel_documents")
    consul = User.objects.create(email="consul@example.org", full_name="Consul", agency=w.cast.agencies["embassy_ph"])
    UserRole.objects.create(user=consul, role="case_worker")
    case = assisted_case("return_home")
    with pytest.raises(ValidationError) as refused:
        case_services.case_close(actor=w.bob, case=case, reason="Returned home")
    assert any("exit plan" in m for m in refused.value.messages)
    case.refresh_from_db()
    assert case.stage == "voluntary_return"

    plan = services.travel_document_request(actor=w.bob, case=case)
    _complete(plan.travel_document_referral, consul)
    left = clock.day
    services.exit_plan_save(
        actor=w.bob,
        case=case,
        pathway="voluntary_return",
        exit_clearance_on=left,
        ticket_booked_on=left,
        escort_arranged=True,
        reception_organisation="IOM Manila",
        reintegration_plan="Sari-sari store with family",
        exited_on=left,
    )
    with pytest.raises(ValidationError) as refused:
        case_services.case_close(actor=w.bob, case=case, reason="Returned home")
    assert any("Follow-up" in m for m in refused.value.messages)

    clock.forward(200)
    for f in FollowUp.objects.filter(case=case):
        services.follow_up_record(actor=w.bob, follow_up=f, done_on=f.due_on, outcome="safe", note="Working again")
    closed = case_services.case_close(actor=w.bob, case=case, reason="Returned home; follow-ups done")
    assert (closed.stage, closed.closure_reason) == ("closed", "Returned home; follow-ups done")


def test_open_care_actions_keep_a_labour_grievance_open(w: World) -> None:
    case = _open(w)
    case = case_services.case_transition(actor=w.alice, case=case, event="route_labour")
    goal = services.care_goal_add(actor=w.alice, case=case, description="Recover wages")
    action = services.care_action_add(
        actor=w.alice,
        goal=goal,
        type="Legal",
        responsible_agency=w.cast.agencies["epc"],
        due_on=timezone.localdate() + dt.timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="Care actions"):
        case_services.case_close(actor=w.alice, case=case, reason="Wages paid")
    services.care_action_set_status(actor=w.alice, action=action, status="done")
    assert case_services.case_close(actor=w.alice, case=case, reason="Wages paid").stage == "closed"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_claim_keeps_the_cases_encrypted_documents(w: World, settings, tmp_path) -> None:
    from himaya.intake.services import attachment_add

    settings.HIMAYA_ATTACHMENT_DIR = tmp_path / "attachments"
    s = care_setup(w, exited=False)
    payslip = attachment_add(actor=w.alice, case=s.case, name="payslip.pdf", content=PDF)
    services.legal_document_attach(actor=w.bob, claim=s.claim, attachment=payslip)
    services.legal_document_attach(actor=w.bob, claim=s.claim, attachment=payslip)  # once is enough
    assert list(s.claim.documents.values_list("attachment_id", flat=True)) == [payslip.pk]
    other = _open(w)
    elsewhere = attachment_add(actor=w.alice, case=other, name="contract.pdf", content=PDF)
    with pytest.raises(ValidationError):
        services.legal_document_attach(actor=w.bob, claim=s.claim, attachment=elsewhere)


def test_a_closed_case_takes_no_more_care_records(w: World) -> None:
    case = _open(w)
    case = case_services.case_transition(actor=w.alice, case=case, event="route_labour")
    case_services.case_close(actor=w.alice, case=case, reason="Wages paid")
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.care_goal_add(actor=w.alice, case=case, description="Too late")
    assert not case.care_goals.exists()


def test_an_action_cannot_fall_due_in_the_past(w: World) -> None:
    case = _open(w)
    goal = services.care_goal_add(actor=w.alice, case=case, description="Documents")
    with pytest.raises(ValidationError) as error:
        services.care_action_add(
            actor=w.alice,
            goal=goal,
            type="Legal",
            responsible_agency=w.cast.agencies["epc"],
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "due_on" in error.value.message_dict
