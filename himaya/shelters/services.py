"""Writes to shelters and stays: admit, emergency placement, transfer, absence, discharge, beds.

Every function is one transaction that starts from the access policy and records its audit event
inside it. Admission locks the bed row (PostgreSQL; SQLite serialises writers with BEGIN
IMMEDIATE), re-checks it, and relies on the partial unique indexes as the last word: whichever
way a race is lost, the loser gets `BedTaken` with a translated message and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.agencies.models import AgencyService, ServiceType
from himaya.audit.services import audit_record
from himaya.cases.models import Case
from himaya.cases.services import timeline_add
from himaya.referrals.models import Referral, ReferralEvent, ReferralState
from himaya.shelters.models import (
    CHILD_GROUPS,
    Absence,
    AbsenceReason,
    Bed,
    BedClosure,
    Destination,
    DischargeReason,
    EndKind,
    Group,
    Shelter,
    Stay,
    WaitingEntry,
)
from himaya.shelters.priority import waiting_priority
from himaya.shelters.rules import ADMITTING_STAFF, EMERGENCY_ROLES

ADMITTABLE_STATES = (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS)
STAFF = "staff"


class BedTaken(ValidationError):
    """The bed went to someone else (or closed) between choosing it and admitting."""

    def __init__(self) -> None:
        super().__init__(
            _("This bed has just been taken by another admission. Nothing was saved: choose another bed."),
            code="bed_taken",
        )


def _require_staff_of(actor: Any, shelter: Shelter, roles: list[Any]) -> None:
    """The actor works at this shelter's operator in one of `roles`, or 404 (audited)."""
    policy.require(actor, STAFF, shelter)
    if not actor.has_role(*roles):
        raise ValidationError(_("Your role cannot do this at the shelter."))


def _lock_free_bed(bed: Bed) -> Bed:
    """Lock the bed row (PostgreSQL) and check it is open and empty now, not when the form was drawn."""
    # of=("self",): lock the bed row only, not its room and shelter (other beds stay bookable).
    locked = Bed.objects.select_for_update(of=("self",)).select_related("room", "shelter").get(pk=bed.pk)
    if locked.is_closed or locked.retired_at is not None:
        raise BedTaken()
    # Read afresh after the bed's lock: a shelter closed meanwhile takes nobody in.
    if not Shelter.objects.filter(pk=locked.shelter_id, is_active=True).exists():
        raise ValidationError(_("This shelter is closed: nobody can be admitted there."))
    if Stay.objects.filter(bed=locked, ended_at__isnull=True).exists():
        raise BedTaken()
    return locked


def _check_person_free(person_id: int) -> None:
    current = Stay.objects.filter(person_id=person_id, ended_at__isnull=True).select_related("shelter").first()
    if current is not None:
        raise ValidationError(
            _("This person already has a bed at %(shelter)s. Transfer or discharge that stay first.")
            % {"shelter": current.shelter.name}
        )


def _insert_stay(**values: Any) -> Stay:
    """Insert the stay; the partial unique indexes decide a race the row lock did not (SQLite)."""
    try:
        with transaction.atomic():
            return Stay.objects.create(**values)
    except IntegrityError as error:
        if "person" in str(error):
            raise ValidationError(_("This person already has a bed. Transfer or discharge that stay first.")) from None
        raise BedTaken() from None


def _check_group(bed: Bed, case: Case) -> None:
    if case.is_child and bed.room.group not in CHILD_GROUPS:
        raise ValidationError({"bed": _("A child must be placed in a room for children.")})


def _resolve_waiting(referral: Referral, now: dt.datetime, resolution: str) -> None:
    WaitingEntry.objects.filter(referral=referral, resolved_at__isnull=True).update(
        resolved_at=now, resolution=resolution
    )


def _validate_referral(referral: Referral, shelter: Shelter) -> None:
    if referral.service_type != ServiceType.SHELTER:
        raise ValidationError(_("Only a shelter referral can lead to an admission."))
    if referral.to_agency_id != shelter.operator_id:
        raise ValidationError(_("This referral was sent to another agency, not to this shelter's operator."))
    if referral.state not in ADMITTABLE_STATES:
        raise ValidationError(
            _("Accept the referral before admitting (it is “%(state)s”).") % {"state": referral.get_state_display()}
        )
    if referral.case.person_id is None:
        raise ValidationError(_("An anonymous notification has no person to admit."))


