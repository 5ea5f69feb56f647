"""Moving cases along the NRM workflow, with the legal clocks in Bahrain's working calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from himaya.audit.models import AuditEvent
from himaya.cases import services
from himaya.cases.models import Case, Decision, TimelineEntry
from himaya.consent.models import Consent

REASONS = "Credible account of deception and passport retention."


def decide(cast, case, kind, outcome, reasons=REASONS):
    return services.decision_record(
        actor=cast.carol, case=case, kind=kind, outcome=outcome, reasons=reasons, deciding_org="Police"
    )


def test_it_sets_the_rg_clock_across_the_weekend_and_national_day(cast, referred_case, clock) -> None:
    # Referred on Thursday 10 Dec 2026; five working days: Sun 13, Mon 14, Tue 15, (Wed 16 and
    # Thu 17 National Day, Fri-Sat weekend), Sun 20, Mon 21.
    case = referred_case()
    assert case.stage == "rg_pending"
    assert case.referred_on == dt.date(2026, 12, 10)
    assert case.rg_due == dt.date(2026, 12, 21)
    entries = list(
        TimelineEntry.objects.filter(case=case, kind="stage").order_by("pk").values_list("to_stage", flat=True)
    )
    assert entries == ["documentation", "rg_pending"]
    assert AuditEvent.objects.filter(action="cases.case.refer", object_id=str(case.pk)).exists()


def test_an_adult_needs_consent_to_be_referred(cast, open_case, clock) -> None:
    case = open_case(child=False)
    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=cast.alice, case=case, event="document")
    assert "consent" in str(refused.value)
    assert Case.objects.get(pk=case.pk).stage == "identification"
    Consent.objects.create(
        person=case.person,
        purpose="referral_services",
        given=True,
        explained_by=cast.alice,
        language="en",
        recorded_at=timezone.now(),
    )
    assert services.case_transition(actor=cast.alice, case=case, event="document").stage == "documentation"


def test_a_withdrawn_consent_does_not_count(cast, open_case, clock) -> None:
    case = open_case(child=False)
    Consent.objects.create(
        person=case.person,
        purpose="referral_services",
        given=True,
        explained_by=cast.alice,
        language="en",
        recorded_at=timezone.now(),
        withdrawn_at=timezone.now(),
    )
    with pytest.raises(ValidationError):
        services.case_transition(actor=cast.alice, case=case, event="document")


def test_a_child_cannot_become_an_anonymous_notification(cast, open_case, clock) -> None:
    case = open_case(child=True)
    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=cast.alice, case=case, event="consent_refused")
    assert refused.value.code == "children_are_always_referred"


def test_only_coordinators_decide(cast, referred_case, clock) -> None:
    case = referred_case()
    for user in (cast.alice, cast.bob, cast.sam):
        with pytest.raises(Http404):
            services.decision_record(
                actor=user, case=case, kind="rg", outcome="positive", reasons=REASONS, deciding_org="Police"
            )
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=case.pk).stage == "rg_pending"


def test_a_decision_needs_reasons(cast, referred_case, clock) -> None:
    case = referred_case()
    with pytest.raises(ValidationError) as refused:
        decide(cast, case, "rg", "positive", reasons="   ok  ")
    assert "reasons" in refused.value.message_dict
    assert not Decision.objects.exists()


def test_a_positive_rg_starts_the_recovery_period_and_no_cg_comes_before_it_ends(cast, referred_case, clock) -> None:
    case = referred_case()
    clock.set(dt.date(2026, 12, 14))
    decide(cast, case, "rg", "positive")
    case.refresh_from_db()
    assert case.stage == "recovery_period"
    assert case.recovery_ends == dt.date(2027, 1, 13)
    assert case.cg_due == dt.date(2027, 3, 14)
    clock.set(dt.date(2027, 1, 12))
    with pytest.raises(ValidationError) as refused:
        decide(cast, case, "cg", "positive")
    assert refused.value.code == "recovery_period_not_over"
    assert Case.objects.get(pk=case.pk).stage == "recovery_period"
    clock.set(dt.date(2027, 1, 13))
    decide(cast, case, "cg", "positive")
    case.refresh_from_db()
    assert case.stage == "protection_assistance"
    assert case.move_on_ends == dt.date(2027, 2, 27)
    kinds = list(
        TimelineEntry.objects.filter(case=case, kind="decision").order_by("pk").values_list("summary", flat=True)
    )
    assert kinds == ["rg:positive", "cg:positive"]
    assert AuditEvent.objects.filter(action="cases.decision.cg", object_id=str(case.pk)).exists()


def test_reconsideration_only_at_the_request_of_the_first_responder_or_a_support_provider(
    cast, referred_case, clock
) -> None:
    from himaya.accounts.models import UserRole
    from himaya.referrals.models import Referral

    case = referred_case()
    decide(cast, case, "rg", "negative")
    case.refresh_from_db()
    assert case.stage == "rg_negative"
    # The case worker of the owning agency is neither.
    with pytest.raises(ValidationError) as refused:
        services.reconsideration_request(actor=cast.bob, case=case, reasons="New evidence from the shelter.")
    assert refused.value.code == "reconsideration_only_by_first_responder_or_support_provider"
    # A shelter without an open referral does not see the case at all.
    with pytest.raises(Http404):
        services.reconsideration_request(actor=cast.sheila, case=case, reasons="New evidence from the shelter.")
    # With an open referral to the shelter, its service provider is a support provider.
    Referral.objects.create(
        reference="R-2026-000001",
        case=case,
        from_agency=cast.agencies["epc"],
        to_agency=cast.agencies["shelter"],
        service_type="shelter",
        sent_by=cast.alice,
        sent_at=timezone.now(),
        answer_due_at=timezone.now(),
    )
    assert UserRole.objects.filter(user=cast.sheila, role="service_provider").exists()
    services.reconsideration_request(actor=cast.sheila, case=case, reasons="New evidence from the shelter.")
    case.refresh_from_db()
    assert case.stage == "reconsideration"
    assert case.reconsidering_from == "rg_negative"
    # Accepted: back to a pending RG decision with a new clock from today.
    clock.set(dt.date(2026, 12, 20))
    services.decision_record(
        actor=cast.carol, case=case, kind="reconsideration", outcome="positive", reasons=REASONS, deciding_org="Police"
    )
    case.refresh_from_db()
    assert case.stage == "rg_pending"
    assert case.rg_due == dt.date(2026, 12, 27)


def test_the_first_responder_may_ask_for_reconsideration_and_a_refusal_closes(cast, referred_case, clock) -> None:
    case = referred_case()
    decide(cast, case, "rg", "negative")
    case.refresh_from_db()
    services.reconsideration_request(actor=cast.alice, case=case, reasons="The employer held her passport.")
    case.refresh_from_db()
    decide(cast, case, "reconsideration", "negative")
    case.refresh_from_db()
    assert case.stage == "closed"
    assert case.status == "Closed"


def test_refusals_change_nothing_and_explain_why(cast, open_case, clock) -> None:
    case = open_case()
    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=cast.alice, case=case, event="refer")
    assert refused.value.code == "transition_not_allowed"
    with pytest.raises(ValidationError):
        services.case_transition(actor=cast.alice, case=case, event="no-such-step")
    with pytest.raises(ValidationError):
        services.case_transition(actor=cast.alice, case=case, event="close")  # no reason, and not allowed
    case.refresh_from_db()
    assert case.stage == "identification"
    assert case.referred_on is None


def test_every_refusal_code_has_a_message() -> None:
    import inspect
    import re

    from himaya.clocks import workflow

    codes = set(re.findall(r'TransitionRefused\("([a-z_]+)"\)', inspect.getsource(workflow)))
    assert codes and codes <= set(services.refusal_messages())


def test_it_closes_a_labour_grievance_with_a_reason(cast, open_case, clock) -> None:
    case = open_case()
    services.case_transition(actor=cast.bob, case=case, event="route_labour")
    case.refresh_from_db()
    case = services.case_close(actor=cast.bob, case=case, reason="Settled at the labour court.")
    assert case.stage == "closed"
    assert case.closure_reason == "Settled at the labour court."


def test_another_agency_cannot_move_the_case(cast, open_case, clock) -> None:
    case = open_case()
    with pytest.raises(Http404):
        services.case_transition(actor=cast.pete, case=case, event="document")


def test_notes_are_added_to_the_timeline(cast, open_case) -> None:
    case = open_case()
    note = services.case_note_add(actor=cast.bob, case=case, text="Called the embassy.")
    assert TimelineEntry.objects.filter(case=case, kind="note", object_id=str(note.pk)).exists()
    with pytest.raises(ValidationError):
        services.case_note_add(actor=cast.bob, case=case, text="  ")


def test_cases_are_assigned_only_within_the_owning_agency(cast, open_case) -> None:
    case = open_case()
    assert services.case_assign(actor=cast.sam, case=case, assignee=cast.bob).assigned_to == cast.bob
    with pytest.raises(ValidationError):
        services.case_assign(actor=cast.sam, case=case, assignee=cast.pete)
