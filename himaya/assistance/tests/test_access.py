"""Who sees what of care: the delivering agency sees only its action, embassies only return plans of
consenting nationals, immigration only the non-removal flag — never the case."""

from __future__ import annotations

import pytest
from django.http import Http404

from himaya.access import policy
from himaya.access.matrix import World
from himaya.accounts.mfa import enrol_for_fixture
from himaya.accounts.models import User, UserRole
from himaya.agencies.models import AgencyService
from himaya.assistance import selectors, services
from himaya.assistance.access_matrix import care_setup
from himaya.assistance.models import CareAction, CareGoal, ExitPlan, LabourClaim, NeedsAssessment
from himaya.audit.models import AuditEvent
from himaya.cases.models import Case
from himaya.consent.services import consent_record, consent_withdraw
from himaya.testing import CAST_TOTP_SECRET


def _consul(w: World) -> User:
    consul = User.objects.create(
        email="consul.ph@example.org", full_name="Consul", agency=w.cast.agencies["embassy_ph"]
    )
    UserRole.objects.create(user=consul, role="case_worker")
    enrol_for_fixture(consul, CAST_TOTP_SECRET)
    return consul


def test_the_delivering_agency_sees_its_action_and_nothing_else_of_the_plan(w: World) -> None:
    s = care_setup(w, exited=False)
    assert list(policy.visible(w.sheila, CareAction)) == [s.shelter]
    assert not policy.visible(w.sheila, CareGoal).exists()
    assert not policy.visible(w.sheila, LabourClaim).exists()
    assert not policy.visible(w.sheila, Case).filter(pk=s.case.pk).exists()
    with pytest.raises(Http404):
        selectors.care_case_get(actor=w.sheila, pk=s.case.pk)


def test_it_hides_a_care_plan_from_another_agency(w: World) -> None:
    s = care_setup(w, exited=False)
    for model in (CareGoal, CareAction, LabourClaim, ExitPlan, NeedsAssessment):
        assert not policy.visible(w.pete, model).exists(), model
    with pytest.raises(Http404):
        services.care_goal_add(actor=w.pete, case=s.case, description="Not mine")
    assert AuditEvent.objects.filter(outcome="denied", actor_id=w.pete.pk).exists()


def test_an_analyst_at_the_owning_agency_does_not_see_care_notes(w: World) -> None:
    care_setup(w, exited=False)
    assert not policy.visible(w.adam, CareGoal).exists()
    assert not policy.visible(w.adam, NeedsAssessment).exists()


def test_the_embassy_sees_a_return_only_while_its_national_consents(w: World) -> None:
    AgencyService.objects.create(agency=w.cast.agencies["embassy_ph"], service_type="travel_documents")
    consul = _consul(w)
    s = care_setup(w, exited=False)
    services.travel_document_request(actor=w.bob, case=s.case)
    assert selectors.return_requests(actor=consul) == []  # no embassy-sharing consent yet

    consent = consent_record(actor=w.alice, person=w.person, purpose="share_embassy", given=True, language="tl")
    assert [p.case_id for p in selectors.return_requests(actor=consul)] == [s.case.pk]
    assert AuditEvent.objects.filter(action="people.person.list", actor_id=consul.pk).exists()
    assert selectors.return_requests(actor=w.emil) == []  # India's embassy: not their national

    consent_withdraw(actor=w.alice, consent=consent)
    assert selectors.return_requests(actor=consul) == []


def test_the_embassy_never_sees_other_pathways(w: World) -> None:
    consul = _consul(w)
    s = care_setup(w, exited=False)
    consent_record(actor=w.alice, person=w.person, purpose="share_embassy", given=True, language="tl")
    services.exit_plan_save(actor=w.bob, case=s.case, pathway="employer_transfer", new_employer="Bright Homes WLL")
    assert selectors.return_requests(actor=consul) == []
    assert not policy.visible(consul, ExitPlan).exists()


def test_immigration_sees_the_non_removal_flag_but_not_the_case(w: World, assisted_case) -> None:
    case = assisted_case()
    assert case.stage == "protection_assistance"
    [result] = selectors.non_removal_check(actor=w.ivan, document="p1234567")
    assert result.protected is True
    assert result.person_reference == w.person.reference
    assert result.until is not None and result.until >= case.recovery_ends
    assert not policy.visible(w.ivan, Case).exists()
    assert not policy.visible(w.ivan, ExitPlan).exists()
    event = AuditEvent.objects.filter(action="assistance.nonremoval.check").latest("pk")
    assert event.actor_id == w.ivan.pk and "protected:1" in event.detail


def test_a_person_with_no_protection_is_not_flagged(w: World) -> None:
    care_setup(w, exited=False)  # identification stage: not protected yet
    [result] = selectors.non_removal_check(actor=w.ivan, document="P1234567")
    assert result.protected is False
    assert selectors.non_removal_check(actor=w.ivan, document="X0000000") == []


@pytest.mark.parametrize("who", ["bob", "pete", "emil", "carol"])
def test_only_immigration_may_check_protection_from_removal(w: World, who: str) -> None:
    with pytest.raises(Http404):
        selectors.non_removal_check(actor=getattr(w, who), document="P1234567")


def test_a_case_worker_at_another_agency_type_cannot_check_even_with_the_role(w: World) -> None:
    assert w.bob.has_role("case_worker") and w.bob.agency.type != "immigration"
    assert not selectors.may_check_non_removal(w.bob)
    assert selectors.may_check_non_removal(w.ivan)


def test_the_delivering_agency_cannot_change_the_owners_own_action(w: World) -> None:
    s = care_setup(w, exited=False)
    services.care_action_set_status(actor=w.sheila, action=s.shelter, status="done")
    with pytest.raises(Http404):
        services.care_action_set_status(actor=w.sheila, action=s.own, status="done")
    s.own.refresh_from_db()
    assert s.own.status == "planned"


def test_a_shelter_holding_an_open_referral_assesses_needs_on_admission(w: World) -> None:
    s = care_setup(w, exited=False)
    ratings = {d: (2, "") for d in ("safety", "medical", "mental_health", "legal", "documents")}
    ratings |= {d: (1, "") for d in ("family_contact", "finances", "education", "livelihood")}
    from django.utils import timezone

    a = services.needs_assessment_record(
        actor=w.sheila, case=s.case, occasion="admission", assessed_on=timezone.localdate(), ratings=ratings
    )
    assert a.agency_id == w.cast.agencies["shelter"].pk
    assert list(policy.visible(w.sheila, NeedsAssessment)) == [a]
    assert list(policy.visible(w.bob, NeedsAssessment)) == [a]  # the owning agency sees it in the history
    from himaya.referrals.services import referral_cancel

    referral_cancel(actor=w.alice, referral=s.shelter.referral)
    with pytest.raises(Http404):
        services.needs_assessment_record(
            actor=w.sheila, case=s.case, occasion="review", assessed_on=timezone.localdate(), ratings=ratings
        )
