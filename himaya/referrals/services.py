"""Writes to referrals: send, answer, work, close, cancel, escalate.

Each is one transaction with its audit event, a ReferralEvent, a case timeline entry and the
notifications. The loop closes back to the sender: the referring side is notified of every change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, AgencyService, AgencyType, ServiceType
from himaya.audit.services import audit_record
from himaya.cases.models import Case
from himaya.cases.services import next_reference, timeline_add
from himaya.consent.models import Purpose
from himaya.consent.selectors import consent_active
from himaya.notifications.services import notify
from himaya.referrals import sla
from himaya.referrals.models import OPEN_STATES, Referral, ReferralEvent, ReferralState, Urgency
from himaya.referrals.rules import REFERRAL_ROLES

SENDER_ROLES = (Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR)
RECEIVER_ROLES = tuple(REFERRAL_ROLES)
ESCALATION_ROLES = (Role.SUPERVISOR, Role.AGENCY_ADMIN)
LAW_ENFORCEMENT_TYPES = (AgencyType.POLICE, AgencyType.PROSECUTION)

# action -> (states it may start from, state it leads to, who may do it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "accept": ((ReferralState.SENT,), ReferralState.ACCEPTED, "receiver"),
    "decline": ((ReferralState.SENT,), ReferralState.DECLINED, "receiver"),
    "start": ((ReferralState.ACCEPTED,), ReferralState.IN_PROGRESS, "receiver"),
    "complete": ((ReferralState.IN_PROGRESS,), ReferralState.COMPLETED, "receiver"),
    "cancel": (tuple(OPEN_STATES), ReferralState.CANCELLED, "sender"),
}


def consent_purpose(*, to_agency: Agency, service_type: str) -> str:
    """The consent purpose a referral needs: law enforcement, embassy, or services."""
    if to_agency.type in LAW_ENFORCEMENT_TYPES or service_type == ServiceType.INVESTIGATION:
        return Purpose.SHARE_LAW_ENFORCEMENT
    if to_agency.type == AgencyType.EMBASSY:
        return Purpose.SHARE_EMBASSY
    return Purpose.REFERRAL_TO_SERVICES


def staff_of(agency_id: int, roles: Iterable[Role]) -> list[User]:
    """Active (human) staff of an agency holding any of `roles`."""
    return list(
        User.objects.filter(
            agency_id=agency_id, is_active=True, is_integration=False, roles__role__in=[r.value for r in roles]
        ).distinct()
    )


def _sender_side(referral: Referral) -> list[Any]:
    people: list[Any] = [referral.sent_by]
    assigned = referral.case.assigned_to
    if assigned is not None and assigned.agency_id == referral.from_agency_id:
        people.append(assigned)
    return people


def _params(referral: Referral) -> dict[str, str]:
    return {
        "reference": referral.reference,
        "case": referral.case.reference,
        "due": timezone.localtime(referral.answer_due_at).strftime("%Y-%m-%d %H:%M"),
    }


def _url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def _event(referral: Referral, actor: Any, from_state: str, at: dt.datetime) -> None:
    ReferralEvent.objects.create(referral=referral, at=at, actor=actor, from_state=from_state, to_state=referral.state)


def referral_send(
    *, actor: Any, case: Case, to_agency: Agency, service_type: str, urgency: str, reason: str
) -> Referral:
    """Refer a case to another agency for a service it offers (consent checked for adults)."""
    policy.require(actor, policy.CHANGE, case)
    if not actor.has_role(*SENDER_ROLES):
        raise ValidationError(_("Your role cannot send referrals."))
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose an urgency.")})
    if service_type not in ServiceType.values:
        raise ValidationError({"service_type": _("Choose a service.")})
    if not to_agency.is_active:
        raise ValidationError({"to_agency": _("This agency no longer takes part in the NRM.")})
    if to_agency.pk == case.owner_agency_id or to_agency.pk == actor.agency_id:
        raise ValidationError({"to_agency": _("Refer to another agency, not your own.")})
    reason = (reason or "").strip()
    if len(reason) > 3000:
        raise ValidationError({"reason": _("Keep the reason under 3000 characters.")})
    if case.person_id is None:
        raise ValidationError(
            _("An anonymous notification has no person to refer. Pass it to the police as an anonymous notification.")
        )
    if not AgencyService.objects.filter(agency=to_agency, service_type=service_type, is_active=True).exists():
        raise ValidationError({"to_agency": _("This agency does not offer that service.")})
    if not case.is_child:
        purpose = consent_purpose(to_agency=to_agency, service_type=service_type)
        if not consent_active(person=case.person, purpose=purpose, recipient_agency=to_agency):
            raise ValidationError(
                _("No consent recorded for “%(purpose)s” with %(agency)s. Record the person’s consent first.")
                % {"purpose": Purpose(purpose).label, "agency": to_agency.name}
            )
    now = timezone.now()
    due = sla.answer_due(
        sent_at=now,
        service_type=service_type,
        urgency=urgency,
        calendar=_calendar(),
        tz=settings.TIME_ZONE,
    )
    for attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    reference=next_reference("R", Referral),
                    case=case,
                    from_agency_id=actor.agency_id,
                    to_agency=to_agency,
                    service_type=service_type,
                    urgency=urgency,
                    state=ReferralState.SENT,
                    reason=reason,
                    sent_by=actor,
                    sent_at=now,
                    answer_due_at=due,
                )
                _event(referral, actor, "", now)
                timeline_add(
                    case=case, actor=actor, kind="referral", summary=f"{referral.reference}:sent", obj=referral
                )
                audit_record(actor=actor, action="referrals.referral.send", obj=referral, fields=["reason"])
                notify(
                    recipients=staff_of(to_agency.pk, RECEIVER_ROLES),
                    verb="referral.sent",
                    params=_params(referral),
                    url=_url(referral),
                )
            return referral
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _calendar() -> Any:
    from himaya.clocks.business_calendar import load_calendar

    return load_calendar(getattr(settings, "HIMAYA_JURISDICTION", "BH"))


def _side_allowed(actor: Any, referral: Referral, side: str) -> bool:
    if side == "receiver":
        return actor.agency_id == referral.to_agency_id and actor.has_role(*RECEIVER_ROLES)
    return actor.agency_id == referral.from_agency_id and actor.has_role(*SENDER_ROLES)


def allowed_actions(*, actor: Any, referral: Referral) -> list[str]:
    """The actions this actor may take on this referral now (for buttons)."""
    return [
        name
        for name, (sources, _target, side) in TRANSITIONS.items()
        if referral.state in sources and _side_allowed(actor, referral, side)
    ]


def _transition(*, actor: Any, referral: Referral, action: str, text: str = "", text_field: str = "") -> Referral:
    policy.require(actor, policy.CHANGE, referral)
    sources, target, side = TRANSITIONS[action]
    if not _side_allowed(actor, referral, side):
        if side == "receiver":
            raise ValidationError(_("Only the receiving agency can do this."))
        raise ValidationError(_("Only the referring agency can cancel a referral."))
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("case", "sent_by").get(pk=referral.pk)
        if locked.state not in sources:
            raise ValidationError(
                _("This referral is “%(state)s”; it cannot be changed that way now.")
                % {"state": locked.get_state_display()}
            )
        now = timezone.now()
        from_state = locked.state
        locked.state = target
        fields = ["state"]
        if text_field:
            setattr(locked, text_field, text)
            fields.append(text_field)
        if action in ("accept", "decline"):
            locked.answered_at = now
            fields.append("answered_at")
        if action == "accept":
            locked.handled_by = actor
            fields.append("handled_by")
        if target not in OPEN_STATES:
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        _event(locked, actor, from_state, now)
        timeline_add(case=locked.case, actor=actor, kind="referral", summary=f"{locked.reference}:{target}", obj=locked)
        audit_record(
            actor=actor,
            action=f"referrals.referral.{action}",
            obj=locked,
            fields=[text_field] if text_field else [],
            detail=f"{from_state}->{target}",
        )
        recipients = staff_of(locked.to_agency_id, RECEIVER_ROLES) if action == "cancel" else _sender_side(locked)
        notify(recipients=recipients, verb=f"referral.{target}", params=_params(locked), url=_url(locked))
    return locked


def referral_accept(*, actor: Any, referral: Referral) -> Referral:
    return _transition(actor=actor, referral=referral, action="accept")


def referral_decline(*, actor: Any, referral: Referral, reason: str) -> Referral:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline, so the referring agency can look elsewhere.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    return _transition(actor=actor, referral=referral, action="decline", text=reason, text_field="decline_reason")


def referral_start(*, actor: Any, referral: Referral) -> Referral:
    return _transition(actor=actor, referral=referral, action="start")


def referral_complete(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Describe the outcome before completing the referral.")})
    if len(outcome) > 3000:
        raise ValidationError({"outcome": _("Keep the outcome under 3000 characters.")})
    return _transition(actor=actor, referral=referral, action="complete", text=outcome, text_field="outcome")


def referral_cancel(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    # The cancellation reason is kept in the decline-reason slot: one free-text "why it stopped".
    return _transition(
        actor=actor, referral=referral, action="cancel", text=reason, text_field="decline_reason" if reason else ""
    )


ACTIONS = {
    "accept": lambda actor, referral, text: referral_accept(actor=actor, referral=referral),
    "decline": lambda actor, referral, text: referral_decline(actor=actor, referral=referral, reason=text),
    "start": lambda actor, referral, text: referral_start(actor=actor, referral=referral),
    "complete": lambda actor, referral, text: referral_complete(actor=actor, referral=referral, outcome=text),
    "cancel": lambda actor, referral, text: referral_cancel(actor=actor, referral=referral, reason=text),
}


def referral_act(*, actor: Any, referral: Referral, action: str, text: str = "") -> Referral:
    """Dispatch one of accept/decline/start/complete/cancel (views and the API)."""
    if action not in ACTIONS:
        raise ValidationError(_("Unknown action."))
    return ACTIONS[action](actor, referral, text)


def escalate_overdue(*, actor: Any = None, now: dt.datetime | None = None) -> int:
    """Referrals still unanswered past their due time: tell the receiving agency's supervisors and
    administrators and the sender, once. Returns how many were escalated. System action (actor None)."""
    now = now or timezone.now()
    count = 0
    overdue = Referral.objects.filter(
        state=ReferralState.SENT, answer_due_at__lt=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update()
                .select_related("case", "sent_by")
                .filter(pk=pk, state=ReferralState.SENT, escalated_at__isnull=True)
                .first()
            )
            if referral is None:
                continue
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at"])
            audit_record(actor=actor, action="referrals.referral.escalate", obj=referral, detail="overdue")
            recipients = [*staff_of(referral.to_agency_id, ESCALATION_ROLES), *_sender_side(referral)]
            notify(recipients=recipients, verb="referral.overdue", params=_params(referral), url=_url(referral))
            count += 1
    return count
