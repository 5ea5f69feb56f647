"""Consent in the access policy.

- Embassy staff see a person (and that person's cases) only when the person's nationality is the
  embassy's country AND an active `share_embassy` consent names that embassy or no recipient.
  The rules are subqueries on Consent, evaluated on every request: withdrawing the consent revokes
  the embassy's access from the next request. On cases the subquery runs only on the rows that
  `Case.embassy_share_country` pre-selects (see himaya.consent.sharing).
- Consent records are visible to whoever may see the person, and changeable (withdrawn) by
  whoever may change the person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

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
    return (
        Consent.objects.order_by()
        .filter(purpose=Purpose.SHARE_EMBASSY, given=True, withdrawn_at__isnull=True)
        .filter(Q(recipient_agency_id=actor.agency_id) | Q(recipient_agency__isnull=True))
    )


def _has_consent(consents: QuerySet[Consent]) -> Q:
    """Whether the row has one of `consents` (correlated through OuterRef), checked row by row.

    Written `(SELECT id ... LIMIT 1) IS NOT NULL`, not EXISTS: an embassy's staff see their own
    agency's cases OR their consenting nationals', and under that OR PostgreSQL turned EXISTS into a
    hashed set of every consenting national, built on each request by reading all people and all
    consents (0.2-0.4 s with 600,000 people, growing with the register). A scalar subquery is never
    hashed: each row the page reads is one probe of the partial index `consent_embassy_share_idx`
    (the first page of an embassy's case list: 1 ms)."""
    return Q(IsNull(Subquery(consents.values("pk")[:1]), False))


@rule(Person, VIEW, roles=EMBASSY_ROLES)
def embassy_sees_its_nationals_with_consent(actor: Any) -> Q | None:
    country = _embassy_country(actor)
    if country is None:
        return None
    # `embassy_share_country` (himaya.consent.sharing) narrows the register to the consenting
    # nationals off a partial index; nationality and consent are still checked on each of them.
    consents = _active_embassy_consents(actor).filter(person_id=OuterRef("pk"))
    return Q(embassy_share_country=country, nationality=country) & _has_consent(consents)


@rule(Case, VIEW, roles=EMBASSY_ROLES)
def embassy_sees_its_nationals_cases_with_consent(actor: Any) -> Q | None:
    country = _embassy_country(actor)
    if country is None:
        return None
    # `embassy_share_country` (himaya.consent.sharing) narrows the rows to the consenting nationals'
    # cases off a partial index; the consent itself is still checked on each of them. The
    # nationality is checked inside the subquery (on the consent's person), not through a join of
    # every case to its person: on national data the join made PostgreSQL read all people.
    consents = _active_embassy_consents(actor).filter(person_id=OuterRef("person_id"), person__nationality=country)
    return Q(embassy_share_country=country) & _has_consent(consents)


@rule(Consent, VIEW)
def consents_of_visible_people(actor: Any) -> Q:
    return Q(person__in=policy.visible(actor, Person).values("pk"))


@rule(Consent, CHANGE)
def consents_of_changeable_people(actor: Any) -> Q:
    return Q(person__in=policy.visible(actor, Person, CHANGE).values("pk"))
