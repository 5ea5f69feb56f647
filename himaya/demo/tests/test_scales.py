"""The two scales of synthetic data: demo cases through the services, and the national bulk loader."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from himaya.audit.verify import verify_chain
from himaya.cases.models import Case, Decision
from himaya.consent.models import Consent
from himaya.core.fields import blind_index_for
from himaya.demo.national import AlreadySeeded, national_seed
from himaya.demo.services import demo_seed
from himaya.intake.models import IntakeDraft
from himaya.people.models import Person
from himaya.referrals.models import Referral, ReferralState
from himaya.screening.models import Screening

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_seed_opens_cases_in_many_stages_with_referrals_consents_and_screenings() -> None:
    report = demo_seed(seed=2026)
    assert report.cases_created >= 50
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {
        "identification",
        "labour_grievance",
        "rg_pending",
        "recovery_period",
        "closed",
        "anonymous_notification",
    } <= stages
    assert set(Referral.objects.values_list("state", flat=True)) == set(ReferralState.values)
    assert Consent.objects.filter(given=True).exists()
    assert set(Screening.objects.values_list("outcome", flat=True)) == {"victim", "exploited_no_means", "not_indicated"}
    assert Case.objects.filter(safety_risk=True).exists()
    today = timezone.localdate()
    assert Case.objects.filter(stage="rg_pending", rg_due__lt=today).exists()  # overdue RG decisions
    assert Case.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=60)).exists()
    assert Decision.objects.filter(kind="cg", outcome="positive").exists()
    assert IntakeDraft.objects.filter(submitted_case__isnull=True).count() == 2
    assert verify_chain().problem is None


def test_a_second_demo_seed_adds_no_cases() -> None:
    demo_seed(seed=2026)
    counts = (Case.objects.count(), Referral.objects.count(), Consent.objects.count())
    again = demo_seed(seed=2026)
    assert not again.created_anything
    assert (Case.objects.count(), Referral.objects.count(), Consent.objects.count()) == counts


def test_the_national_loader_writes_the_requested_rows_that_decrypt_and_verify() -> None:
    report = national_seed(persons=500, progress=io.StringIO(), batch=200)
    assert Person.objects.count() >= 500
    assert report.persons == 500
    assert Case.objects.count() - 0 >= report.cases > 100
    assert Referral.objects.count() >= report.referrals > 300
    person = Person.objects.exclude(document_number_index="").order_by("pk").first()
    assert person.given_name_latin and person.nationality
    found = Person.objects.filter(
        document_number_index=blind_index_for(Person, "document_number_index", person.document_number)
    )
    assert list(found) == [person]
    assert verify_chain().problem is None


def test_national_cases_carry_the_history_that_led_to_their_stage() -> None:
    from himaya.cases.models import Decision, TimelineEntry
    from himaya.cases.timeline import describe

    national_seed(persons=400, progress=io.StringIO(), batch=150)
    negative = Case.objects.filter(stage="rg_negative").first()
    assert negative is not None
    assert list(negative.decisions.values_list("kind", "outcome")) == [("rg", "negative")]
    assert Decision.objects.filter(case=negative).get().reasons  # encrypted, and decrypts
    assert [
        e.to_stage
        for e in TimelineEntry.objects.filter(case=negative).exclude(kind__in=["referral", "consent"]).order_by("at")
    ] == [
        "identification",
        "documentation",
        "rg_pending",
        "rg_negative",
    ]
    protected = Case.objects.filter(stage="protection_assistance").first()
    assert protected is not None
    assert sorted(protected.decisions.values_list("kind", "outcome")) == [("cg", "positive"), ("rg", "positive")]
    # Every referral is on its case's timeline, and every entry reads as a sentence.
    some = Referral.objects.order_by("pk").first()
    assert TimelineEntry.objects.filter(case_id=some.case_id, kind="referral", object_id=str(some.pk)).exists()
    assert all(describe(e) for e in TimelineEntry.objects.all()[:300])
    assert verify_chain().problem is None


def test_the_national_loader_refuses_to_run_twice() -> None:
    national_seed(persons=20, progress=None)
    with pytest.raises(AlreadySeeded):
        national_seed(persons=20, progress=None)


def test_the_seed_command_loads_the_national_scale_and_prints_timings() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed", "--scale", "national", "--persons", "50", "--quiet-logins", stdout=out, stderr=err)
    assert "rows/s" in out.getvalue()
    assert "100%" in err.getvalue()
    call_command("audit_verify", stdout=io.StringIO())


def test_national_consents_gate_the_referrals_and_the_embassies_view() -> None:
    from himaya.access import policy
    from himaya.accounts.models import User
    from himaya.agencies.models import AgencyType
    from himaya.consent.sharing import embassy_share_rebuild

    national_seed(persons=600, progress=io.StringIO(), batch=250)
    consents = list(Consent.objects.all())
    assert {c.purpose for c in consents} == {"referral_services", "share_embassy"}
    assert any(c.withdrawn_at for c in consents) and any(not c.given for c in consents)
    active = {(c.person_id, c.purpose, c.recipient_agency_id) for c in consents if c.is_active}
    # Adults are referred only with their consent to referral; embassies only with consent to share.
    for referral in Referral.objects.select_related("case", "to_agency"):
        case = referral.case
        if not case.is_child:
            assert (case.person_id, "referral_services", None) in active
        if referral.to_agency.type == AgencyType.EMBASSY:
            assert (case.person_id, "share_embassy", referral.to_agency_id) in active
    # Each embassy's staff see exactly their own agency's cases and those of their nationals who
    # consent to the sharing.
    embassy_staff = [u for u in User.objects.filter(agency__type=AgencyType.EMBASSY) if policy.scope_q(u, Case)]
    assert embassy_staff
    for user in embassy_staff:
        expected = {
            c.pk
            for c in Case.objects.select_related("person")
            if c.owner_agency_id == user.agency_id
            or (
                c.person is not None
                and c.person.nationality == user.agency.country
                and (c.person_id, "share_embassy", user.agency_id) in active
            )
        }
        assert set(policy.visible(user, Case).values_list("pk", flat=True)) == expected
    assert any(policy.visible(u, Case).exclude(owner_agency_id=u.agency_id).exists() for u in embassy_staff)
    # The embassy rule's pre-filter is loaded as the consent services keep it.
    assert embassy_share_rebuild() == 0
    assert Case.objects.exclude(embassy_share_country="").exists()
    assert Person.objects.exclude(embassy_share_country="").exists()
    assert verify_chain().problem is None
