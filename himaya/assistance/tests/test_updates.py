"""Court support appointments and compensation are updated with what became of them (audited, on
the timeline, translated errors that change nothing), and the follow-up schedule after exit is
configuration (HIMAYA_FOLLOW_UP_MONTHS), validated when the application starts."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone, translation

from himaya.access.matrix import World
from himaya.assistance import closure, selectors, services
from himaya.assistance.access_matrix import care_setup
from himaya.assistance.models import CourtAppointment, FollowUp
from himaya.audit.models import AuditEvent
from himaya.cases.timeline import describe

pytestmark = pytest.mark.django_db


def _hearing(w: World, at: dt.datetime) -> CourtAppointment:
    s = care_setup(w, exited=False)
    return services.court_appointment_add(actor=w.bob, case=s.case, at=at, court="High Civil Court", claim=s.claim)


def test_a_hearing_is_held_with_its_outcome_or_postponed(w: World) -> None:
    past = _hearing(w, timezone.now() - dt.timedelta(hours=2))
    with translation.override("en"), pytest.raises(ValidationError) as no_outcome:
        services.court_appointment_update(actor=w.bob, appointment=past, status="held", outcome=" ")
    assert no_outcome.value.message_dict == {"outcome": ["Say what the outcome of the hearing was."]}
    past.refresh_from_db()
    assert past.status == "scheduled" and past.outcome == ""
    held = services.court_appointment_update(
        actor=w.bob, appointment=past, status="held", outcome="Employer ordered to pay 450 BHD"
    )
    assert (held.status, held.outcome) == ("held", "Employer ordered to pay 450 BHD")
    event = AuditEvent.objects.get(action="assistance.courtappointment.update", object_id=str(past.pk))
    assert event.detail == "held" and "outcome" in event.fields
    entry = past.case.timeline.filter(kind="legal", summary="court_outcome").get()
    with translation.override("en"):
        assert describe(entry) == "Court support appointment updated with its outcome."

    soon = services.court_appointment_add(
        actor=w.bob, case=past.case, at=timezone.now() + dt.timedelta(days=2), court="Labour Court"
    )
    with pytest.raises(ValidationError) as too_early:
        services.court_appointment_update(actor=w.bob, appointment=soon, status="held", outcome="x")
    assert "status" in too_early.value.message_dict
    with pytest.raises(ValidationError) as no_date:
        services.court_appointment_update(actor=w.bob, appointment=soon, status="postponed")
    assert "at" in no_date.value.message_dict
    later = soon.at + dt.timedelta(days=14)
    moved = services.court_appointment_update(actor=w.bob, appointment=soon, status="postponed", at=later)
    assert (moved.status, moved.at) == ("postponed", later)
    with pytest.raises(ValidationError):
        services.court_appointment_update(actor=w.bob, appointment=soon, status="adjourned")
    with pytest.raises(Http404):
        services.court_appointment_update(actor=w.pete, appointment=soon, status="cancelled")


def test_compensation_goes_from_awarded_to_paid(w: World) -> None:
    s = care_setup(w, exited=False)
    awarded_on = timezone.localdate() - dt.timedelta(days=20)
    award = services.compensation_record(
        actor=w.bob, case=s.case, awarded_amount="450.500", currency="BHD", awarded_on=awarded_on, claim=s.claim
    )
    assert not award.is_paid and award.outstanding == Decimal("450.500")
    with translation.override("en"), pytest.raises(ValidationError) as too_much:
        services.compensation_update(actor=w.bob, award=award, paid_amount="500", paid_on=timezone.localdate())
    assert too_much.value.message_dict == {"paid_amount": ["More cannot be paid than was awarded."]}
    with pytest.raises(ValidationError) as no_date:
        services.compensation_update(actor=w.bob, award=award, paid_amount="100", paid_on=None)
    assert "paid_on" in no_date.value.message_dict
    with pytest.raises(ValidationError) as before_award:
        services.compensation_update(
            actor=w.bob, award=award, paid_amount="100", paid_on=awarded_on - dt.timedelta(days=1)
        )
    assert "paid_on" in before_award.value.message_dict
    award.refresh_from_db()
    assert award.paid_amount == 0 and award.paid_on is None  # nothing changed

    part = services.compensation_update(actor=w.bob, award=award, paid_amount="200", paid_on=timezone.localdate())
    assert (part.paid_amount, part.is_paid) == (Decimal("200"), False)
    paid = services.compensation_update(actor=w.bob, award=award, paid_amount="450.5", paid_on=timezone.localdate())
    assert paid.is_paid and paid.outstanding == 0
    details = list(
        AuditEvent.objects.filter(action="assistance.compensation.update")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["part_paid", "paid"]
    with pytest.raises(Http404):
        services.compensation_update(actor=w.sheila, award=award, paid_amount="1", paid_on=timezone.localdate())


def test_the_legal_page_updates_a_hearing_and_a_payment(client, w: World) -> None:
    from himaya.accounts.testing import login

    hearing = _hearing(w, timezone.now() - dt.timedelta(hours=1))
    award = services.compensation_record(
        actor=w.bob, case=hearing.case, awarded_amount="100", currency="BHD", awarded_on=timezone.localdate()
    )
    type(w.bob).objects.filter(pk=w.bob.pk).update(language="en")
    login(client, w.bob)
    page = client.get(f"/assistance/case/{hearing.case_id}/legal/").content.decode()
    assert f"/assistance/court/{hearing.pk}/" in page and f"/assistance/compensation/{award.pk}/" in page
    refused = client.post(
        f"/assistance/court/{hearing.pk}/",
        {f"hearing{hearing.pk}-status": "held", f"hearing{hearing.pk}-outcome": ""},
        follow=True,
    )
    assert "Say what the outcome of the hearing was." in refused.content.decode()
    client.post(
        f"/assistance/court/{hearing.pk}/",
        {f"hearing{hearing.pk}-status": "held", f"hearing{hearing.pk}-outcome": "Settled in court"},
    )
    hearing.refresh_from_db()
    assert hearing.status == "held"
    client.post(
        f"/assistance/compensation/{award.pk}/",
        {f"award{award.pk}-paid_amount": "100", f"award{award.pk}-paid_on": timezone.localdate().isoformat()},
    )
    award.refresh_from_db()
    assert award.is_paid
    assert "Paid in full" in client.get(f"/assistance/case/{hearing.case_id}/legal/").content.decode()


def test_the_follow_up_schedule_comes_from_the_settings_and_the_closure_uses_it(w: World) -> None:
    s = care_setup(w, exited=False)
    exited = timezone.localdate() - dt.timedelta(days=5)
    with override_settings(HIMAYA_FOLLOW_UP_MONTHS=(2, 12)):
        services.exit_plan_save(actor=w.bob, case=s.case, pathway="local_integration", exited_on=exited)
        months = sorted(FollowUp.objects.filter(case=s.case).values_list("months_after_exit", flat=True))
        assert months == [2, 12]
        facts = selectors.closure_facts(s.case)
        assert facts.required_follow_ups == (2, 12) and facts.follow_ups_scheduled == 2
    # The schedule grows: the contacts already recorded still count, the new month is missing until
    # the exit plan is saved again (which schedules it).
    with override_settings(HIMAYA_FOLLOW_UP_MONTHS=(2, 6, 12)):
        facts = selectors.closure_facts(s.case)
        assert facts.follow_ups_scheduled == 2
        assert closure.FOLLOW_UPS_NOT_SCHEDULED in closure.unmet_criteria(replace(facts, stage="reintegration"))
        services.exit_plan_save(actor=w.bob, case=s.case, pathway="local_integration")
        assert selectors.closure_facts(s.case).follow_ups_scheduled == 3


@pytest.mark.parametrize(("text", "months"), [("1,3,6", (1, 3, 6)), (" 2 , 12 ", (2, 12)), ("6", (6,))])
def test_follow_up_months_parse(text: str, months: tuple[int, ...]) -> None:
    assert closure.parse_follow_up_months(text) == months


@pytest.mark.parametrize("text", ["", "1,,3", "3,1", "1,1", "0,3", "1,61", "one", "1.5"])
def test_bad_follow_up_months_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        closure.parse_follow_up_months(text)


def test_a_bad_follow_up_setting_stops_the_start_up() -> None:
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "HIMAYA_FOLLOW_UP_MONTHS": "6,3", "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured: HIMAYA_FOLLOW_UP_MONTHS" in done.stderr and "strictly increasing" in done.stderr
