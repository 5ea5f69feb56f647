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
from himaya.cases.models import (
    Case,
    CaseExploitation,
    CaseNote,
    CaseStatus,
    Category,
    Channel,
    DecidingOrg,
    Decision,
    DecisionKind,
    DecisionOutcome,
    Encounter,
    ExploitationType,
    TimelineEntry,
)
from himaya.clocks.workflow import DECISION_EVENTS, Event, Facts, Stage, TransitionRefused, apply
from himaya.clocks.workflow import Actor as WorkflowActor
from himaya.consent.sharing import embassy_share_sync
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
                embassy_share_sync(case.person_id)
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


# --- the workflow -------------------------------------------------------------------------------
def refusal_messages() -> dict[str, str]:
    """A translated message for every `TransitionRefused.code` of the workflow."""
    return {
        "transition_not_allowed": _("This step is not possible at the case's current stage."),
        "reconsideration_origin_unknown": _(
            "It is not known which decision is being reconsidered, so the reconsideration cannot be accepted."
        ),
        "only_the_competent_authority_decides": _(
            "Only the NRM coordinator (the competent authority) can make identification decisions."
        ),
        "decision_reasons_required": _("Give the reasons for the decision (at least 10 characters)."),
        "children_are_always_referred": _(
            "A child is always referred: a child's case cannot become an anonymous notification."
        ),
        "adult_consent_required": _(
            "An adult must consent to referral to services first. Record the person's consent, then try again."
        ),
        "reconsideration_only_by_first_responder_or_support_provider": _(
            "Only the first responder or a support provider working on the case can ask for reconsideration."
        ),
        "recovery_period_unknown": _(
            "The recovery and reflection period has not started, so no conclusive decision yet."
        ),
        "recovery_period_not_over": _(
            "No conclusive grounds decision before the recovery and reflection period ends (%(date)s)."
        ),
    }


def _refused(code: str, case: Case) -> ValidationError:
    message = refusal_messages().get(code, refusal_messages()["transition_not_allowed"])
    if "%(date)s" in message:
        message = message % {"date": case.recovery_ends.isoformat() if case.recovery_ends else "—"}
    return ValidationError(message, code=code)


def workflow_actor(actor: Any, case: Case, event: Event) -> WorkflowActor:
    """Which workflow actor the user acts as for this event, from their roles and the case."""
    from himaya.accounts.roles import Role
    from himaya.cases import selectors

    held: list[WorkflowActor] = []
    if actor.has_role(Role.NRM_COORDINATOR):
        held.append(WorkflowActor.COORDINATOR)
    if actor.has_role(Role.FIRST_RESPONDER):
        held.append(WorkflowActor.FIRST_RESPONDER)
    if actor.has_role(Role.SERVICE_PROVIDER, Role.CASE_WORKER) and selectors.has_open_referral_to(
        case, actor.agency_id
    ):
        held.append(WorkflowActor.SUPPORT_PROVIDER)
    if actor.has_role(Role.CASE_WORKER, Role.SUPERVISOR):
        held.append(WorkflowActor.CASE_WORKER)
    if event in DECISION_EVENTS or (event == Event.CLOSE and case.stage == Stage.RECONSIDERATION.value):
        preferred = [WorkflowActor.COORDINATOR]
    elif event == Event.REQUEST_RECONSIDERATION:
        preferred = [WorkflowActor.FIRST_RESPONDER, WorkflowActor.SUPPORT_PROVIDER]
    else:
        preferred = []
    for kind in preferred:
        if kind in held:
            return kind
    return held[0] if held else WorkflowActor.CASE_WORKER


def _facts(actor: Any, case: Case, event: Event, reasons: str, on: dt.date) -> Facts:
    from himaya.cases import selectors

    reconsidering = Stage(case.reconsidering_from) if case.reconsidering_from else None
    return Facts(
        actor=workflow_actor(actor, case, event),
        is_child=case.is_child,
        consent_to_refer=case.is_child or selectors.has_referral_consent(case),
        reasons=reasons,
        today=on,
        recovery_period_ends=case.recovery_ends,
        reconsidering=reconsidering,
    )


