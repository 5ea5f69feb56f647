"""Who sees and does what with cases. Other apps add rules on Case in their own rules.py
(referral recipients in referrals/rules.py, embassies with consent in consent/rules.py).

Actions on cases:
- `view`/`change`: the owning agency's case roles;
- `transition`: moving the case along the workflow (the owning agency's case roles);
- `decide`: identification decisions (RG, CG, reconsideration) by NRM coordinators, nationally,
  on every case referred into the NRM: the competent authority is national.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, creator, permission, personal, rule
from himaya.accounts.roles import Role
from himaya.cases.models import Case
from himaya.clocks.workflow import Stage

CASE_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR]
TRANSITION = "transition"
DECIDE = "decide"
# Recording an indicator screening on the case (asked by the screening services).
SCREEN = "screen"

# Stages before (or outside) the NRM: the competent authority has no case to decide yet.
PRE_NRM_STAGES = (
    Stage.IDENTIFICATION.value,
    Stage.DOCUMENTATION.value,
    Stage.LABOUR_GRIEVANCE.value,
    Stage.NOT_TRAFFICKING.value,
    Stage.ANONYMOUS_NOTIFICATION.value,
)

personal(Case, ("person", "encounters", "historic_events", "parties", "notes", "decisions"), break_glass=True)
creator(Case, roles=CASE_ROLES)
permission("cases.overview", roles=[Role.NRM_COORDINATOR, Role.SUPERVISOR])


# Each rule also states its scope on the summary table CaseStageCount (owner_agency, stage, referred),
# so that dashboards count from it (himaya/cases/summaries.py).
def _own_agency_summary(actor: Any) -> Q:
    return Q(owner_agency_id=actor.agency_id)


@rule(Case, VIEW, CHANGE, TRANSITION, SCREEN, roles=CASE_ROLES, summary=_own_agency_summary)
def own_agency_cases(actor: Any) -> Q:
    return Q(owner_agency_id=actor.agency_id)


def _referred_summary(actor: Any) -> Q:
    return ~Q(stage__in=PRE_NRM_STAGES) & (~Q(stage=Stage.CLOSED.value) | Q(referred=True))


@rule(Case, VIEW, DECIDE, roles=[Role.NRM_COORDINATOR], summary=_referred_summary)
def referred_into_the_nrm(actor: Any) -> Q:
    # A closed case counts only if it was ever referred (a closed labour grievance never was).
    return ~Q(stage__in=PRE_NRM_STAGES) & (~Q(stage=Stage.CLOSED.value) | Q(referred_on__isnull=False))
