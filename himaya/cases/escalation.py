"""Escalating overdue identification decisions to the competent authority.

Run by the `escalate_overdue_decisions` task and the `cases_escalate` command (cron / systemd timer).
A decision is overdue once a working day has begun after its due date; each overdue due date is
notified once (the case remembers which due date it escalated, so a new clock escalates again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from himaya.audit.services import audit_record
from himaya.cases import selectors
from himaya.cases.models import Case
from himaya.notifications import messages
from himaya.notifications.services import notify

VERB_RG_OVERDUE = "cases.rg_overdue"
VERB_CG_OVERDUE = "cases.cg_overdue"

messages.register(
    VERB_RG_OVERDUE, _("Case %(reference)s: the reasonable grounds decision was due on %(due)s and is overdue.")
)
messages.register(
    VERB_CG_OVERDUE, _("Case %(reference)s: the conclusive grounds decision was due on %(due)s and is overdue.")
)


def escalation_recipients() -> list[Any]:
    """Active NRM coordinators (national) and the supervisors of their agencies."""
    from himaya.accounts.models import User
    from himaya.accounts.roles import Role

    coordinators = list(User.objects.filter(is_active=True, roles__role=Role.NRM_COORDINATOR).distinct())
    agencies = {u.agency_id for u in coordinators}
    supervisors = list(
        User.objects.filter(is_active=True, roles__role=Role.SUPERVISOR, agency_id__in=agencies).distinct()
    )
    return coordinators + [u for u in supervisors if u.pk not in {c.pk for c in coordinators}]


def escalate_overdue(*, on: dt.date | None = None) -> int:
    """Notify each overdue RG/CG decision once; returns how many were escalated."""
    on = on or selectors.today()
    cutoff = selectors.overdue_cutoff(on)
    candidates = list(Case.objects.filter(selectors.overdue_q(on)).values_list("pk", flat=True).order_by("pk")[:5000])
    recipients = escalation_recipients()
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.stage in selectors.RG_CLOCK_STAGES and case.rg_due and case.rg_due < cutoff:
                kind, due, field, verb = "rg", case.rg_due, "rg_escalated_due", VERB_RG_OVERDUE
            elif case.stage in selectors.CG_CLOCK_STAGES and case.cg_due and case.cg_due < cutoff:
                kind, due, field, verb = "cg", case.cg_due, "cg_escalated_due", VERB_CG_OVERDUE
            else:
                continue
            if getattr(case, field) == due:
                continue  # this overdue decision was already escalated
            setattr(case, field, due)
            case.save(update_fields=[field, "updated_at"])
            notify(
                recipients=recipients,
                verb=verb,
                params={"reference": case.reference, "due": due.isoformat()},
                url=reverse("cases:detail", kwargs={"pk": case.pk}),
            )
            from himaya.cases.services import timeline_add

            timeline_add(case=case, actor=None, kind="escalation", summary=kind)
            audit_record(
                actor=None,
                action="cases.case.escalate",
                obj=case,
                fields=[field],
                detail=f"{kind}:due:{due.isoformat()}:recipients:{len(recipients)}",
            )
            escalated += 1
    return escalated
