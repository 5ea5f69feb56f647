"""Reads of shelters, beds and stays, starting from the access policy.

Bed counts are facility data (every member of staff sees them nationally); who sleeps in which
bed is the operator's shelter staff's business only, and those reads are audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.agencies.models import ServiceType
from himaya.referrals.models import Referral
from himaya.shelters import stats
from himaya.shelters.models import Absence, Bed, Group, Shelter, Stay, WaitingEntry
from himaya.shelters.rules import ADMITTING_STAFF
from himaya.shelters.services import ADMITTABLE_STATES, STAFF


def open_stays() -> QuerySet[Stay]:
    return Stay.objects.filter(ended_at__isnull=True)


def free_beds(beds: QuerySet[Bed]) -> QuerySet[Bed]:
    """The open beds nobody sleeps in (a resident away on an absence keeps the bed)."""
    return beds.filter(is_closed=False, retired_at__isnull=True).exclude(pk__in=open_stays().values("bed_id"))


@dataclass
class GroupCount:
    group: str
    label: str
    beds: int = 0
    closed: int = 0
    occupied: int = 0

    @property
    def free(self) -> int:
        return max(0, self.beds - self.closed - self.occupied)


@dataclass
class Occupancy:
    shelter: Shelter
    groups: dict[str, GroupCount] = field(default_factory=dict)

    def _sum(self, name: str) -> int:
        return sum(getattr(g, name) for g in self.groups.values())

    @property
    def beds(self) -> int:
        return self._sum("beds")

    @property
    def closed(self) -> int:
        return self._sum("closed")

    @property
    def occupied(self) -> int:
        return self._sum("occupied")

    @property
    def free(self) -> int:
        return self._sum("free")

    @property
    def percent(self) -> int:
        usable = self.beds - self.closed
        return round(100 * self.occupied / usable) if usable else 100

    @property
    def is_full(self) -> bool:
        return self.free == 0


def occupancy_for(shelters: QuerySet[Shelter] | list[Shelter]) -> list[Occupancy]:
    """Beds, closed beds, occupied and free beds per group for each shelter (three grouped queries)."""
    result = {s.pk: Occupancy(shelter=s) for s in shelters}
    if not result:
        return []
    ids = list(result)

    def slot(shelter_id: int, group: str) -> GroupCount:
        groups = result[shelter_id].groups
        if group not in groups:
            groups[group] = GroupCount(group=group, label=str(Group(group).label))
        return groups[group]

    for row in (
        Bed.objects.in_service()
        .filter(shelter_id__in=ids)
        .values("shelter_id", "room__group")
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(is_closed=True)))
    ):
        g = slot(row["shelter_id"], row["room__group"])
        g.beds, g.closed = row["n"], row["closed"]
    for row in open_stays().filter(shelter_id__in=ids).values("shelter_id", "bed__room__group").annotate(n=Count("pk")):
        slot(row["shelter_id"], row["bed__room__group"]).occupied = row["n"]
    ordered = [result[pk] for pk in ids]
    for occ in ordered:
        occ.groups = {g: occ.groups[g] for g in Group.values if g in occ.groups}
    return ordered


def national_occupancy(*, actor: Any) -> list[Occupancy]:
    """Every active shelter's counts (no personal data) for the national view."""
    policy.require_permission(actor, "shelters.national")
    return occupancy_for(list(policy.visible(actor, Shelter).select_related("operator").order_by("name_en", "pk")))


def free_beds_by_operator(*, operator_ids: list[int], group: str = "") -> dict[int, int]:
    """Free beds per operating agency, for referral suggestions (agencies with no shelter: absent)."""
    beds = Bed.objects.filter(shelter__operator_id__in=operator_ids, shelter__is_active=True)
    if group:
        beds = beds.filter(room__group=group)
    counts: dict[int, int] = dict.fromkeys(
        Shelter.objects.filter(operator_id__in=operator_ids, is_active=True).values_list("operator_id", flat=True), 0
    )
    for row in free_beds(beds).values("shelter__operator_id").annotate(n=Count("pk")):
        counts[row["shelter__operator_id"]] = row["n"]
    return counts


def my_shelters(*, actor: Any) -> QuerySet[Shelter]:
    """The shelters the actor works in (shelter staff of the operator); empty for everyone else."""
    return policy.visible(actor, Shelter, STAFF).order_by("name_en", "pk")


def shelter_for_staff(*, actor: Any, pk: Any) -> Shelter:
    """One shelter the actor works in, or Http404 (audited)."""
    return policy.get_for(actor, Shelter, pk, STAFF)


