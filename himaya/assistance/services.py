"""Writes for care, legal assistance and the way out.

Each is one transaction: policy first, validation, the write, its audit event and a case timeline
entry. Actions delivered by another agency go through `himaya.referrals.services.referral_send`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.agencies.models import Agency, AgencyService, AgencyType, ServiceType
from himaya.assistance import closure, needs
from himaya.assistance.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ActionType,
    CareAction,
    CareGoal,
    ClaimKind,
    ClaimStatus,
    Compensation,
    CourtAppointment,
    ExitPlan,
    FollowUp,
    FollowUpOutcome,
    LabourClaim,
    LegalCounselling,
    LegalDocument,
    NeedRating,
    NeedsAssessment,
    Occasion,
    Pathway,
    ServiceDelivery,
)
from himaya.assistance.rules import CARE_ROLES
from himaya.audit.services import audit_record
from himaya.cases.models import Case, InvolvedParty, PartyRole
from himaya.cases.services import timeline_add
from himaya.referrals.models import Referral, Urgency

ISO_639 = re.compile(r"^[a-z]{2,3}$")
ISO_4217 = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal("999999999.999")

# The referral service an action type asks for when another agency delivers it.
SERVICE_FOR_ACTION = {
    ActionType.HEALTH: ServiceType.MEDICAL,
    ActionType.MEDICAL: ServiceType.MEDICAL,
    ActionType.PSYCHOSOCIAL: ServiceType.PSYCHOSOCIAL,
    ActionType.REHABILITATION: ServiceType.PSYCHOSOCIAL,
    ActionType.LEGAL: ServiceType.LEGAL_AID,
    ActionType.INTERPRETATION: ServiceType.INTERPRETATION,
    ActionType.LIVELIHOOD: ServiceType.EMPLOYMENT_TRANSFER,
}

# Allowed status changes of a care action.
ACTION_MOVES = {
    ActionStatus.PLANNED: (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED),
    ActionStatus.IN_PROGRESS: (ActionStatus.DONE, ActionStatus.CANCELLED),
}


def _today() -> dt.date:
    from himaya.cases import selectors as case_selectors

    return case_selectors.today()


def _require_care(actor: Any, case: Case) -> None:
    """Care work on a case: the owning agency's case roles and service providers (else audited 404)."""
    if not (policy.is_active_actor(actor) and actor.has_role(*CARE_ROLES) and actor.agency_id == case.owner_agency_id):
        policy.require(actor, policy.CHANGE, case)  # an audited 404 for everyone else
        raise Http404(_("Not found."))
    if case.stage == "closed":
        raise ValidationError(_("This case is closed; its care record can no longer change."), code="closed")


