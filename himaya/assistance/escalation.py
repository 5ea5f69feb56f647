"""Escalating overdue care actions to the case owner's supervisors.

Run by the `escalate_overdue_care_actions` task (himaya/assistance/tasks.py) and the
`assistance_escalate` command. An action is overdue when it is still planned or in progress
after its due date; each overdue due date is notified once (moving the due date escalates again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from himaya.assistance import selectors
from himaya.assistance.models import CareAction
from himaya.audit.services import audit_record
from himaya.notifications import messages
from himaya.notifications.services import notify

VERB_ACTION_OVERDUE = "assistance.action_overdue"

messages.register(VERB_ACTION_OVERDUE, _("Case %(reference)s: a care action was due on %(due)s and is not done."))


def supervisors_of(agency_id: int) -> list[Any]:
    """Active supervisors of the agency that owns the case."""
    from himaya.accounts.models import User
    from himaya.accounts.roles import Role

    return list(
        User.objects.filter(
            is_active=True, is_integration=False, agency_id=agency_id, roles__role=Role.SUPERVISOR
        ).distinct()
    )


def escalate_overdue_actions(*, on: dt.date | None = None) -> int:
    """Notify the supervisors of each overdue action's case owner, once per due date; returns how many."""
    on = on or selectors.today()
    candidates = list(
        CareAction.objects.filter(selectors.overdue_actions_q(on)).values_list("pk", flat=True).order_by("pk")[:5000]
    )
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            action = CareAction.objects.select_for_update().select_related("case").get(pk=pk)
            if not action.is_open or action.due_on >= on or action.escalated_due == action.due_on:
                continue
            action.escalated_due = action.due_on
            action.save(update_fields=["escalated_due"])
            recipients = supervisors_of(action.case.owner_agency_id)
            notify(
                recipients=recipients,
                verb=VERB_ACTION_OVERDUE,
                params={"reference": action.case.reference, "due": action.due_on.isoformat()},
                url=reverse("assistance:care", kwargs={"case_id": action.case_id}),
            )
            from himaya.cases.services import timeline_add

            timeline_add(case=action.case, actor=None, kind="escalation", summary="care_action", obj=action)
            audit_record(
                actor=None,
                action="assistance.careaction.escalate",
                obj=action,
                fields=["escalated_due"],
                detail=f"due:{action.due_on.isoformat()}:recipients:{len(recipients)}",
            )
            escalated += 1
    return escalated
