"""Overdue temporary absences: a resident not back by the expected time (e.g. from hospital).

Run with the care-action escalation (`himaya assistance_escalate`, the
`escalate_overdue_care_actions` task). Each overdue absence is notified once, to the operator's
supervisors and service providers (the staff who admit and follow residents). The notification
gives the stay's reference and the expected time, never the person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.audit.services import audit_record
from himaya.notifications import messages
from himaya.notifications.services import notify
from himaya.shelters.models import Absence

VERB_ABSENCE_OVERDUE = "shelters.absence_overdue"

messages.register(
    VERB_ABSENCE_OVERDUE,
    _("Stay %(stay)s: the resident was expected back on %(expected)s and has not returned."),
)


def shelter_staff_of(agency_id: int) -> list[Any]:
    """Active supervisors and service providers of the shelter's operator."""
    from himaya.accounts.models import User
    from himaya.shelters.rules import ADMITTING_STAFF

    return list(
        User.objects.filter(
            is_active=True, is_integration=False, agency_id=agency_id, roles__role__in=ADMITTING_STAFF
        ).distinct()
    )


def escalate_overdue_absences(*, now: dt.datetime | None = None) -> int:
    """Notify the operator's staff of each absence past its expected return, once; returns how many."""
    now = now or timezone.now()
    candidates = list(
        Absence.objects.filter(returned_at__isnull=True, escalated_at__isnull=True, expected_back__lt=now)
        .order_by("expected_back", "pk")
        .values_list("pk", flat=True)[:5000]
    )
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            absence = Absence.objects.select_for_update(of=("self",)).select_related("stay__shelter").get(pk=pk)
            if absence.returned_at is not None or absence.escalated_at is not None or absence.expected_back >= now:
                continue
            absence.escalated_at = now
            absence.save(update_fields=["escalated_at"])
            stay = absence.stay
            recipients = shelter_staff_of(stay.shelter.operator_id)
            expected = timezone.localtime(absence.expected_back).strftime("%Y-%m-%d %H:%M")
            notify(
                recipients=recipients,
                verb=VERB_ABSENCE_OVERDUE,
                params={"stay": stay.reference, "expected": expected},
                url=reverse("shelters:stay", kwargs={"pk": stay.pk}),
            )
            audit_record(
                actor=None,
                action="shelters.absence.escalate",
                obj=absence,
                fields=["escalated_at"],
                detail=f"expected:{absence.expected_back.isoformat()}:recipients:{len(recipients)}",
            )
            escalated += 1
    return escalated