def shelter_get(*, actor: Any, pk: Any) -> Shelter:
    return policy.get_for(actor, Shelter, pk)


BOARD_STAY_FIELDS = (
    "bed_id",
    "shelter_id",
    "admitted_at",
    "ended_at",
    "needs_review",
    "person__given_name_latin",
    "person__family_name_latin",
    "person__full_name_arabic",
)


@dataclass
class BedRow:
    bed: Bed
    stay: Stay | None
    absence: Absence | None


def board(*, actor: Any, shelter: Shelter) -> dict[str, Any]:
    """The occupancy board of one shelter: every bed with its resident (audited as a list read)."""
    stays = (
        policy.visible(actor, Stay)
        .filter(shelter=shelter, ended_at__isnull=True)
        .select_related("person")
        # Only the names are shown: every encrypted column loaded is a decryption.
        .only(*BOARD_STAY_FIELDS)
        .prefetch_related(
            Prefetch(
                "absences",
                queryset=Absence.objects.filter(returned_at__isnull=True).only(
                    "stay_id", "reason", "expected_back", "returned_at", "left_at"
                ),
            )
        )
    )
    by_bed = {s.bed_id: s for s in stays}
    rows: list[BedRow] = []
    beds = Bed.objects.in_service().filter(shelter=shelter).select_related("room").order_by("room__name", "label", "pk")
    for bed in beds:
        stay = by_bed.get(bed.pk)
        absences = list(stay.absences.all()) if stay is not None else []
        rows.append(BedRow(bed=bed, stay=stay, absence=absences[0] if absences else None))
    policy.audit_list(actor, Stay, by_bed.values())
    rooms: dict[Any, list[BedRow]] = defaultdict(list)
    for row in rows:
        rooms[row.bed.room].append(row)
    return {"occupancy": occupancy_for([shelter])[0], "rooms": dict(rooms), "refreshed_at": timezone.now()}


def pending_admissions(*, actor: Any) -> QuerySet[Referral]:
    """Accepted shelter referrals to the actor's agency whose person has no bed yet."""
    if not actor.has_role(*ADMITTING_STAFF):
        return Referral.objects.none()
    ever_stayed = Stay.objects.filter(referral=OuterRef("pk"))
    return (
        policy.visible(actor, Referral)
        .filter(to_agency_id=actor.agency_id, service_type=ServiceType.SHELTER, state__in=ADMITTABLE_STATES)
        .exclude(Exists(ever_stayed))
        .select_related("case", "from_agency")
        .order_by("answered_at", "pk")
    )


def staff_day(*, actor: Any, shelters: list[Shelter], day: dt.date | None = None) -> dict[str, Any]:
    """Today's arrivals and departures, occupancy and tasks for the actor's shelters."""
    day = day or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    stays = policy.visible(actor, Stay).filter(shelter__in=shelters).select_related("person", "shelter", "bed__room")
    arrivals = list(stays.filter(admitted_at__gte=start, admitted_at__lt=end).order_by("admitted_at"))
    departures = list(stays.filter(ended_at__gte=start, ended_at__lt=end).order_by("ended_at"))
    review = list(stays.filter(ended_at__isnull=True, needs_review=True).order_by("admitted_at"))
    overdue = list(
        policy.visible(actor, Absence)
        .filter(stay__shelter__in=shelters, returned_at__isnull=True, expected_back__lt=timezone.now())
        .select_related("stay__person", "stay__shelter")
        .order_by("expected_back")
    )
    pending = list(pending_admissions(actor=actor))
    policy.audit_list(actor, Stay, {s.pk: s for s in [*arrivals, *departures, *review]}.values())
    return {
        "day": day,
        "arrivals": arrivals,
        "departures": departures,
        "review": review,
        "overdue_absences": overdue,
        "pending": pending,
        "waiting": list(waiting_list(actor=actor)),
        "occupancy": occupancy_for(shelters),
    }


def waiting_list(*, actor: Any) -> QuerySet[WaitingEntry]:
    """The operator's open waiting list, children and urgent safety first, then by time added."""
    return (
        policy.visible(actor, WaitingEntry)
        .filter(resolved_at__isnull=True)
        .select_related("referral__case")
        .order_by("priority", "added_at", "pk")
    )


def require_stay_role(actor: Any) -> None:
    """Stay lists belong to shelter staff and referring case staff; others get a 404 (audited)."""
    from himaya.shelters.rules import REFERRING_ROLES, SHELTER_STAFF

    if not policy.is_active_actor(actor) or not actor.has_role(*SHELTER_STAFF, *REFERRING_ROLES):
        from himaya.audit.services import audit_record

        audit_record(
            actor=actor if policy.is_active_actor(actor) else None, action="shelters.stay.list", outcome="denied"
        )
        raise Http404(_("Not found."))


