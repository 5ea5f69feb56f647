"""Demo shelters: rooms and beds for the demo's two shelter operators, and residents admitted from
the demo's accepted shelter referrals through the real services (idempotent: a second run adds
nothing). Referrals beyond the free beds go on the waiting list; one bed is under maintenance;
one resident is away in hospital."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, ServiceType
from himaya.referrals.models import Referral, ReferralState
from himaya.referrals.services import referral_accept
from himaya.shelters import services
from himaya.shelters.models import CHILD_GROUPS, Bed, Room, Shelter, Stay, WaitingEntry
from himaya.shelters.selectors import free_beds

# operator code -> (shelter code, Arabic name, English name, Arabic address, English address,
#                   accessibility, [(room, group, beds)])
SHELTERS = {
    "shelter-aman": (
        "aman-sanad",
        "دار الأمان - سند",
        "Dar Al Aman, Sanad",
        "فيلا ٧، طريق ٣٣١١، سند",
        "Villa 7, Road 3311, Sanad",
        "wheelchair,step_free,accessible_bathroom,medical_room",
        [
            ("A1", "women", 6),
            ("A2", "women", 6),
            ("A3", "women", 6),
            ("A4", "women", 6),
            ("F1", "children_with_carer", 4),
            ("F2", "children_with_carer", 4),
            ("G1", "girls", 4),
            ("B1", "boys", 4),
        ],
    ),
    "shelter-amal": (
        "amal-muharraq",
        "دار الأمل - المحرق",
        "Dar Al Amal, Muharraq",
        "مبنى ٢٢، طريق ٥٦١٢، المحرق",
        "Building 22, Road 5612, Muharraq",
        "ground_floor_rooms",
        [(f"R{n}", "women", 5) for n in range(1, 6)],
    ),
}


def _staff(agency: Agency, role: Role) -> User | None:
    return User.objects.filter(agency=agency, is_active=True, roles__role=role).order_by("pk").first()


def _ensure_shelter(operator: Agency) -> Shelter:
    code, name_ar, name_en, address_ar, address_en, accessibility, rooms = SHELTERS[operator.code]
    shelter, created = Shelter.objects.get_or_create(
        code=code,
        defaults={
            "operator": operator,
            "name_ar": name_ar,
            "name_en": name_en,
            "address_ar": address_ar,
            "address_en": address_en,
            "accessibility": accessibility,
        },
    )
    if created:
        for name, group, count in rooms:
            room = Room.objects.create(shelter=shelter, name=name, group=group)
            Bed.objects.bulk_create([Bed(room=room, shelter=shelter, label=f"{name}-{n + 1}") for n in range(count)])
    return shelter


def demo_shelters(*, seed: int) -> int:
    """Create the demo shelters and admit the people of accepted shelter referrals; returns the
    number of stays created."""
    rng = random.Random(f"{seed}:shelters")
    created = 0
    now = timezone.now()
    for operator in Agency.objects.filter(code__in=SHELTERS).order_by("code"):
        shelter = _ensure_shelter(operator)
        provider = _staff(operator, Role.SERVICE_PROVIDER)
        admin = _staff(operator, Role.AGENCY_ADMIN)
        if provider is None:
            continue
        shelter_referrals = Referral.objects.filter(to_agency=operator, service_type=ServiceType.SHELTER)
        if not Stay.objects.filter(shelter=shelter).exists():
            # The shelter has answered all but the newest of its unanswered shelter referrals.
            for referral in shelter_referrals.filter(state=ReferralState.SENT).order_by("pk")[1:]:
                referral_accept(actor=provider, referral=referral)
        to_place = list(
            shelter_referrals.filter(state__in=services.ADMITTABLE_STATES)
            .exclude(pk__in=Stay.objects.values("referral_id"))
            .exclude(pk__in=WaitingEntry.objects.filter(resolved_at__isnull=True).values("referral_id"))
            .select_related("case")
            .order_by("pk")
        )
        for index, referral in enumerate(to_place):
            if referral.case.person_id is None or Stay.objects.filter(person_id=referral.case.person_id).exists():
                continue
            groups = list(CHILD_GROUPS) if referral.case.is_child else ["women"]
            bed = free_beds(Bed.objects.filter(shelter=shelter, room__group__in=groups)).order_by("pk").first()
            # No bed, or (the newest one) waiting for medical clearance: on the waiting list.
            if bed is None or (index == len(to_place) - 1 and len(to_place) > 1):
                services.waiting_add(actor=provider, referral=referral, group=groups[0])
                continue
            admitted_at = max(now - dt.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 12)), referral.sent_at)
            stay = services.stay_admit(actor=provider, referral=referral, bed=bed, admitted_at=admitted_at)
            created += 1
            if created % 5 == 0:
                services.absence_start(
                    actor=provider,
                    stay=stay,
                    reason="hospital",
                    expected_back=now + dt.timedelta(days=2),
                    note="Observation after a fall.",
                )
        if admin is not None and not Bed.objects.filter(shelter=shelter, is_closed=True).exists():
            spare = free_beds(Bed.objects.filter(shelter=shelter)).order_by("-pk").first()
            if spare is not None:
                services.bed_close(actor=admin, bed=spare, reason="Air conditioning repair")
    return created
