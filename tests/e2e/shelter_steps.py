"""Reusable steps of the shelter flow in the browser (admission → board → discharge).

Kept apart from the test so later flows (care plan, return) can start from an admitted resident:
`accepted_shelter_referral` prepares the data server-side, `admit` and `discharge` drive the pages.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone


def accepted_shelter_referral(cast: Any, *, arabic_name: str, latin_name: str) -> tuple[Any, Any]:
    """A shelter of the cast's shelter agency and an accepted shelter referral from the EPC for a
    new person (through the services, as the NRM flow test would leave it)."""
    from himaya.agencies.models import AgencyService, ServiceType
    from himaya.cases.services import case_open
    from himaya.consent.models import Consent
    from himaya.people.services import person_create
    from himaya.referrals.services import referral_accept, referral_send
    from himaya.shelters.models import Bed, Room, Shelter

    operator = cast.agencies["shelter"]
    AgencyService.objects.get_or_create(agency=operator, service_type=ServiceType.SHELTER, defaults={"languages": "ar"})
    shelter = Shelter.objects.create(
        operator=operator,
        code="aman-e2e",
        name_ar="دار الأمان - سند",
        name_en="Dar Al Aman, Sanad",
        accessibility="wheelchair,step_free",
    )
    for name, group, count in (("A1", "women", 3), ("G1", "girls", 2)):
        room = Room.objects.create(shelter=shelter, name=name, group=group)
        Bed.objects.bulk_create([Bed(room=room, shelter=shelter, label=f"{name}-{n + 1}") for n in range(count)])
    person = person_create(
        actor=cast.alice, full_name_arabic=arabic_name, given_name_latin=latin_name, gender="Feminine", nationality="PH"
    )
    Consent.objects.create(
        person=person,
        purpose="referral_services",
        recipient_agency=operator,
        given=True,
        explained_by=cast.alice,
        language="ar",
        recorded_at=timezone.now(),
    )
    case = case_open(
        actor=cast.alice, person=person, category="trafficking_suspicion", channel="walk_in", occurred_at=timezone.now()
    )
    referral = referral_send(
        actor=cast.bob, case=case, to_agency=operator, service_type="shelter", urgency="urgent", reason="A safe bed"
    )
    return shelter, referral_accept(actor=cast.sheila, referral=referral)


def admit(flow: Any, page: Any, referral: Any) -> int:
    """From the shelter staff's day page, admit the referred person into the first free bed; returns the stay id."""
    flow.go(page, reverse("shelters:home"))
    flow.shot(page, "staff-day")
    page.locator(f"#tasks-pending a[href='{reverse('shelters:admit', args=[referral.pk])}']").click()
    page.locator("#admit-form select[name=bed]").wait_for()
    flow.shot(page, "admit")
    page.locator("#admit").click()
    page.locator("#stay-status[data-open='1']").wait_for()
    flow.shot(page, "admitted")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def board_shows(flow: Any, page: Any, shelter: Any, name: str) -> None:
    """The occupancy board lists the resident in an occupied bed."""
    flow.go(page, reverse("shelters:board", args=[shelter.pk]))
    page.locator("#board[hx-trigger='every 30s']").wait_for()
    occupied = page.locator("li[data-state='occupied'] .resident")
    assert name in occupied.all_inner_texts()
    flow.shot(page, "board")


def discharge(flow: Any, page: Any, stay_id: int, *, reason: str, destination: str) -> None:
    """Discharge the resident from the stay page with a reason and destination."""
    flow.go(page, reverse("shelters:stay", args=[stay_id]))
    page.select_option("#discharge-form select[name=reason]", reason)
    page.select_option("#discharge-form select[name=destination]", destination)
    page.fill("#discharge-form textarea[name=note]", "Flight booked; embassy escort.")
    flow.shot(page, "discharge-form")
    page.locator("#discharge").click()
    page.locator("#stay-status[data-open='0']").wait_for()
    page.locator("#discharge-pdf").wait_for()
    flow.shot(page, "discharged")