def _require_event_scope(actor: Any, case: Case, event: Event) -> None:
    """Policy: decisions are the coordinators'; reconsideration requests the first responder's or a
    support provider's; every other step the owning agency's case roles'."""
    from himaya.cases import selectors
    from himaya.cases.rules import DECIDE, TRANSITION

    if event in DECISION_EVENTS or (event == Event.CLOSE and case.stage == Stage.RECONSIDERATION.value):
        policy.require(actor, DECIDE, case)
    elif event == Event.REQUEST_RECONSIDERATION:
        if not selectors.may_request_reconsideration(actor=actor, case=case) and not policy.can(
            actor, TRANSITION, case
        ):
            policy.require(actor, TRANSITION, case)  # audited 404
    elif event == Event.START_CG:
        if not (policy.can(actor, DECIDE, case) or policy.can(actor, TRANSITION, case)):
            policy.require(actor, TRANSITION, case)
    else:
        policy.require(actor, TRANSITION, case)


def _apply(*, actor: Any, case: Case, event: Event, reasons: str, on: dt.date) -> tuple[str, str]:
    """Run the workflow; returns (from_stage, to_stage) or raises a translated ValidationError."""
    from_stage = case.stage
    try:
        to_stage = apply(Stage(from_stage), event, _facts(actor, case, event, reasons, on))
    except TransitionRefused as refused:
        raise _refused(refused.code, case) from None
    return from_stage, to_stage.value


def _parse_event(event: str | Event) -> Event:
    try:
        return Event(event)
    except ValueError:
        raise ValidationError({"event": _("Unknown step.")}, code="invalid") from None


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def case_transition(*, actor: Any, case: Case, event: str | Event, reasons: str = "") -> Case:
    """Move the case one step along the workflow (not a decision: see `decision_record`).

    REFER starts the reasonable-grounds clock (working days in the jurisdiction's calendar); CLOSE
    needs a reason. Refusals raise ValidationError with a translated message and change nothing.
    """
    ev = _parse_event(event)
    _require_event_scope(actor, case, ev)
    if ev in DECISION_EVENTS or (ev == Event.CLOSE and case.stage == Stage.RECONSIDERATION.value):
        raise ValidationError(_("Decisions are recorded with the decision form, with their reasons."), code="decision")
    if ev == Event.REQUEST_RECONSIDERATION:
        return reconsideration_request(actor=actor, case=case, reasons=reasons)
    reasons = (reasons or "").strip()
    if ev == Event.CLOSE and not reasons:
        raise ValidationError({"reasons": _("Give the reason for closing the case.")}, code="required")
    if len(reasons) > 200 and ev == Event.CLOSE:
        raise ValidationError({"reasons": _("Keep the reason for closing under 200 characters.")}, code="max_length")
    if ev == Event.CLOSE:
        from himaya.assistance.selectors import closure_unmet

        if unmet := closure_unmet(case):  # the closure criteria (himaya/assistance/closure.py)
            raise ValidationError(unmet, code="closure_criteria")
    from himaya.cases import selectors

    on = selectors.today()
    with transaction.atomic():
        case = _lock(case)
        from_stage, to_stage = _apply(actor=actor, case=case, event=ev, reasons=reasons, on=on)
        changed = ["stage"]
        case.stage = to_stage
        if ev == Event.REFER:
            case.referred_on = on
            case.rg_due = selectors.calendar().reasonable_grounds_due(on)
            changed += ["referred_on", "rg_due"]
        if to_stage == Stage.CLOSED.value:
            case.status = CaseStatus.CLOSED
            case.closure_reason = reasons
            case.closed_at = timezone.now()
            changed += ["status", "closure_reason", "closed_at"]
        case.save(update_fields=[*changed, "updated_at"])
        timeline_add(case=case, actor=actor, kind="stage", summary=ev.value, from_stage=from_stage, to_stage=to_stage)
        audit_record(actor=actor, action=f"cases.case.{ev.value}", obj=case, fields=changed)
    return case


