"""Who sees screenings: whoever may see the case they belong to (need-to-know follows the case)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access import policy
from himaya.access.policy import CHANGE, VIEW, personal, rule
from himaya.cases.models import Case
from himaya.screening.models import Screening

personal(Screening, ("indicators", "forced_labour", "outcome", "note"))


@rule(Screening, VIEW)
def screenings_of_visible_cases(actor: Any) -> Q:
    return Q(case__in=policy.visible(actor, Case).values("pk"))


@rule(Screening, CHANGE)
def screenings_of_changeable_cases(actor: Any) -> Q:
    return Q(case__in=policy.visible(actor, Case, CHANGE).values("pk"))
