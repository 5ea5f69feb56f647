"""Fixtures for the shelter tests: a shelter of the cast's shelter agency with rooms and beds, and
accepted shelter referrals for people whose cases the EPC owns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from himaya.agencies.models import AgencyService, ServiceType
from himaya.cases.services import case_open
from himaya.consent.models import Consent
from himaya.people.services import person_create
from himaya.referrals.services import referral_accept, referral_send
from himaya.shelters.models import Bed, Room, Shelter


def build_shelter(operator: Any, *, code: str = "aman", beds: dict[str, int] | None = None) -> Shelter:
    """A shelter with one room per group in `beds` (group → number of beds)."""
    shelter = Shelter.objects.create(
        operator=operator,
        code=code,
        name_ar=f"دار {code}",
        name_en=f"House {code}",
        address_en="Road 1, Manama",
        accessibility="wheelchair,step_free",
    )
    for group, count in (beds or {"women": 2}).items():
        room = Room.objects.create(shelter=shelter, name=f"{group}-room", group=group)
        Bed.objects.bulk_create([Bed(room=room, shelter=shelter, label=f"{n + 1}") for n in range(count)])
    return shelter


@pytest.fixture
def shelter_service(cast: Any) -> Any:
    agency = cast.agencies["shelter"]
    AgencyService.objects.get_or_create(
        agency=agency, service_type=ServiceType.SHELTER, defaults={"languages": "ar,en"}
    )
    return agency


@pytest.fixture
def shelter(cast: Any, shelter_service: Any) -> Shelter:
    return build_shelter(shelter_service, beds={"women": 2, "girls": 1})


@pytest.fixture
def make_referral(cast: Any, shelter_service: Any) -> Callable[..., Any]:
    """An accepted shelter referral (EPC → shelter agency) for a new person; `accept=False` leaves it sent."""
    counter = {"n": 0}

    def make(*, accept: bool = True, is_child: bool = False, safety_risk: bool = False, urgency: str = "normal") -> Any:
        counter["n"] += 1
        person = person_create(
            actor=cast.alice, given_name_latin=f"Resident{counter['n']}", nationality="PH", gender="Feminine"
        )
        Consent.objects.create(
            person=person,
            purpose="referral_services",
            recipient_agency=shelter_service,
            given=True,
            explained_by=cast.alice,
            language="en",
            recorded_at=timezone.now(),
        )
        case = case_open(
            actor=cast.alice,
            person=person,
            category="trafficking_suspicion",
            channel="walk_in",
            occurred_at=timezone.now(),
            is_child=is_child,
            safety_risk=safety_risk,
        )
        referral = referral_send(
            actor=cast.bob, case=case, to_agency=shelter_service, service_type="shelter", urgency=urgency, reason="Bed"
        )
        return referral_accept(actor=cast.sheila, referral=referral) if accept else referral

    return make


def free_bed(shelter: Shelter, group: str = "women") -> Bed:
    from himaya.shelters.selectors import free_beds

    bed = free_beds(Bed.objects.filter(shelter=shelter, room__group=group)).order_by("pk").first()
    assert bed is not None, "no free bed left"
    return bed