def case_close(*, actor: Any, case: Case, reason: str) -> Case:
    """Close the case from a stage that allows it, with the reason recorded."""
    return case_transition(actor=actor, case=case, event=Event.CLOSE, reasons=reason)


DECISION_EVENT_FOR = {
    (DecisionKind.REASONABLE_GROUNDS, DecisionOutcome.POSITIVE): Event.RG_POSITIVE,
    (DecisionKind.REASONABLE_GROUNDS, DecisionOutcome.NEGATIVE): Event.RG_NEGATIVE,
    (DecisionKind.CONCLUSIVE_GROUNDS, DecisionOutcome.POSITIVE): Event.CG_POSITIVE,
    (DecisionKind.CONCLUSIVE_GROUNDS, DecisionOutcome.NEGATIVE): Event.CG_NEGATIVE,
    (DecisionKind.RECONSIDERATION, DecisionOutcome.POSITIVE): Event.RECONSIDERATION_ACCEPTED,
    (DecisionKind.RECONSIDERATION, DecisionOutcome.NEGATIVE): Event.CLOSE,
}


def decision_record(*, actor: Any, case: Case, kind: str, outcome: str, reasons: str, deciding_org: str) -> Decision:
    """Record an identification decision by the competent authority (NRM coordinators only).

    Positive RG starts the recovery period and the CG target; CG before the recovery period ends
    is refused; an accepted reconsideration reopens the decision it reconsidered with a new clock;
    a refused one closes the case.
    """
    from himaya.cases import selectors
    from himaya.cases.rules import DECIDE

    policy.require(actor, DECIDE, case)
    errors: dict[str, str] = {}
    if kind not in DecisionKind.values:
        errors["kind"] = _("Choose the decision.")
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if deciding_org not in DecidingOrg.values:
        errors["deciding_org"] = _("Choose the type of deciding organisation.")
    reasons = (reasons or "").strip()
    if len(reasons) < 10:
        errors["reasons"] = refusal_messages()["decision_reasons_required"]
    if errors:
        raise ValidationError(errors, code="invalid")
    event = DECISION_EVENT_FOR[(DecisionKind(kind), DecisionOutcome(outcome))]
    on = selectors.today()
    cal = selectors.calendar()
    with transaction.atomic():
        case = _lock(case)
        if kind == DecisionKind.RECONSIDERATION and case.stage != Stage.RECONSIDERATION.value:
            raise _refused("transition_not_allowed", case)
        if kind != DecisionKind.RECONSIDERATION and case.stage == Stage.RECONSIDERATION.value:
            raise _refused("transition_not_allowed", case)
        from_stage, to_stage = _apply(actor=actor, case=case, event=event, reasons=reasons, on=on)
        decision = Decision.objects.create(
            case=case,
            kind=kind,
            outcome=outcome,
            reasons=reasons,
            decided_by=actor,
            deciding_org=deciding_org,
            decided_at=timezone.now(),
        )
        changed = ["stage"]
        case.stage = to_stage
        if event == Event.RG_POSITIVE:
            case.recovery_ends = cal.recovery_period_ends(on)
            case.cg_due = cal.conclusive_grounds_due(on)
            changed += ["recovery_ends", "cg_due"]
        elif event == Event.CG_POSITIVE:
            case.move_on_ends = cal.move_on_ends(on)
            changed.append("move_on_ends")
        elif event == Event.RECONSIDERATION_ACCEPTED:
            if to_stage == Stage.RG_PENDING.value:
                case.rg_due = cal.reasonable_grounds_due(on)
                changed.append("rg_due")
            else:
                case.cg_due = cal.conclusive_grounds_due(on)
                changed.append("cg_due")
            case.reconsidering_from = ""
            changed.append("reconsidering_from")
        if to_stage == Stage.CLOSED.value:
            case.status = CaseStatus.CLOSED
            case.closure_reason = str(_("Reconsideration refused"))[:200]
            case.closed_at = timezone.now()
            case.reconsidering_from = ""
            changed += ["status", "closure_reason", "closed_at", "reconsidering_from"]
        case.save(update_fields=[*changed, "updated_at"])
        timeline_add(
            case=case,
            actor=actor,
            kind="decision",
            summary=f"{kind}:{outcome}",
            from_stage=from_stage,
            to_stage=to_stage,
            obj=decision,
        )
        audit_record(
            actor=actor,
            action=f"cases.decision.{kind}",
            obj=case,
            fields=["reasons", "outcome", "deciding_org", *changed],
            detail=f"decision:{decision.pk}:{outcome}",
        )
    return decision