def stay_get(*, actor: Any, pk: Any, action: str = policy.VIEW) -> Stay:
    """One stay the actor may see (read audited), or Http404."""
    return policy.get_for(actor, Stay, pk, action)


def is_shelter_staff_for(actor: Any, stay: Stay) -> bool:
    return policy.can(actor, STAFF, stay.shelter)


def absence_get(*, actor: Any, pk: Any) -> Absence:
    return policy.get_for(actor, Absence, pk, policy.CHANGE)


def referral_for_admission(*, actor: Any, pk: Any) -> Referral:
    """A shelter referral to the actor's agency the actor may act on, or Http404."""
    referral = policy.get_for(actor, Referral, pk, policy.CHANGE)
    if referral.to_agency_id != actor.agency_id or referral.service_type != ServiceType.SHELTER:
        raise Http404(_("Not found."))
    return referral


def bed_for_staff(*, actor: Any, pk: Any) -> Bed:
    """A bed in one of the actor's shelters, or Http404."""
    bed = policy.get_for(actor, Bed, pk)
    if not policy.can(actor, STAFF, bed.shelter):
        raise Http404(_("Not found."))
    return bed


def bed_get(*, actor: Any, pk: Any) -> Bed:
    return policy.get_for(actor, Bed, pk)


def referred_stays(*, actor: Any) -> QuerySet[Stay]:
    """Stays on shelter referrals sent by the actor's agency (the referring side's follow-up)."""
    return (
        policy.visible(actor, Stay)
        .filter(referral__from_agency_id=actor.agency_id)
        .select_related("shelter", "case", "referral")
        .order_by("ended_at", "-admitted_at", "-pk")
    )


def stays_of_referral(*, actor: Any, referral: Referral) -> QuerySet[Stay]:
    """The stays made on a referral the actor may see (the referring agency follows their status)."""
    return policy.visible(actor, Stay).filter(referral=referral).select_related("shelter").order_by("admitted_at")


@dataclass
class ShelterReport:
    shelter: Shelter
    nights: list[int]
    average_stay: float | None
    ended: int


def occupancy_report(*, actor: Any, first: dt.date, last: dt.date) -> list[ShelterReport]:
    """Nightly occupancy from `first` to `last` and the average length of the stays that ended in
    that window, per shelter (counts only: no personal data).

    One aggregated query: the stays overlapping the window are grouped by shelter, the night they
    are first counted and the day they left (when within the window), both as day numbers in the
    window found by comparing with its local midnights (plain SQL comparisons: no per-row date or
    time-zone conversion, which SQLite would run in Python). A stay that began before the window
    and ended in it keeps its admission time in the group key: at most one per bed crosses the
    window's start. The arithmetic then runs over the groups (himaya/shelters/stats.py)."""
    from django.db import connection
    from django.db.models import Case, DateTimeField, IntegerField, When
    from django.db.models.expressions import RawSQL

    policy.require_permission(actor, "shelters.reports")
    tz = timezone.get_current_timezone()
    days = (last - first).days + 1
    shelters = list(policy.visible(actor, Shelter).order_by("name_en", "pk"))
    if days < 1 or not shelters:
        return [ShelterReport(shelter=s, nights=[], average_stay=None, ended=0) for s in shelters]
    midnights = [dt.datetime.combine(first + dt.timedelta(days=i), dt.time.min, tzinfo=tz) for i in range(days + 1)]
    window_start, window_end = midnights[0], midnights[-1]

    # The day number of a time in the window: one CASE over the midnights, written once as SQL (the
    # ORM would compile ~90 When nodes per column on every request); None after the window.
    bounds = [connection.ops.adapt_datetimefield_value(m) for m in midnights]
    table = connection.ops.quote_name(Stay._meta.db_table)

    def day_of(field: str) -> RawSQL:
        column = f"{table}.{connection.ops.quote_name(field)}"
        branches = " ".join(f"WHEN {column} < %s THEN {i}" for i in range(days))
        # Only quoted identifiers of the model and integers are written into the SQL; times are parameters.
        return RawSQL(f"CASE {branches} ELSE NULL END", bounds[1:], output_field=IntegerField())  # noqa: S611

    ids = [s.pk for s in shelters]
    left_in_window = Q(ended_at__lt=window_end)
    rows = (
        # One OR branch per index range, so SQLite and PostgreSQL both read (shelter, ended_at).
        # No condition on admitted_at here: SQLite would then walk (shelter, admitted_at) over every
        # stay ever made; stays admitted after the window get no first night and are skipped below.
        Stay.objects.filter(
            Q(shelter_id__in=ids, ended_at__isnull=True) | Q(shelter_id__in=ids, ended_at__gte=window_start)
        )
        .annotate(
            first_night=day_of("admitted_at"),
            left_on=day_of("ended_at"),  # NULL while open or when left after the window
            admitted_before=Case(
                When(left_in_window & Q(admitted_at__lt=window_start), then="admitted_at"),
                output_field=DateTimeField(),
            ),
        )
        .values_list("shelter_id", "first_night", "left_on", "admitted_before")
        .annotate(n=Count("pk"))
        .order_by()
    )
    spans: dict[int, list[stats.Group]] = defaultdict(list)
    ended: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    for shelter_id, first_night, left_on, admitted_before, n in rows:
        if first_night is None:  # admitted after the window
            continue
        start = first + dt.timedelta(days=first_night)
        end = first + dt.timedelta(days=left_on) if left_on is not None else None
        spans[shelter_id].append((start, end, n))
        if end is not None:
            arrived = timezone.localtime(admitted_before, tz).date() if admitted_before is not None else start
            ended[shelter_id].append((arrived, end, n))
    reports = []
    for s in shelters:
        average, count = stats.average_length_of_stay_grouped(ended[s.pk])
        reports.append(
            ShelterReport(
                shelter=s,
                nights=stats.nightly_occupancy_grouped(spans[s.pk], first, last),
                average_stay=average,
                ended=count,
            )
        )
    return reports


