"""A shelter operator's administrator, in a real browser in Arabic and English: create a shelter
with capacity by group, try to lower the capacity below the beds occupied (refused with a
message), add a room, retire a bed; shelter staff re-prioritise and withdraw a waiting-list entry;
the case worker records a hearing's outcome and a compensation payment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from shelter_steps import accepted_shelter_referral
from test_nrm_flow import Flow

from himaya.accounts.mfa import enrol_for_fixture
from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.shelters import services
from himaya.shelters.models import Shelter, WaitingEntry
from himaya.testing import CAST_PASSWORD, CAST_TOTP_SECRET, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _admin(cast):
    user = User(email="mona@example.org", full_name="Mona", agency=cast.agencies["shelter"])
    user.set_password(CAST_PASSWORD)
    user.save()
    UserRole.objects.create(user=user, role=Role.AGENCY_ADMIN)
    enrol_for_fixture(user, CAST_TOTP_SECRET)
    return user


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_an_operator_manages_its_shelters_and_staff_manage_the_waiting_list(
    live_server,
    browser,
    artifacts,
    lang,
):
    cast = make_cast()
    shelter, referral = accepted_shelter_referral(cast, arabic_name="مريم حسن", latin_name="Mariam")
    services.stay_admit(actor=cast.sheila, referral=referral, bed=shelter.beds.filter(room__group="women").first())
    folder = artifacts / "shelter-manage"
    folder.mkdir(exist_ok=True)
    flow = Flow(browser, live_server.url, lang, folder)

    mona = flow.sign_in(_admin(cast))
    flow.go(mona, reverse("shelters:manage"))
    flow.shot(mona, "manage")
    mona.locator("#new-shelter").click()
    mona.fill("#id_name_ar", "دار النور")
    mona.fill("#id_name_en", "Nour House")
    mona.fill("#id_address_en", "Road 5, Sitra")
    mona.locator("input[name=accessibility][value=wheelchair]").check()
    mona.fill("#id_capacity_women", "4")
    mona.fill("#id_capacity_girls", "2")
    flow.shot(mona, "new-shelter")
    mona.locator("#save-shelter").click()
    mona.locator("#rooms").wait_for()
    new = Shelter.objects.get(name_en="Nour House")
    assert mona.locator("#rooms tbody tr").count() == 2
    flow.shot(mona, "rooms")

    # Lowering the first shelter's women's beds below the one occupied bed is refused.
    flow.go(mona, reverse("shelters:shelter_edit", args=[shelter.pk]))
    mona.fill("#id_capacity_women", "0")
    mona.locator("#save-shelter").click()
    mona.locator(".invalid-feedback").first.wait_for()
    assert "1" in mona.locator("#capacity .invalid-feedback").first.inner_text()
    flow.shot(mona, "capacity-refused")

    room = new.rooms.get(group="women")
    flow.go(mona, reverse("shelters:room", args=[room.pk]))
    mona.locator("#room-beds form[action$='/retire/'] button").first.click()
    mona.locator(".alert-success").wait_for()
    flow.shot(mona, "room")
    assert new.beds.filter(retired_at__isnull=False).count() == 1

    # Shelter staff: the waiting list.
    _, waiting_referral = _second_referral(cast)
    entry = services.waiting_add(actor=cast.sheila, referral=waiting_referral, group="women")
    sheila = flow.sign_in(cast.sheila)
    flow.go(sheila, reverse("shelters:home"))
    sheila.locator(f"#waiting-{entry.pk} summary").click()
    sheila.select_option(f"#priority-{entry.pk}", "1")
    flow.shot(sheila, "waiting-list")
    sheila.locator(f"form[action$='/waiting/{entry.pk}/priority/'] button").click()
    sheila.locator(".alert-success").wait_for()
    entry.refresh_from_db()
    assert entry.priority == 1
    sheila.locator(f"#waiting-{entry.pk} summary").click()
    sheila.fill(f"#withdraw-{entry.pk}", "Went to live with her sister")
    sheila.locator(f"form[action$='/waiting/{entry.pk}/withdraw/'] button").click()
    sheila.locator(".alert-success").wait_for()
    assert WaitingEntry.objects.get(pk=entry.pk).resolution == "withdrawn"

    # The case worker: a hearing's outcome and a payment of compensation.
    from himaya.assistance import services as care

    case = referral.case
    hearing = care.court_appointment_add(
        actor=cast.bob, case=case, at=timezone.now() - dt.timedelta(hours=3), court="High Civil Court"
    )
    award = care.compensation_record(
        actor=cast.bob, case=case, awarded_amount="450.500", currency="BHD", awarded_on=timezone.localdate()
    )
    bob = flow.sign_in(cast.bob)
    flow.go(bob, reverse("assistance:legal", args=[case.pk]))
    bob.locator("#legal-hearings summary").click()
    bob.select_option(f"[name='hearing{hearing.pk}-status']", "held")
    bob.fill(f"[name='hearing{hearing.pk}-outcome']", "Employer ordered to pay the wages")
    bob.locator("#legal-compensation summary").click()
    flow.shot(bob, "legal-forms")
    bob.locator(f"form[action$='/court/{hearing.pk}/'] button").click()
    bob.locator(".alert-success").wait_for()
    bob.locator("#legal-hearings .badge.text-bg-success").wait_for()  # the hearing now reads "held"
    bob.locator("#legal-compensation details").evaluate("d => { d.open = true; }")
    bob.fill(f"[name='award{award.pk}-paid_amount']", "450.500")
    bob.fill(f"[name='award{award.pk}-paid_on']", timezone.localdate().isoformat())
    bob.locator(f"form[action$='/compensation/{award.pk}/'] button").click()
    bob.locator(".alert-success").wait_for()
    flow.shot(bob, "legal-updated")
    hearing.refresh_from_db()
    award.refresh_from_db()
    assert hearing.status == "held" and award.is_paid


def _second_referral(cast):
    from himaya.cases.services import case_open
    from himaya.consent.models import Consent
    from himaya.people.services import person_create
    from himaya.referrals.services import referral_accept, referral_send

    operator = cast.agencies["shelter"]
    person = person_create(actor=cast.alice, given_name_latin="Rosa", gender="Feminine", nationality="PH")
    Consent.objects.create(
        person=person,
        purpose="referral_services",
        recipient_agency=operator,
        given=True,
        explained_by=cast.alice,
        language="en",
        recorded_at=timezone.now(),
    )
    case = case_open(actor=cast.alice, person=person, category="abuse", channel="hotline", occurred_at=timezone.now())
    referral = referral_send(
        actor=cast.bob, case=case, to_agency=operator, service_type="shelter", urgency="normal", reason="A bed"
    )
    return case, referral_accept(actor=cast.sheila, referral=referral)
