"""Who sees referrals, and what a receiving agency sees of the case and the person.

Both agencies' case staff and service providers see a referral. The receiving agency sees the
case and its person only while a referral to it is open (sent, accepted, in progress): once it
closes, access ends on the next request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from himaya.access.policy import CHANGE, VIEW, personal, rule
from himaya.accounts.roles import Role
from himaya.cases.models import Case
from himaya.people.models import Person
from himaya.referrals.models import OPEN_STATES, Referral

REFERRAL_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR, Role.SERVICE_PROVIDER]

personal(Referral, ("reason", "decline_reason", "outcome"))


@rule(Referral, VIEW, CHANGE, roles=REFERRAL_ROLES)
def referrals_of_own_agency(actor: Any) -> Q:
    return Q(from_agency_id=actor.agency_id) | Q(to_agency_id=actor.agency_id)


def _open_referrals_to(actor: Any) -> Any:
    return Referral.objects.filter(to_agency_id=actor.agency_id, state__in=OPEN_STATES)


@rule(Case, VIEW, roles=REFERRAL_ROLES)
def cases_referred_to_own_agency(actor: Any) -> Q:
    return Q(Exists(_open_referrals_to(actor).filter(case_id=OuterRef("pk"))))


@rule(Person, VIEW, roles=REFERRAL_ROLES)
def people_referred_to_own_agency(actor: Any) -> Q:
    return Q(Exists(_open_referrals_to(actor).filter(case__person_id=OuterRef("pk"))))
