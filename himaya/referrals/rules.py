"""Who sees referrals, and what a receiving agency sees of the case and the person.

Both agencies' case staff and service providers see a referral. The receiving agency gets no
rule on Case or Person: it sees the person only through the referral page, only while the referral
is open, and only the fields its service needs (`minimisation.py`). Once the referral closes,
that view ends on the next request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access.policy import CHANGE, VIEW, personal, rule
from himaya.accounts.roles import Role
from himaya.referrals.models import Referral

REFERRAL_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR, Role.SERVICE_PROVIDER]

personal(Referral, ("reason", "decline_reason", "outcome"))


@rule(Referral, VIEW, CHANGE, roles=REFERRAL_ROLES)
def referrals_of_own_agency(actor: Any) -> Q:
    return Q(from_agency_id=actor.agency_id) | Q(to_agency_id=actor.agency_id)


def recipient_sees_person(actor: Any, referral: Referral) -> bool:
    """The receiving agency's view of the person: only while the referral is open (the referral was
    loaded through the policy, so the actor already holds a referral role at one of its agencies)."""
    return actor.agency_id == referral.to_agency_id and referral.is_open and actor.has_role(*REFERRAL_ROLES)
