"""Who gets what on every shelter URL (see himaya/access/matrix.py for the format).

The world gets a shelter run by the cast's shelter agency (sheila is its service provider) and,
where a URL needs one, an accepted shelter referral from the EPC for w.person and a stay made on
it. Shelter staff see their residents; the EPC (the referring agency) sees the stay's status;
the police, the embassy and everyone else get 404. No cast member supervises or administers the
shelter agency, so bed maintenance and facility management (shelters, rooms, beds) answer 404 to
the whole cast: other agencies' administrators (dora, paula, jamal) and the shelter's own service
provider (sheila) alike (himaya/shelters/tests/test_manage.py covers the shelter's supervisor and
administrator).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone", "sysop"}
SHELTER_STAFF = {"sheila"}
REFERRING = {"alice", "bob", "carol", "sam"}
REPORTERS = {"carol", "sam", "dora", "paula", "jamal", "adam"}  # jamal: a partner agency's administrator


def _shelter(w: Any) -> Any:
    from himaya.shelters.models import Bed, Room, Shelter

    shelter, created = Shelter.objects.get_or_create(
        code="matrix-house",
        defaults={"operator": w.cast.agencies["shelter"], "name_ar": "دار المصفوفة", "name_en": "Matrix House"},
    )
    if created:
        room = Room.objects.create(shelter=shelter, name="A", group="women")
        Bed.objects.bulk_create([Bed(room=room, shelter=shelter, label=str(n)) for n in (1, 2)])
    return shelter


def _consent(w: Any) -> None:
    from himaya.consent.models import Consent

    shelter_agency = w.cast.agencies["shelter"]
    if not Consent.objects.filter(person=w.person, recipient_agency=shelter_agency).exists():
        Consent.objects.create(
            person=w.person,
            purpose="referral_services",
            recipient_agency=shelter_agency,
            given=True,
            explained_by=w.alice,
            language="en",
            recorded_at=timezone.now(),
        )


def _referral(w: Any) -> Any:
    from himaya.referrals.models import Referral
    from himaya.referrals.services import referral_accept, referral_send

    _shelter(w)
    existing = Referral.objects.filter(case__person=w.person, service_type="shelter").first()
    if existing is not None:
        return existing
    from himaya.cases.services import case_open

    shelter_agency = w.cast.agencies["shelter"]
    _consent(w)
    case = case_open(
        actor=w.alice, person=w.person, category="trafficking_suspicion", channel="walk_in", occurred_at=timezone.now()
    )
    referral = referral_send(
        actor=w.alice, case=case, to_agency=shelter_agency, service_type="shelter", urgency="normal", reason="A bed"
    )
    return referral_accept(actor=w.sheila, referral=referral)


def _stay(w: Any) -> Any:
    from himaya.shelters import services
    from himaya.shelters.models import Bed, Stay

    referral = _referral(w)
    stay = Stay.objects.filter(referral=referral).first()
    if stay is None:
        bed = Bed.objects.filter(shelter__code="matrix-house").order_by("pk")[0]
        stay = services.stay_admit(actor=w.sheila, referral=referral, bed=bed)
    return stay


def _ended_stay(w: Any) -> Any:
    from himaya.shelters import services

    stay = _stay(w)
    if stay.is_open:
        stay = services.stay_discharge(actor=w.sheila, stay=stay, reason="family", destination="family_or_friends")
    return stay


def _emergency_case(w: Any) -> dict[str, Any]:
    from himaya.cases.services import case_open

    _shelter(w)
    _consent(w)
    case = case_open(actor=w.alice, person=w.person, category="abuse", channel="hotline", occurred_at=timezone.now())
    return {"case_id": case.pk}


def _emergency_case_reference(w: Any) -> str:
    from himaya.cases.models import Case

    return Case.objects.get(pk=_emergency_case(w)["case_id"]).reference


def _free_bed_id(w: Any) -> int:
    from himaya.shelters.models import Bed, Stay

    taken = Stay.objects.filter(ended_at__isnull=True).values("bed_id")
    return (
        Bed.objects.filter(shelter__code="matrix-house")
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )


def _stay_data(w: Any) -> dict[str, Any]:
    _stay(w)
    return {}


def _with_shelter(w: Any) -> dict[str, Any]:
    _shelter(w)
    return {}


def _shelter_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _shelter(w).pk}


def _referral_kwargs(w: Any) -> dict[str, Any]:
    return {"referral_id": _referral(w).pk}


def _stay_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _stay(w).pk}


def _ended_stay_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _ended_stay(w).pk}


def _absence_kwargs(w: Any) -> dict[str, Any]:
    import datetime as dt

    from himaya.shelters import services

    stay = _stay(w)
    absence = stay.absences.filter(returned_at__isnull=True).first() or services.absence_start(
        actor=w.sheila, stay=stay, reason="hospital", expected_back=timezone.now() + dt.timedelta(days=1)
    )
    return {"pk": absence.pk}


def _bed_kwargs(w: Any) -> dict[str, Any]:
    _shelter(w)
    return {"pk": _free_bed_id(w)}


def _emergency_data(w: Any) -> dict[str, Any]:
    return {"bed": _free_bed_id(w), "reason": "Found at night"}


def _admit_data(w: Any) -> dict[str, Any]:
    return {"bed": _free_bed_id(w)}


def _room_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _shelter(w).rooms.order_by("pk")[0].pk}


def _waiting_kwargs(w: Any) -> dict[str, Any]:
    from himaya.shelters import services
    from himaya.shelters.models import WaitingEntry

    referral = _referral(w)
    entry = WaitingEntry.objects.filter(referral=referral, resolved_at__isnull=True).first()
    if entry is None:
        entry = services.waiting_add(actor=w.sheila, referral=referral, group="women")
    return {"pk": entry.pk}


def _shelter_data(w: Any) -> dict[str, Any]:
    return {
        "name_ar": "دار جديدة",
        "name_en": "New House",
        "capacity_women": 2,
        "capacity_men": 0,
        "capacity_children_with_carer": 0,
        "capacity_boys": 0,
        "capacity_girls": 0,
    }


STAY_ROLES = SHELTER_STAFF | REFERRING | {"dora", "pete", "paula", "jamal", "emil", "ivan"}

MANAGEMENT = {
    # Facility management: the operator's supervisors and administrators only (none in the cast).
    "shelters:manage": Expect(data=_with_shelter, ok=set()),
    "shelters:shelter_new": Expect(method="post", data=_shelter_data, ok=set()),
    "shelters:shelter_edit": Expect(method="post", kwargs=_shelter_kwargs, data=_shelter_data, ok=set()),
    "shelters:shelter_active": Expect(method="post", kwargs=_shelter_kwargs, data=lambda w: {"active": "0"}, ok=set()),
    "shelters:rooms": Expect(kwargs=_shelter_kwargs, ok=set()),
    "shelters:room_new": Expect(
        method="post", kwargs=_shelter_kwargs, data=lambda w: {"name": "C", "group": "men", "beds": 1}, ok=set()
    ),
    "shelters:room": Expect(kwargs=_room_kwargs, ok=set()),
    "shelters:beds_add": Expect(method="post", kwargs=_room_kwargs, data=lambda w: {"count": 1}, ok=set()),
    "shelters:bed_edit": Expect(method="post", kwargs=_bed_kwargs, data=lambda w: {"label": "Z"}, ok=set()),
    "shelters:bed_retire": Expect(method="post", kwargs=_bed_kwargs, ok=set()),
    # The waiting list: the operator's admitting staff.
    "shelters:waiting_withdraw": Expect(
        method="post",
        kwargs=_waiting_kwargs,
        data=lambda w: {"reason": "Found family"},
        ok=SHELTER_STAFF,
        ok_status=302,
    ),
    "shelters:waiting_priority": Expect(
        method="post", kwargs=_waiting_kwargs, data=lambda w: {"priority": 1}, ok=SHELTER_STAFF, ok_status=302
    ),
    "api:shelter-managed-list": Expect(ok=set(), api=True),
    "api:shelter-managed-detail": Expect(kwargs=_shelter_kwargs, ok=set(), api=True),
    "api:shelter-managed-active": Expect(
        method="post", kwargs=_shelter_kwargs, data=lambda w: {"active": False}, ok=set(), api=True, format="json"
    ),
    "api:shelter-rooms": Expect(kwargs=_shelter_kwargs, ok=EVERYONE, api=True),
    "api:shelter-room": Expect(kwargs=_room_kwargs, ok=EVERYONE, api=True),
    "api:shelter-room-beds": Expect(
        method="post", kwargs=_room_kwargs, data=lambda w: {"count": 1}, ok=set(), api=True, format="json"
    ),
    "api:shelter-bed": Expect(
        method="put", kwargs=_bed_kwargs, data=lambda w: {"label": "Z"}, ok=set(), api=True, format="json"
    ),
    "api:shelter-bed-retire": Expect(method="post", kwargs=_bed_kwargs, ok=set(), api=True, format="json"),
    "api:shelter-waiting-list": Expect(data=_with_shelter, ok=STAY_ROLES, api=True),
    "api:shelter-waiting-withdraw": Expect(
        method="post",
        kwargs=_waiting_kwargs,
        data=lambda w: {"reason": "Found family"},
        ok=SHELTER_STAFF,
        api=True,
        format="json",
    ),
    "api:shelter-waiting-priority": Expect(
        method="post", kwargs=_waiting_kwargs, data=lambda w: {"priority": 1}, ok=SHELTER_STAFF, api=True, format="json"
    ),
}

EXPECTATIONS = {
    "shelters:home": Expect(data=_with_shelter, ok=SHELTER_STAFF),
    "shelters:national": Expect(data=_with_shelter, ok=EVERYONE),
    "shelters:report": Expect(data=_with_shelter, ok=REPORTERS),
    "shelters:board": Expect(kwargs=_shelter_kwargs, ok=SHELTER_STAFF),
    "shelters:board_live": Expect(kwargs=_shelter_kwargs, ok=SHELTER_STAFF),
    "shelters:admit": Expect(kwargs=_referral_kwargs, ok=SHELTER_STAFF),
    "shelters:waiting_add": Expect(
        method="post", kwargs=_referral_kwargs, data=lambda w: {"group": "women"}, ok=SHELTER_STAFF, ok_status=302
    ),
    "shelters:emergency": Expect(
        method="post", kwargs=_emergency_case, data=_emergency_data, ok=REFERRING, ok_status=302
    ),
    "shelters:emergency_find": Expect(
        data=lambda w: {"reference": _emergency_case_reference(w)},
        ok=REFERRING,
        ok_status=302,
        # Case staff of other agencies may look too: not finding the case sends them back with a message.
        special={"pete": 302, "emil": 302, "ivan": 302},
    ),
    "shelters:referred": Expect(
        data=_stay_data, ok=REFERRING | {"sheila", "dora", "pete", "paula", "jamal", "emil", "ivan"}
    ),
    "shelters:stay": Expect(kwargs=_stay_kwargs, ok=SHELTER_STAFF | REFERRING),
    "shelters:discharge_pdf": Expect(
        kwargs=_ended_stay_kwargs, ok=SHELTER_STAFF, special=dict.fromkeys(REFERRING, 404)
    ),
    "shelters:discharge": Expect(
        method="post",
        kwargs=_stay_kwargs,
        data=lambda w: {"reason": "family", "destination": "family_or_friends"},
        ok=SHELTER_STAFF,
        ok_status=302,
    ),
    "shelters:absence": Expect(
        method="post",
        kwargs=_stay_kwargs,
        data=lambda w: {"reason": "hospital", "expected_back": "2099-01-01T10:00"},
        ok=SHELTER_STAFF,
        ok_status=302,
    ),
    "shelters:transfer": Expect(
        method="post", kwargs=_stay_kwargs, data=lambda w: {}, ok=set(), special={"sheila": 400}
    ),
    "shelters:review": Expect(method="post", kwargs=_stay_kwargs, ok=SHELTER_STAFF, ok_status=302),
    "shelters:absence_return": Expect(method="post", kwargs=_absence_kwargs, ok=SHELTER_STAFF, ok_status=302),
    "shelters:bed_close": Expect(method="post", kwargs=_bed_kwargs, data=lambda w: {"reason": "Leak"}, ok=set()),
    "shelters:bed_reopen": Expect(method="post", kwargs=_bed_kwargs, ok=set()),
}


def _admission_data(w: Any) -> dict[str, Any]:
    return {"referral": _referral(w).pk, "bed": _free_bed_id(w)}


def _api_emergency_data(w: Any) -> dict[str, Any]:
    case_id = _emergency_case(w)["case_id"]
    return {"case": case_id, "bed": _free_bed_id(w), "reason": "Found at night"}


def _other_house(w: Any) -> Any:
    from himaya.shelters.models import Bed, Room, Shelter

    other, created = Shelter.objects.get_or_create(
        code="matrix-annex",
        defaults={"operator": w.cast.agencies["shelter"], "name_ar": "الملحق", "name_en": "Matrix Annex"},
    )
    if created:
        room = Room.objects.create(shelter=other, name="B", group="women")
        Bed.objects.create(room=room, shelter=other, label="1")
    return other


def _transfer_data(w: Any) -> dict[str, Any]:
    return {"bed": _other_house(w).beds.get().pk, "note": ""}


API = {
    "api:shelter-list": Expect(data=_with_shelter, ok=EVERYONE, api=True),
    "api:shelter-occupancy": Expect(data=_with_shelter, ok=EVERYONE, api=True),
    "api:shelter-detail": Expect(kwargs=_shelter_kwargs, ok=EVERYONE, api=True),
    "api:shelter-beds": Expect(kwargs=_shelter_kwargs, ok=EVERYONE, api=True),
    "api:shelter-bed-close": Expect(
        method="post", kwargs=_bed_kwargs, data=lambda w: {"reason": "Leak"}, ok=set(), api=True, format="json"
    ),
    "api:shelter-bed-reopen": Expect(method="post", kwargs=_bed_kwargs, ok=set(), api=True, format="json"),
    "api:shelter-admission": Expect(
        method="post", data=_admission_data, ok=SHELTER_STAFF, ok_status=201, api=True, format="json"
    ),
    "api:shelter-emergency": Expect(
        method="post", data=_api_emergency_data, ok=REFERRING, ok_status=201, api=True, format="json"
    ),
    # Every holder of a shelter or case role may ask (their list may be empty).
    # Case staff of any agency (ivan: immigration's case worker) get their own agency's rows: none here.
    "api:shelter-stay-list": Expect(
        ok=SHELTER_STAFF | REFERRING | {"dora", "pete", "paula", "jamal", "emil", "ivan"}, api=True
    ),
    "api:shelter-stay-detail": Expect(kwargs=_stay_kwargs, ok=SHELTER_STAFF | REFERRING, api=True),
    "api:shelter-stay-transfer": Expect(
        method="post",
        kwargs=_stay_kwargs,
        data=_transfer_data,
        ok=SHELTER_STAFF,
        ok_status=201,
        api=True,
        format="json",
    ),
    "api:shelter-stay-absence": Expect(
        method="post",
        kwargs=_stay_kwargs,
        data=lambda w: {"reason": "hospital", "expected_back": "2099-01-01T10:00:00Z"},
        ok=SHELTER_STAFF,
        ok_status=201,
        api=True,
        format="json",
    ),
    "api:shelter-stay-discharge": Expect(
        method="post",
        kwargs=_stay_kwargs,
        data=lambda w: {"reason": "family", "destination": "family_or_friends"},
        ok=SHELTER_STAFF,
        api=True,
        format="json",
    ),
    "api:shelter-absence-return": Expect(
        method="post", kwargs=_absence_kwargs, ok=SHELTER_STAFF, api=True, format="json"
    ),
}
EXPECTATIONS.update(API)
EXPECTATIONS.update(MANAGEMENT)
