"""Who sees and does what in prevention.

The labour regulator's side (the protection centre agency here): its supervisors run imports,
scoring and the inspection plan and see every inspection; labour inspectors see only the
inspections assigned to them, the employers and workers of those inspections, and their
findings; analysts see aggregates only (the dashboard and the fairness report: no employer or
worker rows). Other agencies see nothing of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, permission, personal, rule
from himaya.accounts.roles import Role
from himaya.agencies.models import AgencyType
from himaya.intake.models import IntakeDraft
from himaya.prevention.models import Employer, Finding, Inspection, Worker

REGULATOR_TYPES = (AgencyType.PROTECTION_CENTRE, AgencyType.LABOUR_REGULATOR)

permission("prevention.manage", roles=[Role.SUPERVISOR])
permission("prevention.aggregates", roles=[Role.SUPERVISOR, Role.ANALYST])
permission("prevention.inspect", roles=[Role.LABOUR_INSPECTOR])

personal(Worker, Worker.PERSONAL_FIELDS)
personal(Inspection, Inspection.PERSONAL_FIELDS)
personal(Finding, Finding.PERSONAL_FIELDS)


def at_regulator(actor: Any) -> bool:
    agency = getattr(actor, "agency", None)
    return agency is not None and agency.type in REGULATOR_TYPES


def _regulator_all(actor: Any) -> Q | None:
    return Q() if at_regulator(actor) else None


@rule(Inspection, VIEW, CHANGE, roles=[Role.SUPERVISOR])
def regulator_supervisors_see_inspections(actor: Any) -> Q | None:
    return _regulator_all(actor)


@rule(Inspection, VIEW, CHANGE, roles=[Role.LABOUR_INSPECTOR])
def inspectors_see_their_inspections(actor: Any) -> Q | None:
    return Q(inspector_id=actor.pk) if at_regulator(actor) else None


@rule(Employer, VIEW, roles=[Role.SUPERVISOR])
def regulator_supervisors_see_employers(actor: Any) -> Q | None:
    return _regulator_all(actor)


@rule(Employer, VIEW, roles=[Role.LABOUR_INSPECTOR])
def inspectors_see_employers_they_inspect(actor: Any) -> Q | None:
    if not at_regulator(actor):
        return None
    return Q(pk__in=Inspection.objects.filter(inspector_id=actor.pk).values("employer_id"))


@rule(Worker, VIEW, roles=[Role.SUPERVISOR])
def regulator_supervisors_see_workers(actor: Any) -> Q | None:
    return _regulator_all(actor)


@rule(Worker, VIEW, roles=[Role.LABOUR_INSPECTOR])
def inspectors_see_workers_of_employers_they_inspect(actor: Any) -> Q | None:
    if not at_regulator(actor):
        return None
    return Q(employer_id__in=Inspection.objects.filter(inspector_id=actor.pk).values("employer_id"))


@rule(Finding, VIEW, CHANGE, roles=[Role.SUPERVISOR])
def regulator_supervisors_see_findings(actor: Any) -> Q | None:
    return _regulator_all(actor)


@rule(Finding, VIEW, CHANGE, roles=[Role.LABOUR_INSPECTOR])
def inspectors_see_their_findings(actor: Any) -> Q | None:
    return Q(inspection__inspector_id=actor.pk) if at_regulator(actor) else None


@rule(IntakeDraft, VIEW, CHANGE, roles=[Role.LABOUR_INSPECTOR])
def inspectors_resume_their_intake_drafts(actor: Any) -> Q:
    # Drafts an inspector started from a finding; a supervisor of the agency may resume and submit
    # them too (intake's own rule), since opening an NRM case is the protection centre's act.
    return Q(owner_id=actor.pk, agency_id=actor.agency_id)