def reconsideration_request(*, actor: Any, case: Case, reasons: str) -> Case:
    """Ask the competent authority to reconsider a negative decision (first responder or support provider)."""
    from himaya.cases import selectors

    _require_event_scope(actor, case, Event.REQUEST_RECONSIDERATION)
    reasons = (reasons or "").strip()
    if len(reasons) < 10:
        raise ValidationError(
            {"reasons": _("Say why the decision should be reconsidered (at least 10 characters).")}, code="required"
        )
    on = selectors.today()
    with transaction.atomic():
        case = _lock(case)
        from_stage, to_stage = _apply(
            actor=actor, case=case, event=Event.REQUEST_RECONSIDERATION, reasons=reasons, on=on
        )
        note = CaseNote.objects.create(case=case, author=actor, text=reasons)
        case.stage = to_stage
        case.reconsidering_from = from_stage
        case.save(update_fields=["stage", "reconsidering_from", "updated_at"])
        timeline_add(
            case=case,
            actor=actor,
            kind="reconsideration",
            summary=Event.REQUEST_RECONSIDERATION.value,
            from_stage=from_stage,
            to_stage=to_stage,
            obj=note,
        )
        audit_record(actor=actor, action="cases.case.request_reconsideration", obj=case, fields=["stage", "notes"])
    return case


def case_note_add(*, actor: Any, case: Case, text: str) -> CaseNote:
    """Add a note (encrypted) to a case the actor works on or decides."""
    from himaya.cases.rules import DECIDE, TRANSITION

    if not (policy.can(actor, TRANSITION, case) or policy.can(actor, DECIDE, case)):
        policy.require(actor, TRANSITION, case)  # audited 404
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")}, code="required")
    if len(text) > 5000:
        raise ValidationError({"text": _("Keep the note under 5000 characters.")}, code="max_length")
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=actor, text=text)
        timeline_add(case=case, actor=actor, kind="note", obj=note)
        audit_record(actor=actor, action="cases.note.create", obj=case, fields=["notes"])
    return note


def case_assign(*, actor: Any, case: Case, assignee: Any) -> Case:
    """Assign the case to a colleague of the owning agency who holds a case role."""
    from himaya.cases.rules import CASE_ROLES, TRANSITION

    policy.require(actor, TRANSITION, case)
    if assignee is not None and (
        not assignee.is_active or assignee.agency_id != case.owner_agency_id or not assignee.has_role(*CASE_ROLES)
    ):
        raise ValidationError(
            {"assigned_to": _("Choose an active colleague of the owning agency who works on cases.")}, code="invalid"
        )
    with transaction.atomic():
        case = _lock(case)
        case.assigned_to = assignee
        case.save(update_fields=["assigned_to", "updated_at"])
        timeline_add(case=case, actor=actor, kind="assign", summary="assigned" if assignee else "unassigned")
        audit_record(actor=actor, action="cases.case.assign", obj=case, fields=["assigned_to"])
    return case