def stay_admit(*, actor: Any, referral: Referral, bed: Bed, admitted_at: dt.datetime | None = None) -> Stay:
    """Admit the person of an accepted shelter referral into a free bed.

    Raises BedTaken if the bed was taken or closed meanwhile; starts the referral (accepted → in
    progress) and clears the person's waiting-list entry.
    """
    shelter = bed.shelter
    _require_staff_of(actor, shelter, ADMITTING_STAFF)
    policy.require(actor, policy.CHANGE, referral)
    now = timezone.now()
    admitted_at = admitted_at or now
    if admitted_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"admitted_at": _("An admission cannot be in the future.")})
    with transaction.atomic():
        locked_referral = Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
        _validate_referral(locked_referral, shelter)
        case = locked_referral.case
        locked = _lock_free_bed(bed)
        _check_group(locked, case)
        _check_person_free(case.person_id)  # type: ignore[arg-type]
        stay = _insert_stay(
            shelter=locked.shelter,
            bed=locked,
            person_id=case.person_id,
            case=case,
            referral=locked_referral,
            group=locked.room.group,
            admitted_at=admitted_at,
            admitted_by=actor,
        )
        if locked_referral.state == ReferralState.ACCEPTED:
            from himaya.referrals.services import referral_start

            referral_start(actor=actor, referral=locked_referral)
        _resolve_waiting(locked_referral, now, "admitted")
        timeline_add(case=case, actor=actor, kind="shelter", summary=f"{stay.reference}:admitted", obj=stay)
        audit_record(actor=actor, action="shelters.stay.admit", obj=stay, detail=f"bed:{locked.pk}")
    return stay


def _open_referral_on_arrival(*, actor: Any, referral: Referral) -> dt.datetime:
    """An emergency placement: the shelter has the person already, so the referral created for it
    is recorded as accepted and in progress at once (both steps in its history); the shelter
    reviews the admission afterwards."""
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(state=ReferralState.IN_PROGRESS, answered_at=now)
    ReferralEvent.objects.create(
        referral=referral, at=now, actor=actor, from_state=ReferralState.SENT, to_state=ReferralState.ACCEPTED
    )
    ReferralEvent.objects.create(
        referral=referral, at=now, actor=actor, from_state=ReferralState.ACCEPTED, to_state=ReferralState.IN_PROGRESS
    )
    audit_record(actor=actor, action="referrals.referral.start", obj=referral, detail="emergency admission")
    referral.state = ReferralState.IN_PROGRESS
    referral.answered_at = now
    return now


