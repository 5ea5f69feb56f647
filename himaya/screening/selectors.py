"""Reads of screenings, always through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from himaya.access import policy
from himaya.cases.models import Case
from himaya.screening.models import Screening


def screenings_for_case(*, actor: Any, case: Case) -> QuerySet[Screening]:
    return policy.visible(actor, Screening).filter(case=case).select_related("performed_by")


def screening_get(*, actor: Any, pk: Any) -> Screening:
    """One screening, or Http404 outside the actor's scope. The read is audited."""
    return policy.get_for(actor, Screening, pk)
