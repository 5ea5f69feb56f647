"""Writes to screenings: one transaction with its timeline entry and audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.audit.services import audit_record
from himaya.cases.models import Case
from himaya.cases.services import timeline_add
from himaya.indicators import engine
from himaya.screening import catalogue
from himaya.screening.models import Screening

NOTE_MAX = 5000


def screening_record(
    *,
    actor: Any,
    case: Case,
    profile: str,
    indicators: Iterable[str],
    forced_labour: Iterable[str] = (),
    note: str = "",
) -> Screening:
    """Evaluate the ticked indicators with the current catalogue and rule set and save the result
    on the case, with the versions used, a timeline entry and an audit event.

    The actor must be allowed to change the case (404 otherwise). A child's case is screened
    with a child profile (means are not required) and an adult's with an adult profile.
    Bad input raises ValidationError naming the field and changes nothing.
    """
    from himaya.cases.rules import SCREEN

    # SCREEN is CHANGE on the case, unless the jurisdiction also asks for a qualification.
    policy.require(actor, SCREEN, case)
    ids = [i.strip().upper() for i in indicators if i and i.strip()]
    flags = [i.strip().upper() for i in forced_labour if i and i.strip()]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX}})
    try:
        prof = catalogue.catalogue().profile(profile)
        evaluation = catalogue.evaluate(profile, ids)
    except engine.ScreeningError as error:
        raise ValidationError({catalogue.error_field(error): catalogue.error_message(error)}) from None
    try:
        flagged = engine.forced_labour_quick_check(flags, catalogue.forced_labour()[1])["flagged"]
    except engine.ScreeningError as error:
        raise ValidationError({"forced_labour": catalogue.error_message(error)}) from None
    if prof.child != case.is_child:
        message = (
            _("This case is a child's: choose a child profile.")
            if case.is_child
            else _("This case is an adult's: choose an adult profile.")
        )
        raise ValidationError({"profile": message})
    with transaction.atomic():
        screening = Screening.objects.create(
            case=case,
            profile=profile,
            indicators=",".join(evaluation.indicators),
            forced_labour=",".join(flagged),
            outcome=evaluation.outcome,
            dimensions={code: t.as_dict() for code, t in evaluation.dimensions.items()},
            catalogue_version=evaluation.catalogue_version,
            rule_set_version=evaluation.rule_set_version,
            performed_by=actor,
            performed_at=timezone.now(),
            note=note,
        )
        timeline_add(case=case, actor=actor, kind="screening", summary=evaluation.outcome, obj=screening)
        audit_record(
            actor=actor,
            action="screening.screening.create",
            obj=screening,
            owner_agency_id=case.owner_agency_id,
            fields=["indicators", "forced_labour", "outcome", *(["note"] if note else [])],
        )
    return screening
