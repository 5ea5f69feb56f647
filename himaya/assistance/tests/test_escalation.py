"""Overdue care actions escalate to the supervisors of the case's owning agency, once per due date."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from himaya.access.matrix import World
from himaya.assistance import services
from himaya.assistance.access_matrix import care_setup
from himaya.assistance.escalation import escalate_overdue_actions
from himaya.assistance.models import CareAction
from himaya.notifications.models import Notification


def test_an_overdue_action_notifies_the_owning_agencys_supervisor_once(w: World) -> None:
    s = care_setup(w, exited=False)
    later = timezone.localdate() + dt.timedelta(days=10)
    assert escalate_overdue_actions(on=later) == 2
    notes = Notification.objects.filter(verb="assistance.action_overdue")
    assert {n.recipient_id for n in notes} == {w.sam.pk}
    assert escalate_overdue_actions(on=later) == 0
    assert notes.count() == 2
    assert s.case.timeline.filter(kind="escalation").count() == 2


def test_done_and_not_yet_due_actions_do_not_escalate(w: World) -> None:
    s = care_setup(w, exited=False)
    services.care_action_set_status(actor=w.bob, action=s.own, status="done")
    assert escalate_overdue_actions(on=timezone.localdate() + dt.timedelta(days=1)) == 0
    assert escalate_overdue_actions(on=timezone.localdate() + dt.timedelta(days=4)) == 1
    assert CareAction.objects.get(pk=s.shelter.pk).escalated_due == s.shelter.due_on


def test_the_task_and_the_command_escalate(w: World) -> None:
    from io import StringIO

    from himaya.assistance.tasks import escalate_overdue_care_actions

    care_setup(w, exited=False)
    out = StringIO()
    call_command("assistance_escalate", "--date", (timezone.localdate() + dt.timedelta(days=5)).isoformat(), stdout=out)
    assert "escalated 1 overdue care action" in out.getvalue()
    assert escalate_overdue_care_actions.call() == 0  # today nothing is overdue