def stay_admit_emergency(*, actor: Any, case: Case, bed: Bed, reason: str) -> Stay:
    """Place a person in a bed now, without waiting for a referral to be answered.

    For the case's own agency (first responders, case workers, supervisors, coordinators). The
    shelter referral is created with the admission (consent is checked as for any referral) and
    the stay is flagged for the shelter's review.
    """
    policy.require(actor, policy.CHANGE, case)
    if not actor.has_role(*EMERGENCY_ROLES):
        raise ValidationError(_("Your role cannot place someone in a shelter."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this cannot wait for the shelter to answer a referral.")})
    shelter = policy.get_for(actor, Shelter, bed.shelter_id)
    if not AgencyService.objects.filter(
        agency_id=shelter.operator_id, service_type=ServiceType.SHELTER, is_active=True
    ).exists():
        raise ValidationError({"bed": _("This shelter's operator does not offer a shelter service.")})
    from himaya.referrals.services import referral_send

    with transaction.atomic():
        locked = _lock_free_bed(bed)
        _check_group(locked, case)
        if case.person_id is not None:
            _check_person_free(case.person_id)
        referral = referral_send(
            actor=actor,
            case=case,
            to_agency=shelter.operator,
            service_type=ServiceType.SHELTER,
            urgency="urgent",
            reason=reason,
        )
        now = _open_referral_on_arrival(actor=actor, referral=referral)
        stay = _insert_stay(
            shelter=locked.shelter,
            bed=locked,
            person_id=case.person_id,
            case=case,
            referral=referral,
            group=locked.room.group,
            admitted_at=now,
            admitted_by=actor,
            is_emergency=True,
            needs_review=True,
        )
        timeline_add(case=case, actor=actor, kind="shelter", summary=f"{stay.reference}:emergency", obj=stay)
        audit_record(actor=actor, action="shelters.stay.admit_emergency", obj=stay, detail=f"bed:{locked.pk}")
    return stay


def stay_review(*, actor: Any, stay: Stay) -> Stay:
    """The shelter confirms an emergency admission it has reviewed."""
    _require_staff_of(actor, stay.shelter, ADMITTING_STAFF)
    with transaction.atomic():
        locked = Stay.objects.select_for_update().get(pk=stay.pk)
        if not locked.needs_review:
            raise ValidationError(_("This stay is not waiting for review."))
        locked.needs_review = False
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.save(update_fields=["needs_review", "reviewed_at", "reviewed_by"])
        audit_record(actor=actor, action="shelters.stay.review", obj=locked)
    return locked


def _open_stay(stay: Stay) -> Stay:
    locked = Stay.objects.select_for_update(of=("self",)).select_related("shelter", "case", "referral").get(pk=stay.pk)
    if locked.ended_at is not None:
        raise ValidationError(_("This stay has already ended."))
    return locked


def _end(locked: Stay, *, actor: Any, now: dt.datetime, kind: str) -> None:
    # An open absence ends with the stay: the person is no longer the shelter's resident.
    Absence.objects.filter(stay=locked, returned_at__isnull=True).update(returned_at=now)
    locked.ended_at = now
    locked.end_kind = kind
    locked.ended_by = actor


def stay_transfer(*, actor: Any, stay: Stay, bed: Bed, note: str = "") -> Stay:
    """Move a resident to another free bed, in the same shelter or another of the operator's; the
    current stay ends (as a transfer) and a new one starts, so each stay keeps its one bed.
    Returns the new stay."""
    _require_staff_of(actor, stay.shelter, ADMITTING_STAFF)
    policy.get_for(actor, Shelter, bed.shelter_id, STAFF)
    if bed.pk == stay.bed_id:
        raise ValidationError({"bed": _("Choose another bed than the one the resident has.")})
    note = (note or "").strip()
    if len(note) > 3000:
        raise ValidationError({"note": _("Keep the note under 3000 characters.")})
    now = timezone.now()
    with transaction.atomic():
        locked_stay = _open_stay(stay)
        locked_bed = _lock_free_bed(bed)
        _check_group(locked_bed, locked_stay.case)
        _end(locked_stay, actor=actor, now=now, kind=EndKind.TRANSFER)
        locked_stay.destination = Destination.OTHER
        locked_stay.discharge_note = note
        locked_stay.save(update_fields=["ended_at", "end_kind", "ended_by", "destination", "discharge_note"])
        new = _insert_stay(
            shelter=locked_bed.shelter,
            bed=locked_bed,
            person_id=locked_stay.person_id,
            case=locked_stay.case,
            referral=locked_stay.referral,
            group=locked_bed.room.group,
            admitted_at=now,
            admitted_by=actor,
            transferred_from=locked_stay,
            needs_review=locked_stay.needs_review,
            is_emergency=locked_stay.is_emergency,
        )
        timeline_add(
            case=locked_stay.case, actor=actor, kind="shelter", summary=f"{new.reference}:transferred", obj=new
        )
        audit_record(actor=actor, action="shelters.stay.transfer", obj=new, detail=f"from:{locked_stay.pk}")
    return new


def stay_discharge(*, actor: Any, stay: Stay, reason: str, destination: str, note: str = "") -> Stay:
    """Discharge a resident with a reason and destination; frees the bed and completes the referral."""
    _require_staff_of(actor, stay.shelter, ADMITTING_STAFF)
    errors: dict[str, str] = {}
    if reason not in DischargeReason.values:
        errors["reason"] = _("Choose the reason for leaving.")
    if destination not in Destination.values:
        errors["destination"] = _("Choose where the person goes.")
    note = (note or "").strip()
    if len(note) > 3000:
        errors["note"] = _("Keep the note under 3000 characters.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = _open_stay(stay)
        _end(locked, actor=actor, now=now, kind=EndKind.DISCHARGE)
        locked.discharge_reason = reason
        locked.destination = destination
        locked.discharge_note = note
        locked.save(
            update_fields=["ended_at", "end_kind", "ended_by", "discharge_reason", "destination", "discharge_note"]
        )
        referral = locked.referral
        if referral.state == ReferralState.IN_PROGRESS and referral.to_agency_id == actor.agency_id:
            from himaya.referrals.services import referral_complete

            outcome = _("Discharged from %(shelter)s: %(reason)s; destination: %(destination)s.") % {
                "shelter": locked.shelter.name_en,
                "reason": DischargeReason(reason).label,
                "destination": Destination(destination).label,
            }
            referral_complete(actor=actor, referral=referral, outcome=str(outcome))
        timeline_add(
            case=locked.case, actor=actor, kind="shelter", summary=f"{locked.reference}:discharged", obj=locked
        )
        audit_record(
            actor=actor, action="shelters.stay.discharge", obj=locked, fields=["discharge_note"], detail=reason
        )
    return locked


def absence_start(
    *,
    actor: Any,
    stay: Stay,
    reason: str,
    expected_back: dt.datetime,
    note: str = "",
    left_at: dt.datetime | None = None,
) -> Absence:
    """Record a temporary absence (e.g. a hospital stay); the resident keeps the bed."""
    _require_staff_of(actor, stay.shelter, ADMITTING_STAFF)
    now = timezone.now()
    left_at = left_at or now
    errors: dict[str, str] = {}
    if reason not in AbsenceReason.values:
        errors["reason"] = _("Choose the reason for the absence.")
    if expected_back < left_at:
        errors["expected_back"] = _("The expected return must be after leaving.")
    note = (note or "").strip()
    if len(note) > 1000:
        errors["note"] = _("Keep the note under 1000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _open_stay(stay)
        if Absence.objects.filter(stay=locked, returned_at__isnull=True).exists():
            raise ValidationError(_("This resident is already recorded as away."))
        try:
            with transaction.atomic():
                absence = Absence.objects.create(
                    stay=locked,
                    reason=reason,
                    left_at=left_at,
                    expected_back=expected_back,
                    note=note,
                    recorded_by=actor,
                )
        except IntegrityError:
            raise ValidationError(_("This resident is already recorded as away.")) from None
        audit_record(actor=actor, action="shelters.absence.create", obj=absence, fields=["note"], detail=reason)
    return absence


def absence_return(*, actor: Any, absence: Absence) -> Absence:
    """The resident is back from a temporary absence."""
    _require_staff_of(actor, absence.stay.shelter, ADMITTING_STAFF)
    with transaction.atomic():
        locked = Absence.objects.select_for_update().get(pk=absence.pk)
        if locked.returned_at is not None:
            raise ValidationError(_("This absence has already ended."))
        locked.returned_at = max(timezone.now(), locked.left_at)
        locked.save(update_fields=["returned_at"])
        audit_record(actor=actor, action="shelters.absence.return", obj=locked)
    return locked


def bed_close(*, actor: Any, bed: Bed, reason: str) -> BedClosure:
    """Close a bed for maintenance (only an empty bed)."""
    policy.require(actor, policy.CHANGE, bed)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the bed is closed.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Keep the reason under 200 characters.")})
    with transaction.atomic():
        locked = Bed.objects.select_for_update().get(pk=bed.pk)
        if locked.is_closed:
            raise ValidationError(_("This bed is already closed."))
        if Stay.objects.filter(bed=locked, ended_at__isnull=True).exists():
            raise ValidationError(_("Someone sleeps in this bed: move or discharge them before closing it."))
        closure = BedClosure.objects.create(bed=locked, reason=reason, closed_at=timezone.now(), closed_by=actor)
        locked.is_closed = True
        locked.save(update_fields=["is_closed"])
        audit_record(actor=actor, action="shelters.bed.close", obj=locked)
    return closure


def bed_reopen(*, actor: Any, bed: Bed) -> Bed:
    """Reopen a bed closed for maintenance."""
    policy.require(actor, policy.CHANGE, bed)
    with transaction.atomic():
        locked = Bed.objects.select_for_update().get(pk=bed.pk)
        if not locked.is_closed:
            raise ValidationError(_("This bed is open."))
        BedClosure.objects.filter(bed=locked, reopened_at__isnull=True).update(
            reopened_at=timezone.now(), reopened_by=actor
        )
        locked.is_closed = False
        locked.save(update_fields=["is_closed"])
        audit_record(actor=actor, action="shelters.bed.reopen", obj=locked)
    return locked


def waiting_add(*, actor: Any, referral: Referral, group: str) -> WaitingEntry:
    """Put the person of an accepted shelter referral on the operator's waiting list."""
    if not policy.is_active_actor(actor) or not actor.has_role(*ADMITTING_STAFF):
        raise Http404(_("Not found."))
    policy.require(actor, policy.CHANGE, referral)
    if group not in Group.values:
        raise ValidationError({"group": _("Choose the group the person needs a bed in.")})
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
        if locked.to_agency_id != actor.agency_id or locked.service_type != ServiceType.SHELTER:
            raise ValidationError(_("Only a shelter referral to your agency can wait for a bed here."))
        if locked.state not in ADMITTABLE_STATES:
            raise ValidationError(_("Accept the referral before putting the person on the waiting list."))
        if Stay.objects.filter(referral=locked, ended_at__isnull=True).exists():
            raise ValidationError(_("This person already has a bed."))
        case = locked.case
        priority = waiting_priority(
            is_child=case.is_child or group in CHILD_GROUPS,
            safety_risk=case.safety_risk,
            urgency=locked.urgency,
        )
        try:
            with transaction.atomic():
                entry = WaitingEntry.objects.create(
                    referral=locked,
                    operator_id=actor.agency_id,
                    group=group,
                    priority=priority,
                    added_at=timezone.now(),
                    added_by=actor,
                )
        except IntegrityError:
            raise ValidationError(_("This person is already on the waiting list.")) from None
        audit_record(actor=actor, action="shelters.waitingentry.create", obj=entry, detail=f"priority:{priority}")
    return entry


def _facility_errors(data: Any) -> list[str]:
    from himaya.agencies.models import Agency
    from himaya.shelters.models import Accessibility

    if not isinstance(data, dict) or not isinstance(data.get("shelters"), list):
        return [_("The file must hold an object with a list of “shelters”.")]
    errors: list[str] = []
    operators = set(Agency.objects.filter(is_active=True).values_list("code", flat=True))
    codes: set[str] = set()
    for n, item in enumerate(data["shelters"], start=1):
        where = _("Shelter %(n)d") % {"n": n}
        if not isinstance(item, dict):
            errors.append(_("%(where)s: not an object.") % {"where": where})
            continue
        code = str(item.get("code") or "")
        if not code or len(code) > 40 or code in codes:
            errors.append(_("%(where)s: a unique code (at most 40 characters) is needed.") % {"where": where})
        codes.add(code)
        if item.get("operator") not in operators:
            errors.append(_("%(where)s: unknown operator agency.") % {"where": where})
        if not item.get("name_ar") or not item.get("name_en"):
            errors.append(_("%(where)s: give the name in Arabic and in English.") % {"where": where})
        if any(a not in Accessibility.values for a in item.get("accessibility") or []):
            errors.append(_("%(where)s: unknown accessibility feature.") % {"where": where})
        rooms = item.get("rooms") or []
        if not isinstance(rooms, list) or len({str(r.get("name")) for r in rooms if isinstance(r, dict)}) != len(rooms):
            errors.append(_("%(where)s: rooms need distinct names.") % {"where": where})
            continue
        for room in rooms:
            if room.get("group") not in Group.values:
                errors.append(_("%(where)s: a room needs a known group.") % {"where": where})
            beds = room.get("beds")
            if not isinstance(beds, int) or not 0 <= beds <= 500:
                errors.append(_("%(where)s: give each room's number of beds (0 to 500).") % {"where": where})
    return errors


@transaction.atomic
def facilities_import(*, actor: Any, data: Any) -> dict[str, int]:
    """Create or update shelters, rooms and beds from a facilities file (idempotent: a second run
    changes nothing). Beds are only ever added, never removed: a bed with a history stays."""
    errors = _facility_errors(data)
    if errors:
        raise ValidationError(errors)
    from himaya.agencies.models import Agency
    from himaya.shelters.models import Room

    counts = {"shelters": 0, "rooms": 0, "beds": 0}
    for item in data["shelters"]:
        values = {
            "operator": Agency.objects.get(code=item["operator"]),
            "name_ar": item["name_ar"][:200],
            "name_en": item["name_en"][:200],
            "address_ar": str(item.get("address_ar", ""))[:300],
            "address_en": str(item.get("address_en", ""))[:300],
            "accessibility": ",".join(item.get("accessibility") or []),
        }
        shelter, created = Shelter.objects.get_or_create(code=item["code"], defaults=values)
        if created:
            counts["shelters"] += 1
        elif any(getattr(shelter, k) != v for k, v in values.items()):
            Shelter.objects.filter(pk=shelter.pk).update(**values)
        for spec in item.get("rooms") or []:
            room, room_created = Room.objects.get_or_create(
                shelter=shelter, name=str(spec["name"])[:60], defaults={"group": spec["group"]}
            )
            counts["rooms"] += int(room_created)
            have = set(room.beds.values_list("label", flat=True))
            new = [f"{room.name}-{n}" for n in range(1, spec["beds"] + 1) if f"{room.name}-{n}" not in have]
            Bed.objects.bulk_create([Bed(room=room, shelter=shelter, label=label) for label in new])
            counts["beds"] += len(new)
    audit_record(actor=actor, action="shelters.shelter.import", detail=",".join(f"{k}:{v}" for k, v in counts.items()))
    return counts


# --- Facilities, rooms and beds, managed by the operator's supervisors and administrators --------
MAX_BEDS_PER_GROUP = 500


def _accessibility(codes: Any) -> str:
    from himaya.shelters.models import Accessibility

    codes = [str(c) for c in (codes or [])]
    if any(c not in Accessibility.values for c in codes):
        raise ValidationError({"accessibility": _("Choose accessibility features from the list.")}, code="invalid")
    return ",".join(c for c in Accessibility.values if c in codes)


def _shelter_values(
    *, name_ar: str, name_en: str, address_ar: str = "", address_en: str = "", accessibility: Any = ()
) -> dict[str, str]:
    errors: dict[str, str] = {}
    values = {
        "name_ar": (name_ar or "").strip(),
        "name_en": (name_en or "").strip(),
        "address_ar": (address_ar or "").strip(),
        "address_en": (address_en or "").strip(),
    }
    for name, limit in (("name_ar", 200), ("name_en", 200), ("address_ar", 300), ("address_en", 300)):
        if len(values[name]) > limit:
            errors[name] = _("Keep this under %(limit)d characters.") % {"limit": limit}
    if not values["name_ar"]:
        errors["name_ar"] = _("Give the shelter's name in Arabic.")
    if not values["name_en"]:
        errors["name_en"] = _("Give the shelter's name in English.")
    try:
        values["accessibility"] = _accessibility(accessibility)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


def _capacity_values(capacity: dict[str, Any] | None) -> dict[str, int]:
    """Beds wanted per group: whole numbers from 0 to MAX_BEDS_PER_GROUP, only known groups."""
    out: dict[str, int] = {}
    errors: dict[str, str] = {}
    for group, value in (capacity or {}).items():
        if group not in Group.values:
            raise ValidationError(_("Unknown group: %(group)s.") % {"group": group}, code="invalid")
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if isinstance(value, bool) or number < 0 or number > MAX_BEDS_PER_GROUP or str(number) != str(value).strip():
            errors[f"capacity_{group}"] = _("Give a whole number of beds from 0 to %(max)d.") % {
                "max": MAX_BEDS_PER_GROUP
            }
            continue
        out[group] = number
    if errors:
        raise ValidationError(errors)
    return out


def _unique_code(name_en: str) -> str:
    from django.utils.text import slugify

    base = (slugify(name_en) or "shelter")[:32]
    code, n = base, 1
    while Shelter.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _next_labels(room: Any, count: int) -> list[str]:
    taken = set(Bed.objects.in_service().filter(room=room).values_list("label", flat=True))
    labels: list[str] = []
    n = 0
    while len(labels) < count:
        n += 1
        suffix = f"-{n}"
        label = f"{room.name[: 20 - len(suffix)]}{suffix}"
        if label not in taken:
            labels.append(label)
            taken.add(label)
    return labels


def _set_capacity(*, actor: Any, shelter: Shelter, capacity: dict[str, int], now: dt.datetime) -> dict[str, int]:
    """Bring the beds in service of each group to the wanted number; returns the change per group.

    More beds go into the group's first room (a room is created for a group that has none); fewer
    retire empty beds, closed ones first. Never below the beds occupied now: the beds of the shelter
    are locked first (PostgreSQL), so an admission cannot slip in between the count and the retiring.
    """
    from himaya.shelters.models import Room

    changes: dict[str, int] = {}
    beds = Bed.objects.in_service().filter(shelter=shelter)
    # In pk order, so two managers never lock the same beds in opposite orders.
    list(beds.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    errors: dict[str, str] = {}
    for group, wanted in capacity.items():
        in_group = beds.filter(room__group=group)
        have = in_group.count()
        if wanted == have:
            continue
        if wanted > have:
            room = Room.objects.filter(shelter=shelter, group=group).order_by("name", "pk").first()
            if room is None:
                base = name = str(Group(group).label)[:54]
                n = 1
                while Room.objects.filter(shelter=shelter, name=name).exists():
                    n += 1
                    name = f"{base} {n}"
                room = Room.objects.create(shelter=shelter, name=name, group=group)
                audit_record(actor=actor, action="shelters.room.create", obj=room, detail=f"group:{group}")
            Bed.objects.bulk_create(
                [Bed(room=room, shelter=shelter, label=label) for label in _next_labels(room, wanted - have)]
            )
            changes[group] = wanted - have
            continue
        occupied = Stay.objects.filter(bed__in=in_group, ended_at__isnull=True).count()
        if wanted < occupied:
            errors[f"capacity_{group}"] = _(
                "%(occupied)d beds for “%(group)s” are occupied: the capacity cannot go below %(occupied)d."
            ) % {"occupied": occupied, "group": Group(group).label}
            continue
        spare = list(
            in_group.exclude(pk__in=open_stays_bed_ids())
            .order_by("-is_closed", "-room__name", "-label", "-pk")
            .values_list("pk", flat=True)[: have - wanted]
        )
        Bed.objects.filter(pk__in=spare).update(retired_at=now, retired_by=actor)
        changes[group] = -len(spare)
    if errors:
        raise ValidationError(errors)
    return changes


def open_stays_bed_ids() -> Any:
    return Stay.objects.filter(ended_at__isnull=True).values("bed_id")


def _capacity_detail(changes: dict[str, int]) -> str:
    return ",".join(f"{g}:{n:+d}" for g, n in changes.items())


def shelter_create(
    *,
    actor: Any,
    name_ar: str,
    name_en: str,
    address_ar: str = "",
    address_en: str = "",
    accessibility: Any = (),
    capacity: dict[str, Any] | None = None,
) -> Shelter:
    """A new shelter of the manager's own agency, with beds for each group in `capacity`."""
    if not policy.can_create(actor, Shelter):
        audit_record(
            actor=actor if policy.is_active_actor(actor) else None, action="shelters.shelter.create", outcome="denied"
        )
        raise Http404(_("Not found."))
    values = _shelter_values(
        name_ar=name_ar, name_en=name_en, address_ar=address_ar, address_en=address_en, accessibility=accessibility
    )
    wanted = _capacity_values(capacity)
    with transaction.atomic():
        shelter = Shelter.objects.create(operator_id=actor.agency_id, code=_unique_code(values["name_en"]), **values)
        changes = _set_capacity(actor=actor, shelter=shelter, capacity=wanted, now=timezone.now())
        audit_record(actor=actor, action="shelters.shelter.create", obj=shelter, detail=_capacity_detail(changes))
    return shelter


def shelter_update(
    *,
    actor: Any,
    shelter: Shelter,
    name_ar: str,
    name_en: str,
    address_ar: str = "",
    address_en: str = "",
    accessibility: Any = (),
    capacity: dict[str, Any] | None = None,
) -> Shelter:
    """Change a shelter's names, address, accessibility and beds per group (see `_set_capacity`)."""
    policy.require(actor, policy.CHANGE, shelter)
    values = _shelter_values(
        name_ar=name_ar, name_en=name_en, address_ar=address_ar, address_en=address_en, accessibility=accessibility
    )
    wanted = _capacity_values(capacity)
    # FOR NO KEY UPDATE on the shelter: an admission's new stay takes a key-share lock on it (its
    # foreign key) while holding its bed, so a plain FOR UPDATE here would deadlock with it.
    with transaction.atomic():
        locked = Shelter.objects.select_for_update(no_key=True).get(pk=shelter.pk)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        for k, v in values.items():
            setattr(locked, k, v)
        if changed:
            locked.save(update_fields=changed)
        changes = _set_capacity(actor=actor, shelter=locked, capacity=wanted, now=timezone.now())
        audit_record(
            actor=actor, action="shelters.shelter.update", obj=locked, fields=changed, detail=_capacity_detail(changes)
        )
    return locked


def shelter_set_active(*, actor: Any, shelter: Shelter, active: bool) -> Shelter:
    """Close a shelter (nobody is admitted, it leaves the boards, the national view and referral
    suggestions; its rooms, beds and stays stay on record) or open it again. A shelter with a
    resident cannot close: transfer or discharge them first.

    Its beds are locked in pk order before the residents are counted (PostgreSQL), as a capacity
    change does, so an admission in progress either lands first (and the closing is refused) or
    finds the shelter closed when it gets its bed.
    """
    policy.require(actor, policy.CHANGE, shelter)
    with transaction.atomic():
        locked = Shelter.objects.select_for_update(no_key=True).get(pk=shelter.pk)
        if locked.is_active == bool(active):
            return locked
        beds = Bed.objects.filter(shelter=locked)
        list(beds.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
        if not active and Stay.objects.filter(bed__in=beds, ended_at__isnull=True).exists():
            raise ValidationError(
                _("%(shelter)s still has residents: transfer or discharge them before closing it.")
                % {"shelter": locked.name}
            )
        locked.is_active = bool(active)
        locked.save(update_fields=["is_active"])
        audit_record(actor=actor, action="shelters.shelter.reopen" if active else "shelters.shelter.close", obj=locked)
    return locked


def _room_values(*, shelter: Shelter, name: str, group: str, accessibility: Any, room_id: int | None) -> dict[str, str]:
    from himaya.shelters.models import Room

    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Name the room.")
    elif len(name) > 60:
        errors["name"] = _("Keep this under %(limit)d characters.") % {"limit": 60}
    elif Room.objects.filter(shelter=shelter, name=name).exclude(pk=room_id or 0).exists():
        errors["name"] = _("This shelter already has a room with that name.")
    if group not in Group.values:
        errors["group"] = _("Choose who the room is for.")
    try:
        codes = _accessibility(accessibility)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        codes = ""
    if errors:
        raise ValidationError(errors)
    return {"name": name, "group": group, "accessibility": codes}


def room_create(*, actor: Any, shelter: Shelter, name: str, group: str, accessibility: Any = (), beds: Any = 0) -> Any:
    """Add a room to a shelter, with `beds` new beds in it."""
    from himaya.shelters.models import Room

    policy.require(actor, policy.CHANGE, shelter)
    values = _room_values(shelter=shelter, name=name, group=group, accessibility=accessibility, room_id=None)
    count = _bed_count(beds, allow_zero=True)
    with transaction.atomic():
        Shelter.objects.select_for_update(no_key=True).get(pk=shelter.pk)
        try:
            with transaction.atomic():
                room = Room.objects.create(shelter=shelter, **values)
        except IntegrityError:
            raise ValidationError({"name": _("This shelter already has a room with that name.")}) from None
        Bed.objects.bulk_create([Bed(room=room, shelter=shelter, label=label) for label in _next_labels(room, count)])
        audit_record(actor=actor, action="shelters.room.create", obj=room, detail=f"group:{room.group}:beds:{count}")
    return room


def room_update(*, actor: Any, room: Any, name: str, group: str, accessibility: Any = ()) -> Any:
    """Rename a room, change its accessibility, or who it is for (only while nobody sleeps in it:
    residents were placed by the room's group)."""
    from himaya.shelters.models import Room

    policy.require(actor, policy.CHANGE, room)
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        values = _room_values(
            shelter=locked.shelter, name=name, group=group, accessibility=accessibility, room_id=locked.pk
        )
        if values["group"] != locked.group:
            list(Bed.objects.filter(room=locked).select_for_update().values_list("pk", flat=True))
            if Stay.objects.filter(bed__room=locked, ended_at__isnull=True).exists():
                raise ValidationError(
                    {"group": _("Someone sleeps in this room: who it is for can change only once it is empty.")}
                )
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        for k, v in values.items():
            setattr(locked, k, v)
        if changed:
            try:
                with transaction.atomic():
                    locked.save(update_fields=changed)
            except IntegrityError:
                raise ValidationError({"name": _("This shelter already has a room with that name.")}) from None
        audit_record(actor=actor, action="shelters.room.update", obj=locked, fields=changed)
    return locked


def _bed_count(value: Any, *, allow_zero: bool = False) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not low <= number <= MAX_BEDS_PER_GROUP:
        raise ValidationError(
            {
                "beds": _("Give a whole number of beds from %(min)d to %(max)d.")
                % {"min": low, "max": MAX_BEDS_PER_GROUP}
            },
            code="invalid",
        )
    return number


def beds_add(*, actor: Any, room: Any, count: Any) -> list[Bed]:
    """Add `count` beds to a room (labelled after the room: "A-3")."""
    policy.require(actor, policy.CHANGE, room)
    number = _bed_count(count)
    from himaya.shelters.models import Room

    with transaction.atomic():
        locked = Room.objects.select_for_update().select_related("shelter").get(pk=room.pk)
        in_room = Bed.objects.in_service().filter(room=locked).count()
        if in_room + number > MAX_BEDS_PER_GROUP:
            raise ValidationError(
                {"beds": _("A room holds at most %(max)d beds.") % {"max": MAX_BEDS_PER_GROUP}}, code="invalid"
            )
        beds = Bed.objects.bulk_create(
            [Bed(room=locked, shelter=locked.shelter, label=label) for label in _next_labels(locked, number)]
        )
        audit_record(actor=actor, action="shelters.room.update", obj=locked, fields=["beds"], detail=f"beds:+{number}")
    return beds


def bed_update(*, actor: Any, bed: Bed, label: str) -> Bed:
    """Relabel a bed (labels are unique among the room's beds in service)."""
    policy.require(actor, policy.CHANGE, bed)
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Give the bed a label.")}, code="required")
    if len(label) > 20:
        raise ValidationError({"label": _("Keep this under %(limit)d characters.") % {"limit": 20}}, code="invalid")
    with transaction.atomic():
        locked = Bed.objects.select_for_update().get(pk=bed.pk)
        if locked.label == label:
            return locked
        if Bed.objects.in_service().filter(room_id=locked.room_id, label=label).exclude(pk=locked.pk).exists():
            raise ValidationError({"label": _("Another bed in this room has that label.")}, code="duplicate")
        locked.label = label
        try:
            with transaction.atomic():
                locked.save(update_fields=["label"])
        except IntegrityError:
            raise ValidationError({"label": _("Another bed in this room has that label.")}, code="duplicate") from None
        audit_record(actor=actor, action="shelters.bed.update", obj=locked, fields=["label"])
    return locked


def bed_retire(*, actor: Any, bed: Bed) -> Bed:
    """Take an empty bed out of service for good (its history stays); the capacity drops by one.

    The bed row is locked (PostgreSQL) as an admission locks it, so an admission and the retiring
    cannot both succeed: whichever comes second is refused."""
    policy.require(actor, policy.CHANGE, bed)
    with transaction.atomic():
        locked = Bed.objects.select_for_update(of=("self",)).get(pk=bed.pk)
        if locked.retired_at is not None:
            raise ValidationError(_("This bed is already retired."))
        if Stay.objects.filter(bed=locked, ended_at__isnull=True).exists():
            raise ValidationError(_("Someone sleeps in this bed: move or discharge them before retiring it."))
        locked.retired_at = timezone.now()
        locked.retired_by = actor
        locked.save(update_fields=["retired_at", "retired_by"])
        audit_record(actor=actor, action="shelters.bed.retire", obj=locked)
    return locked


# --- The waiting list ------------------------------------------------------------------------
def _open_entry(entry: WaitingEntry) -> WaitingEntry:
    locked = WaitingEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.resolved_at is not None:
        raise ValidationError(_("This person is no longer on the waiting list."), code="resolved")
    return locked


def waiting_withdraw(*, actor: Any, entry: WaitingEntry, reason: str) -> WaitingEntry:
    """Take a person off the waiting list (found a place elsewhere, no longer needs a bed…), with
    the reason (encrypted). The shelter referral itself is left as it is."""
    from himaya.shelters.models import WaitingResolution

    policy.require(actor, policy.CHANGE, entry)
    if not actor.has_role(*ADMITTING_STAFF):
        raise ValidationError(_("Your role cannot do this at the shelter."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is withdrawn.")}, code="required")
    if len(reason) > 1000:
        raise ValidationError({"reason": _("Keep the reason under 1000 characters.")}, code="invalid")
    with transaction.atomic():
        locked = _open_entry(entry)
        locked.resolved_at = timezone.now()
        locked.resolution = WaitingResolution.WITHDRAWN
        locked.resolved_by = actor
        locked.withdraw_reason = reason
        locked.save(update_fields=["resolved_at", "resolution", "resolved_by", "withdraw_reason"])
        audit_record(actor=actor, action="shelters.waitingentry.withdraw", obj=locked, fields=["withdraw_reason"])
    return locked


def waiting_reprioritise(*, actor: Any, entry: WaitingEntry, priority: Any) -> WaitingEntry:
    """Change an open entry's priority (0 child, 1 urgent safety, 2 high, 3 normal)."""
    from himaya.shelters.models import PRIORITY_LABELS

    policy.require(actor, policy.CHANGE, entry)
    if not actor.has_role(*ADMITTING_STAFF):
        raise ValidationError(_("Your role cannot do this at the shelter."))
    if isinstance(priority, bool) or priority not in PRIORITY_LABELS:
        raise ValidationError({"priority": _("Choose a priority from the list.")}, code="invalid")
    with transaction.atomic():
        locked = _open_entry(entry)
        before = locked.priority
        if before != priority:
            locked.priority = priority
            locked.save(update_fields=["priority"])
            audit_record(
                actor=actor,
                action="shelters.waitingentry.reprioritise",
                obj=locked,
                fields=["priority"],
                detail=f"priority:{before}->{priority}",
            )
    return locked
