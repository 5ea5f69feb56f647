"""Rules for the foundation's models. Other apps declare theirs in their own rules.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, creator, permission, personal, rule
from himaya.accounts.models import User
from himaya.accounts.roles import PERSONAL_DATA_ROLES, Role
from himaya.agencies.models import Agency
from himaya.audit.models import AuditEvent
from himaya.people.models import Person


# --- Agencies: the directory is open to every signed-in member of the NRM. -----------------
@rule(Agency, VIEW)
def any_staff_sees_the_directory(actor: Any) -> Q:
    return Q(is_active=True) | Q(pk=actor.agency_id)


@rule(Agency, CHANGE, roles=[Role.AGENCY_ADMIN])
def agency_admin_edits_own_agency(actor: Any) -> Q:
    return Q(pk=actor.agency_id)


@rule(Agency, VIEW, CHANGE, roles=[Role.SYSTEM_ADMIN])
def system_admin_manages_all_agencies(actor: Any) -> Q:
    return Q()


# --- Staff accounts ------------------------------------------------------------------------
@rule(User, VIEW, CHANGE, roles=[Role.AGENCY_ADMIN])
def agency_admin_manages_own_staff(actor: Any) -> Q:
    return Q(agency_id=actor.agency_id, is_integration=False)


@rule(User, VIEW, CHANGE, roles=[Role.SYSTEM_ADMIN])
def system_admin_manages_all_staff(actor: Any) -> Q:
    return Q()


@rule(User, VIEW)
def everyone_sees_themselves(actor: Any) -> Q:
    return Q(pk=actor.pk)


creator(User, roles=[Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])

# --- People: need-to-know by agency. Referral and consent rules come with the NRM core. -----
personal(Person, Person.PERSONAL_FIELDS, break_glass=True)


@rule(Person, VIEW, CHANGE, roles=PERSONAL_DATA_ROLES - {Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN})
def own_agency_people(actor: Any) -> Q:
    return Q(owner_agency_id=actor.agency_id)


creator(Person, roles=[Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR])


# --- Audit log -----------------------------------------------------------------------------
@rule(AuditEvent, VIEW, roles=[Role.AUDITOR])
def auditor_reads_the_log(actor: Any) -> Q:
    return Q()


@rule(AuditEvent, VIEW, roles=[Role.AGENCY_ADMIN, Role.SUPERVISOR])
def agency_sees_break_glass_on_its_records(actor: Any) -> Q:
    return Q(owner_agency_id=actor.agency_id, action="break_glass.open")


permission("audit.browse", roles=[Role.AUDITOR])
permission("staff.manage", roles=[Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
permission("break_glass.use", roles=[Role.NRM_COORDINATOR])
permission("statistics.view", roles=[Role.ANALYST, Role.NRM_COORDINATOR, Role.SUPERVISOR])