# --- Facility management (the operator's supervisors and administrators) ----------------------
def managed_shelters(*, actor: Any) -> QuerySet[Shelter]:
    """The shelters the actor manages (active or not), by name."""
    return policy.visible(actor, Shelter, policy.CHANGE).order_by("name_en", "pk")


def is_facility_manager(actor: Any) -> bool:
    return policy.can_create(actor, Shelter) or managed_shelters(actor=actor).exists()


def require_facility_manager(actor: Any) -> None:
    """The facility pages are for managers of a shelter operator: 404 (audited) for everyone else."""
    if is_facility_manager(actor):
        return
    from himaya.audit.services import audit_record

    audit_record(
        actor=actor if policy.is_active_actor(actor) else None, action="shelters.shelter.change", outcome="denied"
    )
    raise Http404(_("Not found."))


def shelter_to_manage(*, actor: Any, pk: Any) -> Shelter:
    return policy.get_for(actor, Shelter, pk, policy.CHANGE)


def room_to_manage(*, actor: Any, pk: Any) -> Any:
    from himaya.shelters.models import Room

    return policy.get_for(actor, Room, pk, policy.CHANGE)


def bed_to_manage(*, actor: Any, pk: Any) -> Bed:
    return policy.get_for(actor, Bed, pk, policy.CHANGE)


def capacity_of(shelter: Shelter) -> dict[str, int]:
    """Beds in service per group (every group, zero included)."""
    counts = dict.fromkeys(Group.values, 0)
    for row in Bed.objects.in_service().filter(shelter=shelter).values("room__group").annotate(n=Count("pk")):
        counts[row["room__group"]] = row["n"]
    return counts


@dataclass
class RoomRow:
    room: Any
    beds: list[Any]
    occupied: set[int]

    @property
    def free(self) -> int:
        return sum(1 for b in self.beds if b.pk not in self.occupied and not b.is_closed)


def rooms_of(shelter: Shelter) -> list[RoomRow]:
    """The shelter's rooms with their beds in service and which are occupied (no residents named)."""
    from himaya.shelters.models import Room

    occupied = set(open_stays().filter(shelter=shelter).values_list("bed_id", flat=True))
    beds: dict[int, list[Bed]] = defaultdict(list)
    for bed in Bed.objects.in_service().filter(shelter=shelter).order_by("label", "pk"):
        beds[bed.room_id].append(bed)
    return [
        RoomRow(room=room, beds=beds[room.pk], occupied=occupied)
        for room in Room.objects.filter(shelter=shelter).order_by("name", "pk")
    ]


def waiting_entry_get(*, actor: Any, pk: Any) -> WaitingEntry:
    """An open or resolved entry of the actor's operator's waiting list, or Http404."""
    return policy.get_for(actor, WaitingEntry, pk, policy.CHANGE)
