"""Who sees and does what with shelters and stays.

- Facilities and their bed counts are not personal: every signed-in member of staff sees them
  (the national occupancy view); the operator's supervisors and administrators manage them.
- Stays (who sleeps where) belong to the operator's shelter staff only: service providers,
  supervisors and agency administrators of the agency operating the shelter.
- The referring agency sees the status of the stays made on its own referrals (not the board).
- Everyone else: 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, creator, permission, personal, rule
from himaya.accounts.roles import Role
from himaya.shelters.models import Absence, Bed, Room, Shelter, Stay, WaitingEntry

SHELTER_STAFF = [Role.SERVICE_PROVIDER, Role.SUPERVISOR, Role.AGENCY_ADMIN]
# Admitting and discharging also moves the shelter referral along, a referral role's job.
ADMITTING_STAFF = [Role.SERVICE_PROVIDER, Role.SUPERVISOR]
FACILITY_MANAGERS = [Role.SUPERVISOR, Role.AGENCY_ADMIN]
# Who may place someone in an emergency: the case staff of the agency owning the case.
EMERGENCY_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR]
REFERRING_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR]
STAFF_ROLES = [r for r in Role if r != Role.SYSTEM_ADMIN]

personal(Stay, ("person", "discharge_note"))
personal(WaitingEntry, ("withdraw_reason",))
personal(Absence, ("note",))
permission("shelters.national", roles=STAFF_ROLES)
permission("shelters.reports", roles=[Role.NRM_COORDINATOR, Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.ANALYST])


@rule(Shelter, VIEW, roles=STAFF_ROLES)
def every_shelter_is_listed(actor: Any) -> Q:
    return Q(is_active=True)


@rule(Shelter, CHANGE, roles=FACILITY_MANAGERS)
def operator_manages_its_shelters(actor: Any) -> Q:
    return Q(operator_id=actor.agency_id)


def _operates_shelters(actor: Any, **_context: Any) -> bool:
    """A new facility is operated by the manager's own agency, which must be a shelter operator
    or offer a shelter service in the directory."""
    from himaya.agencies.models import AgencyService, AgencyType, ServiceType

    agency = actor.agency
    if agency is None or not agency.is_active:
        return False
    return (
        agency.type == AgencyType.SHELTER_OPERATOR
        or AgencyService.objects.filter(agency=agency, service_type=ServiceType.SHELTER, is_active=True).exists()
    )


creator(Shelter, roles=FACILITY_MANAGERS, check=_operates_shelters)


@rule(Shelter, "staff", roles=SHELTER_STAFF)
def operator_staff_work_in_its_shelters(actor: Any) -> Q:
    return Q(operator_id=actor.agency_id, is_active=True)


@rule(Room, VIEW, roles=STAFF_ROLES)
def every_room_is_listed(actor: Any) -> Q:
    return Q(shelter__is_active=True)


@rule(Room, CHANGE, roles=FACILITY_MANAGERS)
def operator_manages_its_rooms(actor: Any) -> Q:
    return Q(shelter__operator_id=actor.agency_id)


# Retired beds are out of service: nobody counts, books, closes or edits them.
@rule(Bed, VIEW, roles=STAFF_ROLES)
def every_bed_is_counted(actor: Any) -> Q:
    return Q(shelter__is_active=True, retired_at__isnull=True)


@rule(Bed, CHANGE, roles=FACILITY_MANAGERS)
def operator_manages_its_beds(actor: Any) -> Q:
    return Q(shelter__operator_id=actor.agency_id, retired_at__isnull=True)


@rule(Stay, VIEW, CHANGE, roles=SHELTER_STAFF)
def operator_staff_see_their_residents(actor: Any) -> Q:
    return Q(shelter__operator_id=actor.agency_id)


@rule(Stay, VIEW, roles=REFERRING_ROLES)
def referring_agency_follows_its_stays(actor: Any) -> Q:
    return Q(referral__from_agency_id=actor.agency_id)


@rule(Absence, VIEW, CHANGE, roles=SHELTER_STAFF)
def operator_staff_see_absences(actor: Any) -> Q:
    return Q(stay__shelter__operator_id=actor.agency_id)


@rule(WaitingEntry, VIEW, CHANGE, roles=SHELTER_STAFF)
def operator_staff_see_their_waiting_list(actor: Any) -> Q:
    return Q(operator_id=actor.agency_id)
