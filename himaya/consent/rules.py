"""Consent in the access policy.

- Embassy staff see a person (and that person's cases) only when the person's nationality is the
  embassy's country AND an active `share_embassy` consent names that embassy or no recipient.
  The rules are Exists() subqueries on Consent, evaluated on every request: withdrawing the
  consent revokes the embassy's access from the next request.
- Consent records are visible to whoever may see the person, and changeable (withdrawn) by
  whoever may change the person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from himaya.access import policy
from himaya.access.policy import CHANGE, VIEW, personal, rule
from himaya.accounts.roles import PERSONAL_DATA_ROLES, Role
from himaya.agencies.models import AgencyType
from himaya.cases.models import Case
from himaya.consent.models import Consent, Purpose
from himaya.people.models import Person

EMBASSY_ROLES = PERSONAL_DATA_ROLES - {Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN}

personal(Consent, ("purpose", "given", "recipient_agency", "language", "interpreter_used"))


def _embassy_country(actor: Any) -> str | None:
    agency = actor.agency
    if agency is None or agency.type != AgencyType.EMBASSY or not agency.country or not agency.is_active:
        return None
    return str(agency.country)


def _active_embassy_consents(actor: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(purpose=Purpose.SHARE_EMBASSY, given=True, withdrawn_at__isnull=True).filter(
        Q(recipient_agency_id=actor.agency_id) | Q(recipient_agency__isnull=True)
    )


@rule(Person, VIEW, roles=EMBASSY_ROLES)
def embassy_sees_its_nationals_with_consent(actor: Any) -> Q | None:
    country = _embassy_country(actor)
    if country is None:
        return None
    consents = _active_embassy_consents(actor).filter(person_id=OuterRef("pk"))
    return Q(nationality=country) & Q(Exists(consents))


@rule(Case, VIEW, roles=EMBASSY_ROLES)
def embassy_sees_its_nationals_cases_with_consent(actor: Any) -> Q | None:
    country = _embassy_country(actor)
    if country is None:
        return None
    # The nationality is checked inside the EXISTS (on the consent's person), not through a join
    # of every case to its person: on national data the join made PostgreSQL read all people.
    consents = _active_embassy_consents(actor).filter(person_id=OuterRef("person_id"), person__nationality=country)
    return Q(Exists(consents))


@rule(Consent, VIEW)
def consents_of_visible_people(actor: Any) -> Q:
    return Q(person__in=policy.visible(actor, Person).values("pk"))


@rule(Consent, CHANGE)
def consents_of_changeable_people(actor: Any) -> Q:
    return Q(person__in=policy.visible(actor, Person, CHANGE).values("pk"))
