"""Who sees and does what with care, legal assistance and the way out.

- The owning agency's case roles and service providers (CARE_ROLES) see and change everything
  on their own cases.
- An agency responsible for a care action (delivering it through a referral) sees that action,
  changes its status and logs the services it delivers; it sees nothing else of the care plan.
- Embassies see voluntary-return exit plans of their own nationals who consented to sharing with
  the embassy: exactly the consent rule on cases (himaya.consent.rules), reused.
- Immigration case workers ask whether a person is protected from removal (a permission; the
  selector checks the agency type) without seeing the case.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, permission, personal, rule
from himaya.accounts.roles import Role
from himaya.assistance.models import (
    CareAction,
    CareGoal,
    Compensation,
    CourtAppointment,
    ExitPlan,
    FollowUp,
    LabourClaim,
    LegalCounselling,
    NeedsAssessment,
    Pathway,
    ServiceDelivery,
)
from himaya.cases.models import Case
from himaya.cases.rules import CASE_ROLES
from himaya.consent.rules import EMBASSY_ROLES, embassy_sees_its_nationals_cases_with_consent

CARE_ROLES = [*CASE_ROLES, Role.SERVICE_PROVIDER]
DELIVERY_ROLES = [Role.CASE_WORKER, Role.SUPERVISOR, Role.SERVICE_PROVIDER]
NON_REMOVAL_CHECK = "assistance.non_removal_check"
REPORTS = "assistance.reports"

personal(NeedsAssessment, ("ratings",))
personal(CareGoal, ("description",))
personal(CareAction, ("description",))
personal(ServiceDelivery, ("outcome",))
personal(LegalCounselling, ("summary",))
personal(LabourClaim, ("party", "notes"))
personal(CourtAppointment, ("purpose", "outcome"))
personal(Compensation, ("awarded_amount", "paid_amount"))
personal(ExitPlan, ("reintegration_plan", "new_employer", "integration_plan"))
personal(FollowUp, ("note",))

permission(NON_REMOVAL_CHECK, roles=[Role.CASE_WORKER, Role.SUPERVISOR, Role.FIRST_RESPONDER])
permission(REPORTS, roles=[Role.ANALYST, Role.NRM_COORDINATOR, Role.SUPERVISOR])

_OWN_CASE_MODELS = (
    NeedsAssessment,
    CareGoal,
    CareAction,
    ServiceDelivery,
    LegalCounselling,
    LabourClaim,
    CourtAppointment,
    Compensation,
    ExitPlan,
    FollowUp,
)


def _own_cases(actor: Any) -> Q:
    return Q(case__owner_agency_id=actor.agency_id)


for _model in _OWN_CASE_MODELS:
    rule(_model, VIEW, CHANGE, roles=CARE_ROLES)(_own_cases)


@rule(CareAction, VIEW, CHANGE, roles=DELIVERY_ROLES)
def actions_our_agency_delivers(actor: Any) -> Q:
    return Q(responsible_agency_id=actor.agency_id)


@rule(NeedsAssessment, VIEW, roles=DELIVERY_ROLES)
def assessments_our_agency_recorded(actor: Any) -> Q:
    return Q(agency_id=actor.agency_id)


@rule(ServiceDelivery, VIEW, roles=DELIVERY_ROLES)
def services_our_agency_delivered(actor: Any) -> Q:
    return Q(agency_id=actor.agency_id)


@rule(ExitPlan, VIEW, roles=EMBASSY_ROLES)
def embassy_sees_return_plans_of_consenting_nationals(actor: Any) -> Q | None:
    cases = embassy_sees_its_nationals_cases_with_consent(actor)
    if cases is None:
        return None
    return Q(pathway=Pathway.VOLUNTARY_RETURN, case__in=Case.objects.filter(cases).values("pk"))
