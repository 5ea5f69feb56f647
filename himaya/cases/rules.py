"""Who sees and does what with cases. Other apps add rules on Case in their own rules.py
(referral recipients in referrals/rules.py, embassies with consent in consent/rules.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, creator, personal, rule
from himaya.accounts.roles import Role
from himaya.cases.models import Case

CASE_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR]

personal(Case, ("person", "encounters", "historic_events", "parties", "notes", "decisions"), break_glass=True)
creator(Case, roles=CASE_ROLES)


@rule(Case, VIEW, CHANGE, roles=CASE_ROLES)
def own_agency_cases(actor: Any) -> Q:
    return Q(owner_agency_id=actor.agency_id)
