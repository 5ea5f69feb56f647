"""Overdue identification decisions are escalated to the competent authority once, on working days."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from himaya.audit.models import AuditEvent
from himaya.cases import services
from himaya.cases.escalation import escalate_overdue
from himaya.cases.models import Case
from himaya.notifications.models import Notification

REASONS = "Credible account of deception and passport retention."


def test_an_overdue_rg_decision_notifies_coordinators_and_their_supervisors_once(cast, referred_case, clock) -> None:
    case = referred_case()  # referred Thursday 10 Dec 2026: RG due Monday 21 Dec
    assert escalate_overdue(on=dt.date(2026, 12, 21)) == 0  # due today: not overdue
    assert escalate_overdue(on=dt.date(2026, 12, 22)) == 1
    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert recipients == {"carol@example.org", "sam@example.org"}
    note = Notification.objects.get(recipient=cast.carol)
    assert note.verb == "cases.rg_overdue"
    assert note.params == {"reference": case.reference, "due": "2026-12-21"}
    assert case.reference in note.text and "2026-12-21" in note.text
    assert note.url == f"/cases/{case.pk}/"
    # The next runs do not notify the same overdue decision again.
    assert escalate_overdue(on=dt.date(2026, 12, 23)) == 0
    assert Notification.objects.count() == 2
    assert AuditEvent.objects.filter(action="cases.case.escalate", object_id=str(case.pk)).count() == 1
    assert Case.objects.get(pk=case.pk).rg_escalated_due == dt.date(2026, 12, 21)


def test_a_decision_due_before_the_weekend_is_not_overdue_until_the_next_working_day(cast, open_case, clock) -> None:
    clock.set(dt.date(2026, 12, 3))  # Thursday: RG due Thursday 10 Dec
    case = open_case()
    case = services.case_transition(actor=cast.alice, case=case, event="document")
    case = services.case_transition(actor=cast.alice, case=case, event="refer")
    assert case.rg_due == dt.date(2026, 12, 10)
    assert escalate_overdue(on=dt.date(2026, 12, 11)) == 0  # Friday
    assert escalate_overdue(on=dt.date(2026, 12, 12)) == 0  # Saturday
    assert escalate_overdue(on=dt.date(2026, 12, 13)) == 1  # Sunday, a working day


def test_a_decided_case_is_not_escalated(cast, referred_case, clock) -> None:
    case = referred_case()
    services.decision_record(
        actor=cast.carol, case=case, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Police"
    )
    assert escalate_overdue(on=dt.date(2027, 1, 31)) == 0
    assert not Notification.objects.exists()


def test_a_new_clock_after_reconsideration_escalates_again(cast, referred_case, clock) -> None:
    case = referred_case()
    assert escalate_overdue(on=dt.date(2026, 12, 22)) == 1
    clock.set(dt.date(2026, 12, 22))
    services.decision_record(
        actor=cast.carol, case=case, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Police"
    )
    case.refresh_from_db()
    services.reconsideration_request(actor=cast.alice, case=case, reasons="New evidence from the shelter.")
    case.refresh_from_db()
    services.decision_record(
        actor=cast.carol, case=case, kind="reconsideration", outcome="positive", reasons=REASONS, deciding_org="Police"
    )
    case.refresh_from_db()
    assert case.rg_due == dt.date(2026, 12, 29)
    assert escalate_overdue(on=dt.date(2026, 12, 30)) == 1


def test_the_command_escalates_for_a_given_date(cast, referred_case, clock, capsys) -> None:
    referred_case()
    call_command("cases_escalate", "--date", "2026-12-22")
    assert "escalated 1" in capsys.readouterr().out
    call_command("cases_escalate", "--date", "2026-12-22")
    assert "escalated 0" in capsys.readouterr().out


def test_the_task_runs_the_escalation(cast, referred_case, clock) -> None:
    from himaya.cases.tasks import escalate_overdue_decisions

    referred_case()
    clock.set(dt.date(2026, 12, 22))
    assert escalate_overdue_decisions.call() == 1
