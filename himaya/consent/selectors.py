"""Reads of consent records.

`consent_active` is the consent gate other apps call (referrals, cases):

    from himaya.consent.selectors import consent_active
    if not case.is_child and not consent_active(person=p, purpose=Purpose.SHARE_EMBASSY, recipient_agency=a): ...
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from himaya.access import policy
from himaya.consent.models import Consent
from himaya.people.models import Person


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def consent_active(*, person: Any, purpose: str, recipient_agency: Any = None) -> bool:
    """Whether the person has an active consent (given, not withdrawn) for `purpose` naming
    `recipient_agency` or naming no recipient (which covers any agency the purpose covers).
    With `recipient_agency=None`, only a consent naming no recipient counts.

    Children: the consent gate does not apply to them (their best interest decides, with the
    guardian's involvement); this function does not know about children — callers check
    `case.is_child` before calling it. `person` and `recipient_agency` may be objects or ids.
    Not a policy read: it answers yes/no and shows nothing about the person.
    """
    recipient = Q(recipient_agency__isnull=True)
    if recipient_agency is not None:
        recipient |= Q(recipient_agency_id=_pk(recipient_agency))
    return (
        Consent.objects.filter(person_id=_pk(person), purpose=purpose, given=True, withdrawn_at__isnull=True)
        .filter(recipient)
        .exists()
    )


def consents_for(*, actor: Any, person: Person) -> QuerySet[Consent]:
    """Every consent record (active, refused and withdrawn) of a person the actor may see, newest
    first; Http404 when the person is outside the actor's scope."""
    policy.require(actor, policy.VIEW, person)
    return (
        policy.visible(actor, Consent)
        .filter(person=person)
        .select_related("recipient_agency", "explained_by", "withdrawn_by", "case")
        .order_by("-recorded_at", "-pk")
    )


def consent_get(*, actor: Any, pk: Any, action: str = policy.VIEW) -> Consent:
    return policy.get_for(actor, Consent, pk, action)
