"""The referral loop: sending with consent and SLA, answering, working, closing, escalating."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404

from himaya.agencies.models import AgencyService, ServiceType
from himaya.audit.models import AuditEvent
from himaya.cases.models import TimelineEntry
from himaya.clocks.business_calendar import load_calendar
from himaya.notifications.models import Notification
from himaya.referrals import services, sla
from himaya.referrals.models import Referral, ReferralState

BH = ZoneInfo("Asia/Bahrain")


def _verbs_for(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("verb", flat=True))


def test_it_runs_the_whole_loop_and_tells_the_sender_at_each_step(cast, referral) -> None:
    assert referral.state == ReferralState.SENT
    assert _verbs_for(cast.sheila) == ["referral.sent"]

    services.referral_accept(actor=cast.sheila, referral=referral)
    services.referral_start(actor=cast.sheila, referral=referral)
    done = services.referral_complete(actor=cast.sheila, referral=referral, outcome="Placed in the shelter")

    assert done.state == ReferralState.COMPLETED
    assert done.outcome == "Placed in the shelter"
    assert done.closed_at is not None and done.handled_by == cast.sheila
    assert _verbs_for(cast.bob) == ["referral.accepted", "referral.in_progress", "referral.completed"]
    assert list(done.events.values_list("to_state", flat=True)) == ["sent", "accepted", "in_progress", "completed"]
    summaries = TimelineEntry.objects.filter(case=referral.case, kind="referral").values_list("summary", flat=True)
    assert len(summaries) == 4
    actions = set(AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True))
    assert {"referrals.referral.send", "referrals.referral.accept", "referrals.referral.complete"} <= actions


def test_it_refuses_a_decline_without_a_reason(cast, referral) -> None:
    with pytest.raises(ValidationError):
        services.referral_decline(actor=cast.sheila, referral=referral, reason="  ")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT

    declined = services.referral_decline(actor=cast.sheila, referral=referral, reason="No beds tonight")
    assert declined.state == ReferralState.DECLINED
    assert _verbs_for(cast.bob) == ["referral.declined"]


def test_it_refuses_to_complete_without_an_outcome(cast, referral) -> None:
    services.referral_accept(actor=cast.sheila, referral=referral)
    services.referral_start(actor=cast.sheila, referral=referral)
    with pytest.raises(ValidationError):
        services.referral_complete(actor=cast.sheila, referral=referral, outcome="")
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_PROGRESS


def test_it_refuses_illegal_moves_with_a_clear_message(cast, referral) -> None:
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.referral_start(actor=cast.sheila, referral=referral)  # not accepted yet
    with pytest.raises(ValidationError, match="receiving agency"):
        services.referral_accept(actor=cast.bob, referral=referral)  # the sender cannot accept
    with pytest.raises(ValidationError, match="referring agency"):
        services.referral_cancel(actor=cast.sheila, referral=referral)  # the receiver cannot cancel
    services.referral_cancel(actor=cast.bob, referral=referral, reason="Found family")
    with pytest.raises(ValidationError):
        services.referral_accept(actor=cast.sheila, referral=referral)
    referral.refresh_from_db()
    assert referral.state == ReferralState.CANCELLED
    assert _verbs_for(cast.sheila) == ["referral.sent", "referral.cancelled"]


def test_it_refuses_an_adult_referral_without_consent_and_names_it(cast, case, shelter) -> None:
    with pytest.raises(ValidationError, match="Referral to services"):
        services.referral_send(
            actor=cast.bob, case=case, to_agency=shelter, service_type="shelter", urgency="normal", reason=""
        )
    assert not Referral.objects.exists()


def test_it_needs_law_enforcement_consent_for_the_police(cast, case, consent) -> None:
    police = cast.agencies["police"]
    AgencyService.objects.create(agency=police, service_type=ServiceType.INVESTIGATION)
    consent(case.person, purpose="referral_services")  # the wrong purpose
    with pytest.raises(ValidationError, match="police and prosecution"):
        services.referral_send(
            actor=cast.bob, case=case, to_agency=police, service_type="investigation", urgency="high", reason=""
        )
    consent(case.person, purpose="share_law_enforcement", agency=police)
    sent = services.referral_send(
        actor=cast.bob, case=case, to_agency=police, service_type="investigation", urgency="high", reason=""
    )
    assert sent.state == ReferralState.SENT


def test_it_ignores_withdrawn_consent(cast, case, shelter, consent) -> None:
    given = consent(case.person, agency=shelter)
    given.withdrawn_at = given.recorded_at
    given.save()
    with pytest.raises(ValidationError):
        services.referral_send(
            actor=cast.bob, case=case, to_agency=shelter, service_type="shelter", urgency="normal", reason=""
        )


def test_it_refers_a_child_without_consent(cast, person, make_case, shelter) -> None:
    child_case = make_case(person, is_child=True)
    sent = services.referral_send(
        actor=cast.bob, case=child_case, to_agency=shelter, service_type="shelter", urgency="urgent", reason=""
    )
    assert sent.state == ReferralState.SENT


def test_it_refuses_an_anonymous_notification(cast, make_case, shelter) -> None:
    anonymous = make_case(None)
    with pytest.raises(ValidationError, match="anonymous"):
        services.referral_send(
            actor=cast.bob, case=anonymous, to_agency=shelter, service_type="shelter", urgency="urgent", reason=""
        )


def test_it_refuses_a_service_the_agency_does_not_offer(cast, case, shelter, consent) -> None:
    consent(case.person, agency=shelter)
    with pytest.raises(ValidationError, match="does not offer"):
        services.referral_send(
            actor=cast.bob, case=case, to_agency=shelter, service_type="medical", urgency="urgent", reason=""
        )


def test_another_agency_cannot_refer_the_case(cast, case, shelter, consent) -> None:
    consent(case.person, agency=shelter)
    with pytest.raises(Http404):
        services.referral_send(
            actor=cast.pete, case=case, to_agency=shelter, service_type="shelter", urgency="urgent", reason=""
        )


def test_an_urgent_shelter_referral_must_be_answered_within_two_hours() -> None:
    sent = dt.datetime(2026, 11, 26, 22, 30, tzinfo=BH)  # Thursday night: hours are wall clock
    due = sla.answer_due(sent_at=sent, service_type="shelter", urgency="urgent", calendar=load_calendar("BH"))
    assert due == dt.datetime(2026, 11, 27, 0, 30, tzinfo=BH)


def test_a_normal_shelter_referral_counts_working_days_across_the_weekend() -> None:
    sent = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BH)  # Thursday; Friday and Saturday are the weekend
    due = sla.answer_due(sent_at=sent, service_type="shelter", urgency="normal", calendar=load_calendar("BH"))
    assert due == dt.datetime(2026, 11, 30, 10, 0, tzinfo=BH)  # Sunday is day 1, Monday day 2


def test_a_service_without_its_own_rule_uses_the_default() -> None:
    assert sla.rule_for("legal_aid", "urgent") == sla.load_sla()["default"]["urgent"]


def test_the_referral_gets_its_due_time_from_the_sla(referral) -> None:
    assert referral.answer_due_at - referral.sent_at == dt.timedelta(hours=2)


def test_escalation_notifies_the_receiving_supervisors_and_the_sender_once(cast, referral) -> None:
    from himaya.accounts.models import UserRole
    from himaya.accounts.roles import Role

    UserRole.objects.create(user=cast.sheila, role=Role.SUPERVISOR)
    Referral.objects.filter(pk=referral.pk).update(answer_due_at=referral.sent_at - dt.timedelta(minutes=1))

    call_command("referrals_escalate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert services.escalate_overdue() == 0  # already escalated: not again

    referral.refresh_from_db()
    assert referral.escalated_at is not None
    assert _verbs_for(cast.sheila).count("referral.overdue") == 1
    assert _verbs_for(cast.bob).count("referral.overdue") == 1
    assert AuditEvent.objects.filter(action="referrals.referral.escalate", object_id=str(referral.pk)).count() == 1


def test_escalation_leaves_answered_referrals_alone(cast, referral) -> None:
    services.referral_accept(actor=cast.sheila, referral=referral)
    Referral.objects.filter(pk=referral.pk).update(answer_due_at=referral.sent_at - dt.timedelta(minutes=1))
    assert services.escalate_overdue() == 0


def test_the_escalation_task_runs_the_same_escalation(cast, referral) -> None:
    from himaya.referrals.tasks import escalate_overdue_referrals

    Referral.objects.filter(pk=referral.pk).update(answer_due_at=referral.sent_at - dt.timedelta(minutes=1))
    assert escalate_overdue_referrals.call() == 1


@pytest.mark.parametrize(
    ("agency_code", "service_type", "purpose"),
    [
        ("shelter", "shelter", "referral_services"),
        ("police", "shelter", "share_law_enforcement"),
        ("ngo", "investigation", "share_law_enforcement"),
        ("embassy_in", "travel_documents", "share_embassy"),
    ],
)
def test_it_asks_for_the_consent_that_fits_the_recipient(cast, agency_code, service_type, purpose) -> None:
    agency = cast.agencies[agency_code]
    assert services.consent_purpose(to_agency=agency, service_type=service_type) == purpose


def test_notifications_carry_references_not_personal_values(cast, referral) -> None:
    note = Notification.objects.get(recipient=cast.sheila, verb="referral.sent")
    assert set(note.params) == {"reference", "case", "due"}
    assert note.params["reference"] == referral.reference
    assert "Maria" not in note.text and "Needs a bed" not in note.text
