"""A resident not back from a temporary absence by the expected time is notified to the shelter's
staff once, with a frozen clock: before the time nothing, after it one notification each, and a
second run (or a later day) adds nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.audit.models import AuditEvent
from himaya.notifications import messages
from himaya.notifications.models import Notification
from himaya.shelters import escalation, services
from himaya.shelters.tests.conftest import free_bed

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class FrozenClock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> None:
        self.at = at
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def forward(self, **delta: float) -> dt.datetime:
        self.at = self.at + dt.timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, T0)


def test_an_overdue_absence_is_notified_to_the_shelters_staff_once(cast, shelter, make_referral, clock) -> None:
    supervisor = User.objects.create(email="sara@example.org", full_name="Sara", agency=cast.agencies["shelter"])
    UserRole.objects.create(user=supervisor, role=Role.SUPERVISOR)
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    absence = services.absence_start(
        actor=cast.sheila, stay=stay, reason="hospital", expected_back=T0 + dt.timedelta(days=2)
    )
    clock.forward(days=1)
    assert escalation.escalate_overdue_absences() == 0
    clock.forward(days=1, minutes=1)
    assert escalation.escalate_overdue_absences() == 1
    notes = Notification.objects.filter(verb="shelters.absence_overdue")
    assert {n.recipient_id for n in notes} == {cast.sheila.pk, supervisor.pk}  # not the referring agency
    text = messages.render(notes[0].verb, notes[0].params)
    assert stay.reference in text and "Resident" not in text  # the stay, never the person
    assert notes[0].url == f"/shelters/stays/{stay.pk}/"
    clock.forward(days=3)
    assert escalation.escalate_overdue_absences() == 0  # once per absence
    assert notes.count() == 2
    absence.refresh_from_db()
    assert absence.escalated_at == T0 + dt.timedelta(days=2, minutes=1)
    assert AuditEvent.objects.filter(action="shelters.absence.escalate", object_id=str(absence.pk)).count() == 1


def test_a_returned_absence_is_not_notified_and_the_command_reports_both_counts(
    cast, shelter, make_referral, clock
) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    back = services.absence_start(
        actor=cast.sheila, stay=stay, reason="court", expected_back=T0 + dt.timedelta(hours=4)
    )
    clock.forward(hours=1)
    services.absence_return(actor=cast.sheila, absence=back)
    other = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    services.absence_start(actor=cast.sheila, stay=other, reason="hospital", expected_back=T0 + dt.timedelta(hours=5))
    clock.forward(hours=10)
    out = StringIO()
    call_command("assistance_escalate", stdout=out)
    assert "escalated 1 overdue shelter absence(s)" in out.getvalue()
    assert Notification.objects.filter(verb="shelters.absence_overdue").count() == 1

    from himaya.shelters.tasks import escalate_overdue_absences

    assert escalate_overdue_absences.call() == 0
