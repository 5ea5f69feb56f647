"""Writes to cases. Each is one transaction with its audit event and timeline entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.audit.services import audit_record
from himaya.cases.models import Case, CaseExploitation, Category, Channel, Encounter, ExploitationType, TimelineEntry
from himaya.clocks.workflow import Stage
from himaya.people.models import Person


def next_reference(prefix: str, model: type[Any], year: int | None = None) -> str:
    """`C-2026-000123`: per-year sequence; the unique constraint settles races (callers retry)."""
    year = year or timezone.localdate().year
    stem = f"{prefix}-{year}-"
    last = model.objects.filter(reference__startswith=stem).order_by("-reference").values_list("reference", flat=True)
    number = int(last[0].rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:06d}"


def timeline_add(
    *,
    case: Case,
    actor: Any,
    kind: str,
    summary: str = "",
    from_stage: str = "",
    to_stage: str = "",
    obj: Any = None,
) -> TimelineEntry:
    """Append to a case's timeline (call inside the action's transaction)."""
    return TimelineEntry.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        summary=summary,
        from_stage=from_stage,
        to_stage=to_stage,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def case_open(
    *,
    actor: Any,
    person: Person | None,
    category: str,
    channel: str,
    occurred_at: dt.datetime,
    is_child: bool = False,
    location: str = "",
    interpreter_language: str = "",
    notes: str = "",
    industry: str = "",
    exploitation_types: Iterable[str] = (),
    safety_risk: bool = False,
    medical_urgent: bool = False,
    child_present: bool = False,
) -> Case:
    """Open a case at the identification stage with its first encounter.

    `person` may be None only for an anonymous notification; otherwise the actor must be allowed
    to see the person (policy).
    """
    if not policy.can_create(actor, Case):
        raise Http404(_("Not found."))
    if person is not None:
        policy.require(actor, policy.VIEW, person)
    if category not in Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the contact came in.")})
    types = sorted(set(exploitation_types))
    unknown = [t for t in types if t not in ExploitationType.values]
    if unknown:
        raise ValidationError(
            {"exploitation_types": _("Unknown type of exploitation: %(types)s") % {"types": ", ".join(unknown)}}
        )
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The encounter cannot be in the future.")})
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=next_reference("C", Case),
                    person=person,
                    owner_agency_id=actor.agency_id,
                    created_by=actor,
                    assigned_to=actor,
                    stage=Stage.IDENTIFICATION.value,
                    category=category,
                    is_child=is_child,
                    industry=industry,
                    safety_risk=safety_risk,
                    medical_urgent=medical_urgent,
                    child_present=child_present,
                )
                CaseExploitation.objects.bulk_create([CaseExploitation(case=case, type=t) for t in types])
                encounter = Encounter.objects.create(
                    case=case,
                    occurred_at=occurred_at,
                    channel=channel,
                    location=location,
                    interpreter_language=interpreter_language,
                    notes=notes,
                    recorded_by=actor,
                )
                timeline_add(case=case, actor=actor, kind="encounter", to_stage=case.stage, obj=encounter)
                audit_record(
                    actor=actor,
                    action="cases.case.create",
                    obj=case,
                    fields=["person", "category", "channel", "location", "notes", "exploitation_types"],
                )
            return case
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")
