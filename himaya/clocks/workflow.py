"""The NRM case workflow as a pure state machine (Django-free).

Bahrain's five stages (identification → documentation → confirmation → protection & assistance →
reintegration or voluntary return) with UK-style reasonable-grounds (RG) and conclusive-grounds
(CG) decisions inside "confirmation", and the side routes: labour grievance, not a trafficking
case, anonymous notification (an adult who does not consent).

`apply(stage, event, facts)` returns the next stage or raises `TransitionRefused` whose `code`
explains why (the web layer translates the code). Who may fire which event is checked here too,
because it is part of the law being modelled (only the competent authority decides; only the
first responder or a support provider may ask for reconsideration).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    IDENTIFICATION = "identification"
    DOCUMENTATION = "documentation"
    RG_PENDING = "rg_pending"
    RG_NEGATIVE = "rg_negative"
    RECOVERY_PERIOD = "recovery_period"
    CG_PENDING = "cg_pending"
    CG_NEGATIVE = "cg_negative"
    RECONSIDERATION = "reconsideration"
    PROTECTION_ASSISTANCE = "protection_assistance"
    REINTEGRATION = "reintegration"
    VOLUNTARY_RETURN = "voluntary_return"
    LABOUR_GRIEVANCE = "labour_grievance"
    NOT_TRAFFICKING = "not_trafficking"
    ANONYMOUS_NOTIFICATION = "anonymous_notification"
    CLOSED = "closed"


class Event(StrEnum):
    DOCUMENT = "document"  # screening done, consent obtained (or child): move to documentation
    ROUTE_LABOUR = "route_labour"  # exploitation without trafficking means: labour grievance
    ROUTE_NOT_TIP = "route_not_tip"
    CONSENT_REFUSED = "consent_refused"  # adult refuses: anonymous notification only
    REFER = "refer"  # documentation complete: referred for an RG decision
    RG_POSITIVE = "rg_positive"
    RG_NEGATIVE = "rg_negative"
    REQUEST_RECONSIDERATION = "request_reconsideration"
    RECONSIDERATION_ACCEPTED = "reconsideration_accepted"
    START_CG = "start_cg"
    CG_POSITIVE = "cg_positive"
    CG_NEGATIVE = "cg_negative"
    REINTEGRATE = "reintegrate"
    RETURN_HOME = "return_home"
    CLOSE = "close"


class Actor(StrEnum):
    FIRST_RESPONDER = "first_responder"
    SUPPORT_PROVIDER = "support_provider"
    COORDINATOR = "coordinator"
    CASE_WORKER = "case_worker"
    SYSTEM = "system"


DECISION_EVENTS = frozenset(
    {Event.RG_POSITIVE, Event.RG_NEGATIVE, Event.CG_POSITIVE, Event.CG_NEGATIVE, Event.RECONSIDERATION_ACCEPTED}
)


@dataclass(frozen=True)
class Facts:
    actor: Actor
    is_child: bool = False
    consent_to_refer: bool = False
    reasons: str = ""
    today: dt.date | None = None
    recovery_period_ends: dt.date | None = None
    # The stage a reconsideration was asked from (RG or CG), so acceptance knows where to go back.
    reconsidering: Stage | None = None


class TransitionRefused(Exception):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


TRANSITIONS: dict[tuple[Stage, Event], Stage] = {
    (Stage.IDENTIFICATION, Event.DOCUMENT): Stage.DOCUMENTATION,
    (Stage.IDENTIFICATION, Event.ROUTE_LABOUR): Stage.LABOUR_GRIEVANCE,
    (Stage.IDENTIFICATION, Event.ROUTE_NOT_TIP): Stage.NOT_TRAFFICKING,
    (Stage.IDENTIFICATION, Event.CONSENT_REFUSED): Stage.ANONYMOUS_NOTIFICATION,
    (Stage.DOCUMENTATION, Event.REFER): Stage.RG_PENDING,
    (Stage.DOCUMENTATION, Event.CONSENT_REFUSED): Stage.ANONYMOUS_NOTIFICATION,
    (Stage.RG_PENDING, Event.RG_POSITIVE): Stage.RECOVERY_PERIOD,
    (Stage.RG_PENDING, Event.RG_NEGATIVE): Stage.RG_NEGATIVE,
    (Stage.RG_NEGATIVE, Event.REQUEST_RECONSIDERATION): Stage.RECONSIDERATION,
    (Stage.RG_NEGATIVE, Event.CLOSE): Stage.CLOSED,
    (Stage.RECOVERY_PERIOD, Event.START_CG): Stage.CG_PENDING,
    (Stage.RECOVERY_PERIOD, Event.CG_POSITIVE): Stage.PROTECTION_ASSISTANCE,
    (Stage.RECOVERY_PERIOD, Event.CG_NEGATIVE): Stage.CG_NEGATIVE,
    (Stage.CG_PENDING, Event.CG_POSITIVE): Stage.PROTECTION_ASSISTANCE,
    (Stage.CG_PENDING, Event.CG_NEGATIVE): Stage.CG_NEGATIVE,
    (Stage.CG_NEGATIVE, Event.REQUEST_RECONSIDERATION): Stage.RECONSIDERATION,
    (Stage.CG_NEGATIVE, Event.CLOSE): Stage.CLOSED,
    (Stage.PROTECTION_ASSISTANCE, Event.REINTEGRATE): Stage.REINTEGRATION,
    (Stage.PROTECTION_ASSISTANCE, Event.RETURN_HOME): Stage.VOLUNTARY_RETURN,
    (Stage.REINTEGRATION, Event.CLOSE): Stage.CLOSED,
    (Stage.VOLUNTARY_RETURN, Event.CLOSE): Stage.CLOSED,
    (Stage.LABOUR_GRIEVANCE, Event.CLOSE): Stage.CLOSED,
    (Stage.NOT_TRAFFICKING, Event.CLOSE): Stage.CLOSED,
    (Stage.ANONYMOUS_NOTIFICATION, Event.CLOSE): Stage.CLOSED,
}


def allowed_events(stage: Stage) -> list[Event]:
    return [event for (s, event) in TRANSITIONS if s == stage] + (
        [Event.RECONSIDERATION_ACCEPTED, Event.CLOSE] if stage == Stage.RECONSIDERATION else []
    )


def apply(stage: Stage, event: Event, facts: Facts) -> Stage:
    """The stage after `event`, or TransitionRefused with a code saying why not."""
    if stage == Stage.RECONSIDERATION and event == Event.RECONSIDERATION_ACCEPTED:
        _require_decider(facts)
        if facts.reconsidering == Stage.RG_NEGATIVE:
            return Stage.RG_PENDING
        if facts.reconsidering == Stage.CG_NEGATIVE:
            return Stage.CG_PENDING
        raise TransitionRefused("reconsideration_origin_unknown")
    if stage == Stage.RECONSIDERATION and event == Event.CLOSE:
        _require_decider(facts)
        return Stage.CLOSED
    target = TRANSITIONS.get((stage, event))
    if target is None:
        raise TransitionRefused("transition_not_allowed")
    if event in DECISION_EVENTS:
        _require_decider(facts)
    if event == Event.CONSENT_REFUSED and facts.is_child:
        raise TransitionRefused("children_are_always_referred")
    if event in (Event.DOCUMENT, Event.REFER) and not facts.is_child and not facts.consent_to_refer:
        raise TransitionRefused("adult_consent_required")
    if event == Event.REQUEST_RECONSIDERATION and facts.actor not in (Actor.FIRST_RESPONDER, Actor.SUPPORT_PROVIDER):
        raise TransitionRefused("reconsideration_only_by_first_responder_or_support_provider")
    if event in (Event.CG_POSITIVE, Event.CG_NEGATIVE):
        if facts.recovery_period_ends is None or facts.today is None:
            raise TransitionRefused("recovery_period_unknown")
        if facts.today < facts.recovery_period_ends:
            raise TransitionRefused("recovery_period_not_over")
    return target


def _require_decider(facts: Facts) -> None:
    if facts.actor != Actor.COORDINATOR:
        raise TransitionRefused("only_the_competent_authority_decides")
    if len(facts.reasons.strip()) < 10:
        raise TransitionRefused("decision_reasons_required")
