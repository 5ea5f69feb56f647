"""One readable, translated sentence per timeline entry (entries hold codes, never personal text)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from himaya.cases.models import STAGE_LABELS, DecisionKind, DecisionOutcome
from himaya.clocks.workflow import Stage


def stage_label(code: str) -> str:
    try:
        return str(STAGE_LABELS[Stage(code)])
    except ValueError:
        return code


def event_labels() -> dict[str, str]:
    return {
        "document": _("Start case documentation"),
        "route_labour": _("Route to a labour grievance"),
        "route_not_tip": _("Not a trafficking case"),
        "consent_refused": _("The person does not consent: anonymous notification"),
        "refer": _("Refer to the NRM for a reasonable grounds decision"),
        "request_reconsideration": _("Ask for reconsideration"),
        "start_cg": _("Start the conclusive grounds decision"),
        "reintegrate": _("Local reintegration"),
        "return_home": _("Voluntary return"),
        "close": _("Close the case"),
    }


def describe(entry: Any) -> str:
    kind = entry.kind
    to_stage = stage_label(entry.to_stage) if entry.to_stage else ""
    if kind == "encounter":
        return _("Case opened after a first encounter.")
    if kind == "stage":
        return _("Moved to “%(stage)s”.") % {"stage": to_stage}
    if kind == "decision":
        decision, _sep, outcome = entry.summary.partition(":")
        try:
            kind_label = str(DecisionKind(decision).label)
            outcome_label = str(DecisionOutcome(outcome).label)
        except ValueError:
            return _("Decision recorded.")
        return _("%(outcome)s %(decision)s decision recorded; the case is now “%(stage)s”.") % {
            "outcome": outcome_label,
            "decision": kind_label.lower(),
            "stage": to_stage,
        }
    if kind == "reconsideration":
        return _("Reconsideration of the negative decision requested.")
    if kind == "note":
        return _("Note added.")
    if kind == "assign":
        return _("Case assigned.") if entry.summary == "assigned" else _("Case unassigned.")
    if kind == "escalation":
        if entry.summary == "care_action":
            return _("A care action is overdue: escalated to the supervisors.")
        if entry.summary == "cg":
            return _("The conclusive grounds decision is overdue: escalated to the NRM coordinators.")
        return _("The reasonable grounds decision is overdue: escalated to the NRM coordinators.")
    if kind == "screening":
        return _("Screening recorded.")
    if kind == "referral":
        return _("Referral to services updated.")
    if kind == "consent":
        return _("Consent recorded or changed.")
    care = _describe_care(kind, entry.summary or "")
    if care:
        return care
    if to_stage:
        return _("Case updated; now “%(stage)s”.") % {"stage": to_stage}
    return _("Case updated.")


def _choice(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _describe_care(kind: str, summary: str) -> str:
    """Care plan, services, legal assistance, the way out and shelter stays (himaya.assistance and
    himaya.shelters write these entries with codes only); empty when the kind is not one of them."""
    from himaya.assistance.models import (
        ActionStatus,
        ActionType,
        ClaimKind,
        ClaimStatus,
        FollowUpOutcome,
        Occasion,
        Pathway,
    )

    head, _sep, rest = summary.partition(":")
    if kind == "needs":
        return _("Needs assessed (%(occasion)s).") % {"occasion": _choice(Occasion, summary)}
    if kind == "care_plan":
        if summary == "goal":
            return _("Care-plan goal added.")
        if head == "action":
            return _("Care action planned: %(type)s.") % {"type": _choice(ActionType, rest)}
        if head == "status":
            return _("Care action now “%(status)s”.") % {"status": _choice(ActionStatus, rest)}
        return _("Care plan updated.")
    if kind == "service":
        return _("Service delivered: %(type)s.") % {"type": _choice(ActionType, summary)}
    if kind == "legal":
        if summary == "counselling":
            return _("Legal counselling session recorded.")
        if summary == "court":
            return _("Court support appointment scheduled.")
        if summary == "court_outcome":
            return _("Court support appointment updated with its outcome.")
        if summary == "compensation":
            return _("Compensation awarded recorded.")
        if summary == "compensation_update":
            return _("Compensation updated (payment recorded).")
        if head == "claim" and rest in ClaimKind.values:
            return _("Labour claim recorded: %(kind)s.") % {"kind": _choice(ClaimKind, rest)}
        if head == "claim":
            return _("Labour claim now “%(status)s”.") % {"status": _choice(ClaimStatus, rest)}
        return _("Legal assistance updated.")
    if kind == "exit":
        return _("Exit plan saved: %(pathway)s.") % {"pathway": _choice(Pathway, summary)}
    if kind == "follow_up":
        return _("Follow-up contact after exit: %(outcome)s.") % {"outcome": _choice(FollowUpOutcome, summary)}
    if kind == "shelter":
        event = summary.rpartition(":")[2]
        labels = {
            "admitted": _("Admitted to a shelter."),
            "emergency": _("Placed in a shelter in an emergency (for the shelter's review)."),
            "transferred": _("Moved to another shelter bed."),
            "discharged": _("Discharged from the shelter."),
        }
        return str(labels.get(event, _("Shelter stay updated.")))
    return ""
