"""Facility management by the operator's supervisors and administrators: shelters with capacity
by group, rooms and beds, retiring beds; and the waiting list's withdraw and re-prioritise.

Capacity never drops below the beds occupied now (a translated error, nothing changed), a retired
bed is neither counted nor bookable, and other agencies' administrators and the shelter's own
service providers get 404.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.accounts.testing import login as sign_in
from himaya.audit.models import AuditEvent
from himaya.shelters import selectors, services
from himaya.shelters.models import Bed, Room, Shelter, WaitingEntry
from himaya.shelters.tests.conftest import free_bed

pytestmark = pytest.mark.django_db

FULL = {"women": 0, "men": 0, "children_with_carer": 0, "boys": 0, "girls": 0}


def _staff(agency, name: str, role: Role) -> User:
    user = User.objects.create(email=f"{name}@example.org", full_name=name, agency=agency)
    UserRole.objects.create(user=user, role=role)
    return user


@pytest.fixture
def manager(cast, shelter_service) -> User:
    return _staff(shelter_service, "mona", Role.AGENCY_ADMIN)


@pytest.fixture
def supervisor(cast, shelter_service) -> User:
    return _staff(shelter_service, "sara", Role.SUPERVISOR)


def _create(actor, **capacity: int) -> Shelter:
    return services.shelter_create(
        actor=actor,
        name_ar="دار الرحمة",
        name_en="Rahma House",
        address_en="Road 9",
        accessibility=["wheelchair"],
        capacity={**FULL, **capacity},
    )


def _update(actor, shelter: Shelter, **capacity: int) -> Shelter:
    return services.shelter_update(
        actor=actor,
        shelter=shelter,
        name_ar=shelter.name_ar,
        name_en=shelter.name_en,
        accessibility=shelter.accessibility_codes,
        capacity={**selectors.capacity_of(shelter), **capacity},
    )


def test_a_manager_creates_a_shelter_with_beds_per_group_audited(manager) -> None:
    shelter = _create(manager, women=3, girls=2)
    assert shelter.operator_id == manager.agency_id and shelter.code == "rahma-house"
    assert selectors.capacity_of(shelter) == {**FULL, "women": 3, "girls": 2}
    occupancy = selectors.occupancy_for([shelter])[0]
    assert occupancy.free == 5 and set(occupancy.groups) == {"women", "girls"}
    event = AuditEvent.objects.get(action="shelters.shelter.create", object_id=str(shelter.pk))
    assert event.actor_id == manager.pk and "women:+3" in event.detail
    # The same name again gets its own code.
    assert _create(manager).code == "rahma-house-2"


def test_raising_and_lowering_capacity_adds_and_retires_empty_beds(supervisor, manager) -> None:
    shelter = _create(manager, women=2)
    _update(supervisor, shelter, women=4, men=1)
    assert selectors.capacity_of(shelter) == {**FULL, "women": 4, "men": 1}
    labels = sorted(
        Bed.objects.in_service().filter(shelter=shelter, room__group="women").values_list("label", flat=True)
    )
    assert len(set(labels)) == 4
    closed = Bed.objects.in_service().filter(shelter=shelter, room__group="women").order_by("pk").first()
    services.bed_close(actor=supervisor, bed=closed, reason="Broken frame")
    _update(supervisor, shelter, women=1, men=0)
    assert selectors.capacity_of(shelter) == {**FULL, "women": 1}
    closed.refresh_from_db()
    assert closed.retired_at is not None  # closed beds retire first
    assert Bed.objects.filter(shelter=shelter).count() == 5  # retired beds keep their history
    assert AuditEvent.objects.filter(action="shelters.shelter.update", detail__contains="women:-3").exists()


def test_capacity_never_goes_below_the_beds_occupied_now(cast, shelter, make_referral, supervisor) -> None:
    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    before = (selectors.capacity_of(shelter), Bed.objects.filter(retired_at__isnull=False).count())
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _update(supervisor, shelter, women=1, girls=0)
    assert refused.value.message_dict["capacity_women"] == [
        "2 beds for “Women” are occupied: the capacity cannot go below 2."
    ]
    with translation.override("ar"), pytest.raises(ValidationError) as in_arabic:
        _update(supervisor, shelter, women=0)
    assert "لا يمكن" in in_arabic.value.message_dict["capacity_women"][0]
    # Nothing changed: not the girls' bed either, though that part of the request was fine.
    assert (selectors.capacity_of(shelter), Bed.objects.filter(retired_at__isnull=False).count()) == before
    _update(supervisor, shelter, women=2)  # down to the occupied beds is fine
    assert selectors.occupancy_for([shelter])[0].groups["women"].free == 0


def test_an_occupied_bed_cannot_be_retired_and_a_retired_bed_cannot_be_booked(
    cast, shelter, make_referral, supervisor
) -> None:
    occupied = free_bed(shelter)
    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=occupied)
    with pytest.raises(ValidationError, match="Someone sleeps in this bed"):
        services.bed_retire(actor=supervisor, bed=occupied)
    spare = free_bed(shelter)
    services.bed_retire(actor=supervisor, bed=spare)
    assert AuditEvent.objects.filter(action="shelters.bed.retire", object_id=str(spare.pk)).exists()
    with pytest.raises(services.BedTaken):
        services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=spare)
    assert spare not in selectors.free_beds(Bed.objects.filter(shelter=shelter))
    assert selectors.capacity_of(shelter)["women"] == 1
    with pytest.raises(Http404):  # retired: out of every manager's reach
        services.bed_retire(actor=supervisor, bed=spare)


def test_rooms_and_beds_are_added_edited_and_checked(cast, shelter, make_referral, supervisor) -> None:
    room = services.room_create(
        actor=supervisor, shelter=shelter, name="Annex", group="men", accessibility=["step_free"], beds=2
    )
    assert sorted(room.beds.values_list("label", flat=True)) == ["Annex-1", "Annex-2"]
    assert room.accessibility_codes == ["step_free"]
    with pytest.raises(ValidationError) as duplicate:
        services.room_create(actor=supervisor, shelter=shelter, name="Annex", group="men")
    assert "name" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        services.room_create(actor=supervisor, shelter=shelter, name="X", group="pets", accessibility=["lift"])
    assert set(unknown.value.message_dict) == {"group", "accessibility"}
    assert not Room.objects.filter(name="X").exists()
    services.beds_add(actor=supervisor, room=room, count=1)
    assert room.beds.count() == 3
    bed = room.beds.order_by("pk").first()
    services.bed_update(actor=supervisor, bed=bed, label="Window")
    with pytest.raises(ValidationError, match="Another bed in this room"):
        services.bed_update(actor=supervisor, bed=room.beds.order_by("pk")[1], label="Window")
    with pytest.raises(ValidationError):
        services.beds_add(actor=supervisor, room=room, count=0)

    women_room = Room.objects.get(shelter=shelter, group="women")
    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    with pytest.raises(ValidationError) as occupied:
        services.room_update(actor=supervisor, room=women_room, name="Renamed", group="men")
    assert "group" in occupied.value.message_dict
    women_room.refresh_from_db()
    assert (women_room.name, women_room.group) == ("women-room", "women")
    services.room_update(actor=supervisor, room=women_room, name="Renamed", group="women", accessibility=["wheelchair"])
    women_room.refresh_from_db()
    assert (women_room.name, women_room.accessibility) == ("Renamed", "wheelchair")
    assert AuditEvent.objects.filter(action="shelters.room.update", object_id=str(women_room.pk)).exists()


def test_other_agencies_and_the_shelters_service_providers_cannot_manage(cast, shelter) -> None:
    room = Room.objects.filter(shelter=shelter).first()
    bed = Bed.objects.filter(shelter=shelter).first()
    for outsider in (cast.dora, cast.paula, cast.sheila, cast.sam):
        with pytest.raises(Http404):
            _create(outsider, women=1)
        with pytest.raises(Http404):
            _update(outsider, shelter, women=5)
        with pytest.raises(Http404):
            services.room_create(actor=outsider, shelter=shelter, name="Q", group="women")
        with pytest.raises(Http404):
            services.bed_retire(actor=outsider, bed=bed)
        with pytest.raises(Http404):
            services.beds_add(actor=outsider, room=room, count=1)
    assert Shelter.objects.count() == 1 and selectors.capacity_of(shelter)["women"] == 2


def test_bad_capacity_input_is_a_translated_error(manager) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as bad:
        _create(manager, women=-1, men="lots")  # type: ignore[arg-type]
    assert set(bad.value.message_dict) == {"capacity_women", "capacity_men"}
    with pytest.raises(ValidationError) as nameless:
        services.shelter_create(actor=manager, name_ar="", name_en=" ", capacity={"women": 1})
    assert set(nameless.value.message_dict) == {"name_ar", "name_en"}
    assert not Shelter.objects.exists()


def login(client, user, language: str = "en") -> None:
    type(user).objects.filter(pk=user.pk).update(language=language)
    sign_in(client, user)


def _form(capacity: dict[str, int], **extra: str) -> dict[str, object]:
    data: dict[str, object] = {"name_ar": "دار النور", "name_en": "Nour House", "address_en": "Road 5", **extra}
    data.update({f"capacity_{g}": n for g, n in {**FULL, **capacity}.items()})
    return data


def test_the_pages_create_edit_and_refuse_with_a_message(client, cast, shelter, make_referral, manager) -> None:
    login(client, manager)
    assert client.get("/shelters/manage/").status_code == 200
    page = client.post("/shelters/manage/new/", {**_form({"women": 2}), "accessibility": ["wheelchair"]})
    new = Shelter.objects.get(name_en="Nour House")
    assert page.status_code == 302 and page["Location"] == f"/shelters/{new.pk}/rooms/"
    assert new.accessibility == "wheelchair" and selectors.capacity_of(new)["women"] == 2
    rooms = client.get(f"/shelters/{new.pk}/rooms/").content.decode()
    assert "Women" in rooms and "2 beds: 0 occupied" in rooms

    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    refused = client.post(f"/shelters/{shelter.pk}/edit/", _form({"women": 0, "girls": 1}))
    assert refused.status_code == 400
    assert "1 beds for “Women” are occupied" in refused.content.decode()
    assert selectors.capacity_of(shelter)["women"] == 2

    room = Room.objects.get(shelter=shelter, group="women")
    assert client.post(f"/shelters/{shelter.pk}/rooms/new/", {"name": "", "group": "men", "beds": 1}).status_code == 400
    assert (
        client.post(f"/shelters/{shelter.pk}/rooms/new/", {"name": "B", "group": "men", "beds": 2}).status_code == 302
    )
    assert client.get(f"/shelters/rooms/{room.pk}/").status_code == 200
    assert client.post(f"/shelters/rooms/{room.pk}/beds/", {"count": 1}).status_code == 302
    spare = free_bed(shelter)
    assert client.post(f"/shelters/beds/{spare.pk}/retire/").status_code == 302
    spare.refresh_from_db()
    assert spare.retired_at is not None

    login(client, cast.sheila)  # the shelter's own service provider: not a manager
    for url in ("/shelters/manage/", f"/shelters/{shelter.pk}/edit/", f"/shelters/{shelter.pk}/rooms/"):
        assert client.get(url).status_code == 404
    login(client, cast.paula)  # another agency's administrator
    assert client.get(f"/shelters/rooms/{room.pk}/").status_code == 404
    assert client.post("/shelters/manage/new/", _form({"women": 1})).status_code == 404


def test_waiting_entries_are_withdrawn_with_a_reason_and_reprioritised(cast, shelter, make_referral) -> None:
    entry = services.waiting_add(actor=cast.sheila, referral=make_referral(), group="women")
    later = services.waiting_add(actor=cast.sheila, referral=make_referral(), group="women")
    assert entry.priority == 3
    services.waiting_reprioritise(actor=cast.sheila, entry=later, priority=1)
    assert list(selectors.waiting_list(actor=cast.sheila)) == [later, entry]
    assert AuditEvent.objects.get(action="shelters.waitingentry.reprioritise").detail == "priority:3->1"
    with pytest.raises(ValidationError):
        services.waiting_reprioritise(actor=cast.sheila, entry=entry, priority=9)
    with translation.override("en"), pytest.raises(ValidationError) as no_reason:
        services.waiting_withdraw(actor=cast.sheila, entry=entry, reason="  ")
    assert no_reason.value.message_dict == {"reason": ["Say why the entry is withdrawn."]}
    services.waiting_withdraw(actor=cast.sheila, entry=entry, reason="Went to live with her sister")
    entry.refresh_from_db()
    assert entry.resolution == "withdrawn" and entry.resolved_by_id == cast.sheila.pk
    assert entry.withdraw_reason == "Went to live with her sister"
    assert list(selectors.waiting_list(actor=cast.sheila)) == [later]
    with pytest.raises(ValidationError, match="no longer on the waiting list"):
        services.waiting_withdraw(actor=cast.sheila, entry=entry, reason="again")
    with pytest.raises(Http404):
        services.waiting_withdraw(actor=cast.bob, entry=later, reason="Not ours")  # the referring agency
    assert WaitingEntry.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_waiting_list_page_withdraws_and_reprioritises(client, cast, shelter, make_referral) -> None:
    entry = services.waiting_add(actor=cast.sheila, referral=make_referral(), group="women")
    login(client, cast.sheila)
    home = client.get("/shelters/").content.decode()
    assert f"/shelters/waiting/{entry.pk}/withdraw/" in home
    assert client.post(f"/shelters/waiting/{entry.pk}/priority/", {"priority": "0"}).status_code == 302
    entry.refresh_from_db()
    assert entry.priority == 0
    page = client.post(f"/shelters/waiting/{entry.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "Say why the entry is withdrawn." in page.content.decode()
    entry.refresh_from_db()
    assert entry.resolved_at is None
    client.post(f"/shelters/waiting/{entry.pk}/withdraw/", {"reason": "Placed elsewhere"})
    entry.refresh_from_db()
    assert entry.resolution == "withdrawn"


def test_a_shelter_closes_only_when_empty_and_then_admits_nobody(client, cast, shelter, make_referral, manager) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    with translation.override("en"), pytest.raises(ValidationError, match="still has residents"):
        services.shelter_set_active(actor=manager, shelter=shelter, active=False)
    shelter.refresh_from_db()
    assert shelter.is_active
    with pytest.raises(Http404):  # the shelter's own service provider does not manage it
        services.shelter_set_active(actor=cast.sheila, shelter=shelter, active=False)
    services.stay_discharge(actor=cast.sheila, stay=stay, reason="family", destination="family_or_friends")

    bed = free_bed(shelter)
    services.shelter_set_active(actor=manager, shelter=shelter, active=False)
    shelter.refresh_from_db()
    assert not shelter.is_active
    assert AuditEvent.objects.filter(action="shelters.shelter.close", object_id=str(shelter.pk)).exists()
    assert shelter in selectors.managed_shelters(actor=manager)  # still its manager's to reopen
    with pytest.raises(Http404):  # its staff no longer admit there
        services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=bed)
    with translation.override("en"), pytest.raises(ValidationError, match="shelter is closed"), transaction.atomic():
        services._lock_free_bed(bed)  # an admission that got past the checks before the closing

    login(client, manager)  # the management page still lists it, with a button to reopen it
    page = client.get("/shelters/manage/").content.decode()
    assert f'id="reopen-shelter-{shelter.pk}"' in page
    assert client.post(f"/shelters/{shelter.pk}/active/", {"active": "1"}).status_code == 302
    shelter.refresh_from_db()
    assert shelter.is_active
    assert services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=bed).bed_id == bed.pk
    unclear = client.post(f"/shelters/{shelter.pk}/active/", {}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose whether to close or reopen" in unclear.content.decode()  # no choice: nothing changes
    shelter.refresh_from_db()
    assert shelter.is_active
    refused = client.post(f"/shelters/{shelter.pk}/active/", {"active": "0"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "still has residents" in refused.content.decode()
    shelter.refresh_from_db()
    assert shelter.is_active
