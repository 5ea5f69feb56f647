"""Admission, emergency placement, transfer, absence, discharge and bed maintenance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.audit.models import AuditEvent
from himaya.referrals.models import ReferralState
from himaya.shelters import selectors, services
from himaya.shelters.models import Absence, Bed, Stay, WaitingEntry
from himaya.shelters.tests.conftest import build_shelter, free_bed

pytestmark = pytest.mark.django_db


def test_it_admits_the_person_of_an_accepted_referral_and_starts_the_referral(cast, shelter, make_referral) -> None:
    referral = make_referral()
    bed = free_bed(shelter)
    stay = services.stay_admit(actor=cast.sheila, referral=referral, bed=bed)
    referral.refresh_from_db()
    assert stay.is_open and stay.bed == bed and stay.person_id == referral.case.person_id
    assert referral.state == ReferralState.IN_PROGRESS
    assert AuditEvent.objects.filter(action="shelters.stay.admit", object_id=str(stay.pk)).exists()


def test_it_refuses_a_referral_that_is_not_accepted_yet(cast, shelter, make_referral) -> None:
    with pytest.raises(ValidationError, match="Accept the referral"):
        services.stay_admit(actor=cast.sheila, referral=make_referral(accept=False), bed=free_bed(shelter))
    assert not Stay.objects.exists()


def test_the_second_admission_to_the_same_bed_is_told_the_bed_is_gone(cast, shelter, make_referral) -> None:
    bed = free_bed(shelter)
    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=bed)
    second = make_referral()
    with pytest.raises(services.BedTaken, match="just been taken"):
        services.stay_admit(actor=cast.sheila, referral=second, bed=bed)
    second.refresh_from_db()
    assert second.state == ReferralState.ACCEPTED  # nothing of the losing admission was written
    assert Stay.objects.filter(bed=bed).count() == 1


def test_the_database_itself_refuses_two_open_stays_in_one_bed(cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    other = make_referral()
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(
            shelter=shelter,
            bed=stay.bed,
            person_id=other.case.person_id,
            case=other.case,
            referral=other,
            group="women",
            admitted_at=timezone.now(),
            admitted_by=cast.sheila,
        )


def test_one_person_cannot_hold_two_beds(cast, shelter, make_referral) -> None:
    referral = make_referral()
    services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter))
    with pytest.raises(ValidationError, match="already has a bed"):
        services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter))


def test_a_closed_bed_cannot_be_booked_and_reopens(cast, shelter, make_referral) -> None:
    supervisor = _shelter_user(cast, "sara", Role.SUPERVISOR)
    bed = free_bed(shelter)
    services.bed_close(actor=supervisor, bed=bed, reason="Broken frame")
    with pytest.raises(services.BedTaken):
        services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=bed)
    services.bed_reopen(actor=supervisor, bed=bed)
    assert services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=bed).is_open


def test_an_occupied_bed_cannot_be_closed(cast, shelter, make_referral) -> None:
    supervisor = _shelter_user(cast, "sara", Role.SUPERVISOR)
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    with pytest.raises(ValidationError, match="Someone sleeps"):
        services.bed_close(actor=supervisor, bed=stay.bed, reason="Paint")


def test_a_child_goes_to_a_childrens_room(cast, shelter, make_referral) -> None:
    referral = make_referral(is_child=True)
    with pytest.raises(ValidationError, match="room for children"):
        services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter, "women"))
    assert services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter, "girls")).group == "girls"


def test_staff_of_another_agency_cannot_admit(cast, shelter, make_referral) -> None:
    with pytest.raises(Http404):
        services.stay_admit(actor=cast.pete, referral=make_referral(), bed=free_bed(shelter))


def test_an_absence_keeps_the_bed_and_ends_on_return(cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    absence = services.absence_start(
        actor=cast.sheila, stay=stay, reason="hospital", expected_back=timezone.now() + dt.timedelta(days=2)
    )
    assert stay.bed not in selectors.free_beds(Bed.objects.filter(shelter=shelter))
    with pytest.raises(services.BedTaken):
        services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=stay.bed)
    with pytest.raises(ValidationError, match="already recorded as away"):
        services.absence_start(
            actor=cast.sheila, stay=stay, reason="court", expected_back=timezone.now() + dt.timedelta(hours=3)
        )
    services.absence_return(actor=cast.sheila, absence=absence)
    assert Absence.objects.get(pk=absence.pk).returned_at is not None


def test_an_absence_cannot_end_before_it_starts(cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    with pytest.raises(ValidationError) as error:
        services.absence_start(
            actor=cast.sheila, stay=stay, reason="hospital", expected_back=timezone.now() - dt.timedelta(days=1)
        )
    assert "expected_back" in error.value.message_dict
    assert not Absence.objects.exists()


def test_discharge_frees_the_bed_and_completes_the_referral(cast, shelter, make_referral) -> None:
    referral = make_referral()
    stay = services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter))
    services.stay_discharge(
        actor=cast.sheila, stay=stay, reason="voluntary_return", destination="country_of_origin", note="Flight booked"
    )
    stay.refresh_from_db()
    referral.refresh_from_db()
    assert stay.ended_at is not None and stay.discharge_note == "Flight booked"
    assert referral.state == ReferralState.COMPLETED and "Voluntary return" in referral.outcome
    assert stay.bed in selectors.free_beds(Bed.objects.filter(shelter=shelter))


def test_discharge_needs_a_known_reason_and_destination(cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    with pytest.raises(ValidationError) as error:
        services.stay_discharge(actor=cast.sheila, stay=stay, reason="bored", destination="moon")
    assert set(error.value.message_dict) == {"reason", "destination"}
    assert Stay.objects.get(pk=stay.pk).is_open


def test_transfer_moves_the_resident_to_another_shelter_of_the_operator(cast, shelter, make_referral) -> None:
    other = build_shelter(shelter.operator, code="nour", beds={"women": 1})
    referral = make_referral()
    stay = services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter))
    new = services.stay_transfer(actor=cast.sheila, stay=stay, bed=free_bed(other), note="Closer to court")
    stay.refresh_from_db()
    assert stay.end_kind == "transfer" and not stay.is_open
    assert new.shelter == other and new.transferred_from == stay and new.referral == referral
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_PROGRESS  # still sheltered: the referral goes on


def test_a_resident_moves_to_another_bed_in_the_same_shelter(cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    with pytest.raises(ValidationError, match="another bed"):
        services.stay_transfer(actor=cast.sheila, stay=stay, bed=stay.bed)
    new = services.stay_transfer(actor=cast.sheila, stay=stay, bed=free_bed(shelter))
    assert new.shelter == shelter and new.bed != stay.bed and new.transferred_from == stay
    assert Stay.objects.filter(shelter=shelter, ended_at__isnull=True).count() == 1


def test_emergency_placement_creates_the_referral_and_flags_the_stay(cast, shelter, shelter_service) -> None:
    from himaya.consent.models import Consent
    from himaya.people.services import person_create

    person = person_create(actor=cast.alice, given_name_latin="Night", nationality="IN", gender="Feminine")
    Consent.objects.create(
        person=person,
        purpose="referral_services",
        recipient_agency=shelter_service,
        given=True,
        explained_by=cast.alice,
        language="en",
        recorded_at=timezone.now(),
    )
    from himaya.cases.services import case_open

    case = case_open(actor=cast.alice, person=person, category="abuse", channel="hotline", occurred_at=timezone.now())
    stay = services.stay_admit_emergency(actor=cast.alice, case=case, bed=free_bed(shelter), reason="Found at 2am")
    assert stay.is_emergency and stay.needs_review
    assert stay.referral.state == ReferralState.IN_PROGRESS and stay.referral.urgency == "urgent"
    assert [e.to_state for e in stay.referral.events.all()] == ["sent", "accepted", "in_progress"]
    assert selectors.staff_day(actor=cast.sheila, shelters=[shelter])["review"] == [stay]
    services.stay_review(actor=cast.sheila, stay=stay)
    assert not Stay.objects.get(pk=stay.pk).needs_review


def test_emergency_placement_needs_a_reason(cast, shelter, make_referral) -> None:
    case = make_referral(accept=False).case
    with pytest.raises(ValidationError, match="cannot wait"):
        services.stay_admit_emergency(actor=cast.alice, case=case, bed=free_bed(shelter), reason=" ")


def test_the_waiting_list_puts_children_and_urgent_safety_first(cast, shelter, make_referral) -> None:
    normal = services.waiting_add(actor=cast.sheila, referral=make_referral(), group="women")
    urgent = services.waiting_add(actor=cast.sheila, referral=make_referral(safety_risk=True), group="women")
    child = services.waiting_add(actor=cast.sheila, referral=make_referral(is_child=True), group="girls")
    assert list(selectors.waiting_list(actor=cast.sheila)) == [child, urgent, normal]
    with pytest.raises(ValidationError, match="already on the waiting list"):
        services.waiting_add(actor=cast.sheila, referral=normal.referral, group="women")
    services.stay_admit(actor=cast.sheila, referral=child.referral, bed=free_bed(shelter, "girls"))
    assert WaitingEntry.objects.get(pk=child.pk).resolution == "admitted"
    assert list(selectors.waiting_list(actor=cast.sheila)) == [urgent, normal]


def test_a_full_shelter_has_no_free_beds_for_suggestions(cast, shelter, make_referral) -> None:
    operator = shelter.operator.pk
    assert selectors.free_beds_by_operator(operator_ids=[operator]) == {operator: 3}
    for group in ("women", "women", "girls"):
        services.stay_admit(
            actor=cast.sheila, referral=make_referral(is_child=group == "girls"), bed=free_bed(shelter, group)
        )
    assert selectors.free_beds_by_operator(operator_ids=[operator]) == {operator: 0}


def test_referral_suggestions_leave_out_an_operator_whose_shelters_are_full(cast, shelter, make_referral) -> None:
    from himaya.agencies.models import AgencyService
    from himaya.referrals.selectors import suggestions

    ngo = cast.agencies["ngo"]  # offers shelter but has no shelter registered: capacity unknown, still listed
    AgencyService.objects.create(agency=ngo, service_type="shelter", languages="ar")
    before = suggestions(actor=cast.bob, service_type="shelter", person=None)
    assert [(r["agency"], r["free_beds"]) for r in before] == [(shelter.operator, 3), (ngo, None)]
    for group in ("women", "women", "girls"):
        services.stay_admit(
            actor=cast.sheila, referral=make_referral(is_child=group == "girls"), bed=free_bed(shelter, group)
        )
    assert [r["agency"] for r in suggestions(actor=cast.bob, service_type="shelter", person=None)] == [ngo]


def test_shelter_staff_see_only_the_residents_of_their_own_shelters(cast, shelter, make_referral) -> None:
    from himaya.agencies.models import Agency

    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    rival = Agency.objects.create(code="haven", name_ar="ملاذ", name_en="Haven", type="shelter_operator")
    rival_staff = _user(rival, "rhea", Role.SERVICE_PROVIDER)
    with pytest.raises(Http404):
        selectors.stay_get(actor=rival_staff, pk=stay.pk)
    assert list(selectors.my_shelters(actor=rival_staff)) == []
    assert selectors.stay_get(actor=cast.sheila, pk=stay.pk) == stay
    # The referring agency follows the stay's status; an agency not involved does not.
    assert selectors.stay_get(actor=cast.bob, pk=stay.pk) == stay
    with pytest.raises(Http404):
        selectors.stay_get(actor=cast.pete, pk=stay.pk)


def _user(agency: Any, name: str, role: Role) -> User:
    user = User.objects.create(email=f"{name}@example.org", full_name=name, agency=agency)
    UserRole.objects.create(user=user, role=role)
    return user


def _shelter_user(cast: Any, name: str, role: Role) -> User:
    return _user(cast.agencies["shelter"], name, role)


def test_the_occupancy_report_query_counts_like_the_stays_one_by_one(cast, shelter, make_referral) -> None:
    """The report's one grouped query gives the nights and average stay a stay-by-stay count gives,
    with local dates (Asia/Bahrain: 22:30 UTC is already the next day) and stays crossing the window."""
    import datetime as dt

    from django.utils import timezone

    from himaya.shelters import stats

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first, last = today - dt.timedelta(days=9), today

    def at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)

    spans = [
        (at(30, 8), at(20, 8)),  # before the window: not counted
        (at(15, 8), at(5, 22, 30)),  # from before the window, leaves (local) 4 days ago
        (at(9, 21, 30), at(9, 23)),  # same local day just after midnight local: no night
        (at(8, 10), at(8, 11)),  # same day
        (at(6, 10), at(2, 10)),
        (at(6, 10), at(2, 10)),  # the same span twice: one group of two
        (at(3, 22, 0), None),  # open, admitted the next local day
    ]
    for admitted, ended in spans:
        stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
        if ended is not None:
            services.stay_discharge(actor=cast.sheila, stay=stay, reason="family", destination="unknown")
        Stay.objects.filter(pk=stay.pk).update(admitted_at=admitted, ended_at=ended)
    [report] = selectors.occupancy_report(actor=cast.carol, first=first, last=last)

    local = [(timezone.localtime(a, tz).date(), timezone.localtime(e, tz).date() if e else None) for a, e in spans]
    assert report.nights == stats.nightly_occupancy(local, first, last)
    ended = [(a, e) for a, e in local if e is not None and first <= e <= last]
    assert report.average_stay == stats.average_length_of_stay(ended) and report.ended == len(ended) == 5
    assert sum(report.nights) > 0