def _text(value: str | None, *, field: str, limit: int, required: bool = False, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")}, code="required")
    if len(value) > limit:
        raise ValidationError({field: _("Keep this under %(limit)d characters.") % {"limit": limit}}, code="max_length")
    return value


def _language(value: str, field: str = "language") -> str:
    value = (value or "").strip().lower()
    if not ISO_639.match(value):
        raise ValidationError({field: _("Give the language as an ISO 639 code (e.g. ar, en, tl).")}, code="invalid")
    return value


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > _today():
        raise ValidationError({field: _("This date cannot be in the future.")}, code="future")


# --- Needs assessment -------------------------------------------------------------------------
def needs_assessment_record(
    *,
    actor: Any,
    case: Case,
    occasion: str,
    assessed_on: dt.date,
    ratings: Mapping[str, tuple[int, str]],
) -> NeedsAssessment:
    """Record a needs assessment: every domain gets a level (0–4) and an optional encrypted note.

    The owning agency's care staff, or the staff of an agency holding an open referral on the case
    (a shelter assessing on admission), who then see the assessments their agency recorded.
    """
    from himaya.assistance.rules import DELIVERY_ROLES
    from himaya.cases import selectors as case_selectors

    support = (
        policy.is_active_actor(actor)
        and actor.has_role(*DELIVERY_ROLES)
        and actor.agency_id != case.owner_agency_id
        and case_selectors.has_open_referral_to(case, actor.agency_id)
    )
    if not support:
        _require_care(actor, case)
    errors: dict[str, str] = {}
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose the occasion of the assessment.")
    if assessed_on > _today():
        errors["assessed_on"] = _("This date cannot be in the future.")
    unknown = sorted(set(ratings) - set(needs.DOMAINS))
    if unknown:
        errors["ratings"] = _("Unknown need: %(domains)s") % {"domains": ", ".join(unknown)}
    for domain in needs.DOMAINS:
        level, note = ratings.get(domain, (None, ""))
        if level not in needs.LEVELS:
            errors[f"level_{domain}"] = _("Rate this need.")
        if len((note or "").strip()) > 2000:
            errors[f"note_{domain}"] = _("Keep this under %(limit)d characters.") % {"limit": 2000}
    if errors:
        raise ValidationError(errors, code="invalid")
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(
            case=case, occasion=occasion, assessed_on=assessed_on, assessed_by=actor, agency_id=actor.agency_id
        )
        NeedRating.objects.bulk_create(
            [
                NeedRating(
                    assessment=assessment,
                    domain=domain,
                    level=ratings[domain][0],
                    note=(ratings[domain][1] or "").strip(),
                )
                for domain in needs.DOMAINS
            ]
        )
        timeline_add(case=case, actor=actor, kind="needs", summary=occasion, obj=assessment)
        audit_record(actor=actor, action="assistance.needsassessment.create", obj=assessment, fields=["ratings"])
    return assessment


# --- Care plan --------------------------------------------------------------------------------
def care_goal_add(*, actor: Any, case: Case, description: str) -> CareGoal:
    """Add a goal to the case's care plan."""
    _require_care(actor, case)
    description = _text(description, field="description", limit=1000, required=True, message=_("Describe the goal."))
    with transaction.atomic():
        goal = CareGoal.objects.create(case=case, description=description, created_by=actor)
        timeline_add(case=case, actor=actor, kind="care_plan", summary="goal", obj=goal)
        audit_record(actor=actor, action="assistance.caregoal.create", obj=goal, fields=["description"])
    return goal


def care_action_add(
    *,
    actor: Any,
    goal: CareGoal,
    type: str,
    responsible_agency: Agency,
    due_on: dt.date,
    description: str = "",
    service_type: str = "",
    urgency: str = Urgency.NORMAL,
) -> CareAction:
    """Add an action to a goal. When another agency is responsible, the action is delivered through a
    referral to that agency (sent here, with the referral's own consent and service checks)."""
    case = goal.case
    _require_care(actor, case)
    errors: dict[str, str] = {}
    if type not in ActionType.values:
        errors["type"] = _("Choose the type of action.")
    if due_on < _today():
        errors["due_on"] = _("The due date cannot be in the past.")
    if errors:
        raise ValidationError(errors, code="invalid")
    description = _text(description, field="description", limit=2000)
    external = responsible_agency.pk != case.owner_agency_id
    with transaction.atomic():
        referral = None
        if external:
            service = service_type or SERVICE_FOR_ACTION.get(ActionType(type), ServiceType.OTHER)
            from himaya.referrals.services import referral_send

            referral = referral_send(
                actor=actor,
                case=case,
                to_agency=responsible_agency,
                service_type=service,
                urgency=urgency,
                reason=description,
            )
        action = CareAction.objects.create(
            case=case,
            goal=goal,
            type=type,
            description=description,
            responsible_agency=responsible_agency,
            referral=referral,
            due_on=due_on,
            created_by=actor,
        )
        timeline_add(case=case, actor=actor, kind="care_plan", summary=f"action:{type}", obj=action)
        audit_record(
            actor=actor,
            action="assistance.careaction.create",
            obj=action,
            fields=["description", "responsible_agency", "due_on"],
            detail=f"referral:{referral.reference}" if referral else "",
        )
    return action


def care_action_set_status(*, actor: Any, action: CareAction, status: str) -> CareAction:
    """Move an action on (planned → in progress → done, or cancelled); the owning or responsible agency."""
    policy.require(actor, policy.CHANGE, action)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")}, code="invalid")
    with transaction.atomic():
        locked = CareAction.objects.select_for_update().get(pk=action.pk)
        if status not in ACTION_MOVES.get(ActionStatus(locked.status), ()):
            raise ValidationError(
                _("This action is “%(status)s”; it cannot be changed that way now.")
                % {"status": locked.get_status_display()},
                code="invalid_move",
            )
        before = locked.status
        locked.status = status
        locked.completed_at = timezone.now() if status not in OPEN_ACTION_STATUSES else None
        locked.save(update_fields=["status", "completed_at"])
        timeline_add(case=locked.case, actor=actor, kind="care_plan", summary=f"status:{status}", obj=locked)
        audit_record(
            actor=actor,
            action="assistance.careaction.update",
            obj=locked,
            fields=["status"],
            detail=f"{before}->{status}",
        )
    return locked


def service_log(
    *,
    actor: Any,
    action: CareAction,
    delivered_at: dt.datetime,
    duration_minutes: int,
    language: str,
    outcome: str,
    interpreter_used: bool = False,
) -> ServiceDelivery:
    """Log a service delivered under a care action (by the owning or the responsible agency)."""
    policy.require(actor, policy.CHANGE, action)
    errors: dict[str, str] = {}
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = _("Give the duration in minutes (1 to 1440).")
    if delivered_at > timezone.now() + dt.timedelta(minutes=5):
        errors["delivered_at"] = _("A service cannot be logged before it happens.")
    if errors:
        raise ValidationError(errors, code="invalid")
    language = _language(language)
    outcome = _text(outcome, field="outcome", limit=3000, required=True, message=_("Describe the outcome."))
    with transaction.atomic():
        locked = CareAction.objects.select_for_update().select_related("case").get(pk=action.pk)
        if not locked.is_open:
            raise ValidationError(
                _("This action is “%(status)s”; services can only be logged on open actions.")
                % {"status": locked.get_status_display()},
                code="closed",
            )
        delivery = ServiceDelivery.objects.create(
            case=locked.case,
            action=locked,
            type=locked.type,
            agency_id=actor.agency_id,
            delivered_by=actor,
            delivered_at=delivered_at,
            duration_minutes=duration_minutes,
            language=language,
            interpreter_used=interpreter_used,
            outcome=outcome,
        )
        if locked.status == ActionStatus.PLANNED:
            locked.status = ActionStatus.IN_PROGRESS
            locked.save(update_fields=["status"])
        timeline_add(case=locked.case, actor=actor, kind="service", summary=locked.type, obj=delivery)
        audit_record(actor=actor, action="assistance.servicedelivery.create", obj=delivery, fields=["outcome"])
    return delivery


# --- Legal assistance -------------------------------------------------------------------------
def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give the amount as a number.")}, code="invalid") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationError({field: _("Give an amount greater than zero.")}, code="invalid")
    if amount.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValidationError({field: _("Use at most three decimal places.")}, code="invalid")
    return amount


def _currency(value: str) -> str:
    value = (value or "").strip().upper()
    if not ISO_4217.match(value):
        raise ValidationError({"currency": _("Give the currency as an ISO 4217 code (e.g. BHD, INR).")}, code="invalid")
    return value


def legal_counselling_record(
    *, actor: Any, case: Case, held_on: dt.date, language: str, summary: str, interpreter_used: bool = False
) -> LegalCounselling:
    """Record a legal counselling session with the person."""
    _require_care(actor, case)
    _not_future(held_on, "held_on")
    language = _language(language)
    summary = _text(summary, field="summary", limit=3000, required=True, message=_("Summarise the advice given."))
    with transaction.atomic():
        session = LegalCounselling.objects.create(
            case=case,
            held_on=held_on,
            counsellor=actor,
            agency_id=actor.agency_id,
            language=language,
            interpreter_used=interpreter_used,
            summary=summary,
        )
        timeline_add(case=case, actor=actor, kind="legal", summary="counselling", obj=session)
        audit_record(actor=actor, action="assistance.legalcounselling.create", obj=session, fields=["summary"])
    return session


CLAIM_PARTY_ROLES = (PartyRole.EMPLOYER, PartyRole.RECRUITER, PartyRole.BROKER)


def labour_claim_add(
    *,
    actor: Any,
    case: Case,
    party: InvolvedParty,
    kind: str,
    amount: Any,
    currency: str,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    notes: str = "",
) -> LabourClaim:
    """A claim against the employer or recruiter recorded at intake (a party of this case)."""
    _require_care(actor, case)
    if party.case_id != case.pk or party.role not in CLAIM_PARTY_ROLES:
        raise ValidationError({"party": _("Choose the employer or recruiter recorded on this case.")}, code="invalid")
    if kind not in ClaimKind.values:
        raise ValidationError({"kind": _("Choose the kind of claim.")}, code="invalid")
    value = _amount(amount, "amount")
    code = _currency(currency)
    if period_from and period_to and period_from > period_to:
        raise ValidationError({"period_to": _("The period ends before it starts.")}, code="invalid")
    notes = _text(notes, field="notes", limit=3000)
    with transaction.atomic():
        claim = LabourClaim.objects.create(
            case=case,
            party=party,
            kind=kind,
            amount=value,
            currency=code,
            period_from=period_from,
            period_to=period_to,
            notes=notes,
            created_by=actor,
        )
        timeline_add(case=case, actor=actor, kind="legal", summary=f"claim:{kind}", obj=claim)
        audit_record(actor=actor, action="assistance.labourclaim.create", obj=claim, fields=["party", "notes"])
    return claim


CLAIM_MOVES = {
    ClaimStatus.PREPARED: (ClaimStatus.FILED, ClaimStatus.WITHDRAWN),
    ClaimStatus.FILED: (ClaimStatus.SETTLED, ClaimStatus.AWARDED, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN),
}


def labour_claim_set_status(*, actor: Any, claim: LabourClaim, status: str, on: dt.date | None = None) -> LabourClaim:
    """File a claim, or record how it ended."""
    policy.require(actor, policy.CHANGE, claim)
    if status not in ClaimStatus.values:
        raise ValidationError({"status": _("Choose a status.")}, code="invalid")
    on = on or _today()
    _not_future(on, "on")
    with transaction.atomic():
        locked = LabourClaim.objects.select_for_update().select_related("case").get(pk=claim.pk)
        if status not in CLAIM_MOVES.get(ClaimStatus(locked.status), ()):
            raise ValidationError(
                _("This claim is “%(status)s”; it cannot be changed that way now.")
                % {"status": locked.get_status_display()},
                code="invalid_move",
            )
        before = locked.status
        locked.status = status
        fields = ["status"]
        if status == ClaimStatus.FILED:
            locked.filed_on = on
            fields.append("filed_on")
        locked.save(update_fields=fields)
        timeline_add(case=locked.case, actor=actor, kind="legal", summary=f"claim:{status}", obj=locked)
        audit_record(
            actor=actor, action="assistance.labourclaim.update", obj=locked, fields=fields, detail=f"{before}->{status}"
        )
    return locked


def court_appointment_add(
    *,
    actor: Any,
    case: Case,
    at: dt.datetime,
    court: str,
    purpose: str = "",
    claim: LabourClaim | None = None,
    escort: bool = False,
    interpreter_language: str = "",
) -> CourtAppointment:
    """Schedule court support (escort, interpreter) for a hearing."""
    _require_care(actor, case)
    if claim is not None and claim.case_id != case.pk:
        raise ValidationError({"claim": _("Choose a claim of this case.")}, code="invalid")
    court = _text(court, field="court", limit=200, required=True, message=_("Name the court."))
    purpose = _text(purpose, field="purpose", limit=1000)
    language = _language(interpreter_language, "interpreter_language") if interpreter_language else ""
    with transaction.atomic():
        appointment = CourtAppointment.objects.create(
            case=case,
            claim=claim,
            at=at,
            court=court,
            purpose=purpose,
            escort=escort,
            interpreter_language=language,
            created_by=actor,
        )
        timeline_add(case=case, actor=actor, kind="legal", summary="court", obj=appointment)
        audit_record(actor=actor, action="assistance.courtappointment.create", obj=appointment, fields=["purpose"])
    return appointment


def compensation_record(
    *,
    actor: Any,
    case: Case,
    awarded_amount: Any,
    currency: str,
    awarded_on: dt.date,
    paid_amount: Any = "0",
    paid_on: dt.date | None = None,
    claim: LabourClaim | None = None,
) -> Compensation:
    """Compensation awarded (and what of it has been paid)."""
    _require_care(actor, case)
    if claim is not None and claim.case_id != case.pk:
        raise ValidationError({"claim": _("Choose a claim of this case.")}, code="invalid")
    awarded = _amount(awarded_amount, "awarded_amount")
    code = _currency(currency)
    paid = Decimal("0") if paid_amount in (None, "", 0, "0") else _amount(paid_amount, "paid_amount")
    if paid > awarded:
        raise ValidationError({"paid_amount": _("More cannot be paid than was awarded.")}, code="invalid")
    if claim is not None and claim.currency != code:
        raise ValidationError({"currency": _("Use the claim's currency (%(code)s).") % {"code": claim.currency}})
    _not_future(awarded_on, "awarded_on")
    _not_future(paid_on, "paid_on")
    if paid and paid_on is None:
        raise ValidationError({"paid_on": _("Give the date of payment.")}, code="required")
    with transaction.atomic():
        award = Compensation.objects.create(
            case=case,
            claim=claim,
            awarded_amount=awarded,
            currency=code,
            awarded_on=awarded_on,
            paid_amount=paid,
            paid_on=paid_on,
            created_by=actor,
        )
        timeline_add(case=case, actor=actor, kind="legal", summary="compensation", obj=award)
        audit_record(actor=actor, action="assistance.compensation.create", obj=award, fields=["awarded_amount"])
    return award


def court_appointment_update(
    *, actor: Any, appointment: CourtAppointment, status: str, outcome: str = "", at: dt.datetime | None = None
) -> CourtAppointment:
    """Record what became of a court support appointment: held (with the hearing's outcome),
    postponed (to a new time) or cancelled."""
    from himaya.assistance.models import HearingStatus

    policy.require(actor, policy.CHANGE, appointment)
    _require_care(actor, appointment.case)
    if status not in HearingStatus.values:
        raise ValidationError({"status": _("Choose what became of the appointment.")}, code="invalid")
    outcome = _text(outcome, field="outcome", limit=2000)
    if status == HearingStatus.HELD and not outcome:
        raise ValidationError({"outcome": _("Say what the outcome of the hearing was.")}, code="required")
    if status == HearingStatus.HELD and appointment.at > timezone.now():
        raise ValidationError({"status": _("A hearing that has not yet taken place cannot be held.")}, code="invalid")
    if status == HearingStatus.POSTPONED and (at is None or at <= appointment.at):
        raise ValidationError({"at": _("Give the new date and time, after the one planned.")}, code="required")
    with transaction.atomic():
        locked = CourtAppointment.objects.select_for_update().select_related("case").get(pk=appointment.pk)
        changed = ["status", "outcome"]
        locked.status = status
        locked.outcome = outcome
        if status == HearingStatus.POSTPONED and at is not None:
            locked.at = at
            changed.append("at")
        locked.save(update_fields=changed)
        timeline_add(case=locked.case, actor=actor, kind="legal", summary="court_outcome", obj=locked)
        audit_record(
            actor=actor, action="assistance.courtappointment.update", obj=locked, fields=changed, detail=status
        )
    return locked


def compensation_update(*, actor: Any, award: Compensation, paid_amount: Any, paid_on: dt.date | None) -> Compensation:
    """Record what has been paid of a compensation award so far (in the award's currency)."""
    policy.require(actor, policy.CHANGE, award)
    _require_care(actor, award.case)
    paid = Decimal("0") if paid_amount in (None, "", 0, "0") else _amount(paid_amount, "paid_amount")
    if paid > award.awarded_amount:
        raise ValidationError({"paid_amount": _("More cannot be paid than was awarded.")}, code="invalid")
    if paid and paid_on is None:
        raise ValidationError({"paid_on": _("Give the date of payment.")}, code="required")
    _not_future(paid_on, "paid_on")
    if paid_on is not None and paid_on < award.awarded_on:
        raise ValidationError({"paid_on": _("A payment comes after the award.")}, code="invalid")
    with transaction.atomic():
        locked = Compensation.objects.select_for_update().select_related("case").get(pk=award.pk)
        locked.paid_amount = paid
        locked.paid_on = paid_on if paid else None
        locked.save(update_fields=["paid_amount", "paid_on"])
        timeline_add(case=locked.case, actor=actor, kind="legal", summary="compensation_update", obj=locked)
        audit_record(
            actor=actor,
            action="assistance.compensation.update",
            obj=locked,
            fields=["paid_amount", "paid_on"],
            detail="paid" if locked.is_paid else "part_paid" if paid else "unpaid",
        )
    return locked


def legal_document_attach(*, actor: Any, claim: LabourClaim, attachment: Any) -> LegalDocument:
    """File one of the case's encrypted attachments (himaya.intake) with a claim."""
    policy.require(actor, policy.CHANGE, claim)
    if attachment.case_id != claim.case_id:
        raise ValidationError({"attachment": _("Choose a document attached to this case.")}, code="invalid")
    with transaction.atomic():
        document, created = LegalDocument.objects.get_or_create(claim=claim, attachment=attachment)
        if created:
            audit_record(
                actor=actor, action="assistance.legaldocument.create", obj=claim, detail=f"attachment:{attachment.pk}"
            )
    return document


# --- The way out ------------------------------------------------------------------------------
EXIT_FIELDS = (
    "exit_clearance_on",
    "ticket_booked_on",
    "escort_arranged",
    "reception_organisation",
    "reintegration_plan",
    "work_permit_transferred_on",
    "new_employer",
    "integration_plan",
    "exited_on",
)
DATE_FIELDS = ("exit_clearance_on", "ticket_booked_on", "work_permit_transferred_on", "exited_on")


def exit_plan_save(*, actor: Any, case: Case, pathway: str, **values: Any) -> ExitPlan:
    """Create or update the case's exit plan. Recording the date of exit schedules the follow-up
    contacts (HIMAYA_FOLLOW_UP_MONTHS: 1, 3 and 6 months after by default); moving that date moves
    the ones not yet done."""
    _require_care(actor, case)
    if pathway not in Pathway.values:
        raise ValidationError({"pathway": _("Choose the way out.")}, code="invalid")
    unknown = set(values) - set(EXIT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name in DATE_FIELDS:
        if name in values:
            _not_future(values[name], name)
    limits = {"reception_organisation": 200, "reintegration_plan": 4000, "new_employer": 200, "integration_plan": 4000}
    for name, limit in limits.items():
        if name in values:
            values[name] = _text(values[name], field=name, limit=limit)
    if pathway == Pathway.EMPLOYER_TRANSFER and values.get("exited_on") and not values.get("new_employer"):
        existing = ExitPlan.objects.filter(case=case).values_list("new_employer", flat=True).first()
        if not existing:
            raise ValidationError({"new_employer": _("Name the new employer.")}, code="required")
    with transaction.atomic():
        plan, created = ExitPlan.objects.select_for_update().get_or_create(
            case=case, defaults={"pathway": pathway, "created_by": actor}
        )
        plan.pathway = pathway
        for name, value in values.items():
            setattr(plan, name, value if value is not None or name in DATE_FIELDS else "")
        plan.save()
        # Also on a later save: a schedule changed since (HIMAYA_FOLLOW_UP_MONTHS) gets its new contacts.
        if plan.exited_on is not None:
            _schedule_follow_ups(case, plan.exited_on)
        timeline_add(case=case, actor=actor, kind="exit", summary=pathway, obj=plan)
        audit_record(
            actor=actor,
            action="assistance.exitplan.create" if created else "assistance.exitplan.update",
            obj=plan,
            fields=["pathway", *sorted(values)],
        )
    return plan


def _schedule_follow_ups(case: Case, exited_on: dt.date) -> None:
    done = set(FollowUp.objects.filter(case=case, done_on__isnull=False).values_list("months_after_exit", flat=True))
    from himaya.assistance.selectors import follow_up_months

    for months, due in closure.follow_up_dates(exited_on, follow_up_months()):
        if months in done:
            continue
        FollowUp.objects.update_or_create(case=case, months_after_exit=months, defaults={"due_on": due})


def embassy_for(case: Case) -> Agency | None:
    """The active embassy of the person's country that issues travel documents."""
    if case.person is None or not case.person.nationality:
        return None
    offering = AgencyService.objects.filter(service_type=ServiceType.TRAVEL_DOCUMENTS, is_active=True).values(
        "agency_id"
    )
    return (
        Agency.objects.filter(type=AgencyType.EMBASSY, country=case.person.nationality, is_active=True, pk__in=offering)
        .order_by("pk")
        .first()
    )


def travel_document_request(*, actor: Any, case: Case, urgency: str = Urgency.HIGH, note: str = "") -> ExitPlan:
    """Ask the person's embassy for a travel document, through a referral (service travel_documents;
    the referral checks the embassy-sharing consent). The case's exit plan becomes a voluntary return."""
    _require_care(actor, case)
    embassy = embassy_for(case)
    if embassy is None:
        raise ValidationError(
            _("No embassy of the person's country issues travel documents in the directory."), code="no_embassy"
        )
    plan = ExitPlan.objects.filter(case=case).first()
    if plan is not None and plan.travel_document_referral_id is not None:
        current = Referral.objects.get(pk=plan.travel_document_referral_id)
        if current.is_open or current.state == "completed":
            raise ValidationError(
                _("A travel document was already requested (%(reference)s).") % {"reference": current.reference},
                code="duplicate",
            )
    from himaya.referrals.services import referral_send

    with transaction.atomic():
        referral = referral_send(
            actor=actor,
            case=case,
            to_agency=embassy,
            service_type=ServiceType.TRAVEL_DOCUMENTS,
            urgency=urgency,
            reason=_text(note, field="note", limit=3000),
        )
        plan, created = ExitPlan.objects.select_for_update().get_or_create(
            case=case, defaults={"pathway": Pathway.VOLUNTARY_RETURN, "created_by": actor}
        )
        plan.pathway = Pathway.VOLUNTARY_RETURN
        plan.travel_document_referral = referral
        plan.save(update_fields=["pathway", "travel_document_referral", "updated_at"])
        audit_record(
            actor=actor,
            action="assistance.exitplan.create" if created else "assistance.exitplan.update",
            obj=plan,
            fields=["pathway", "travel_document_referral"],
            detail=f"referral:{referral.reference}",
        )
    return plan


def follow_up_record(*, actor: Any, follow_up: FollowUp, done_on: dt.date, outcome: str, note: str = "") -> FollowUp:
    """Record a follow-up contact after exit."""
    policy.require(actor, policy.CHANGE, follow_up)
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the contact.")}, code="invalid")
    _not_future(done_on, "done_on")
    note = _text(note, field="note", limit=2000)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
        plan = ExitPlan.objects.filter(case_id=locked.case_id).first()
        if plan is not None and plan.exited_on and done_on < plan.exited_on:
            raise ValidationError({"done_on": _("A follow-up contact comes after the exit.")}, code="invalid")
        locked.done_on = done_on
        locked.outcome = outcome
        locked.note = note
        locked.contacted_by = actor
        locked.save(update_fields=["done_on", "outcome", "note", "contacted_by"])
        timeline_add(case=locked.case, actor=actor, kind="follow_up", summary=outcome, obj=locked)
        audit_record(actor=actor, action="assistance.followup.update", obj=locked, fields=["outcome", "note"])
    return locked
