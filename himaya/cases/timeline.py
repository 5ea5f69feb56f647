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
        if entry.summary == "cg":
            return _("The conclusive grounds decision is overdue: escalated to the NRM coordinators.")
        return _("The reasonable grounds decision is overdue: escalated to the NRM coordinators.")
    if kind == "screening":
        return _("Screening recorded.")
    if kind == "referral":
        return _("Referral to services updated.")
    if kind == "consent":
        return _("Consent recorded or changed.")
    if to_stage:
        return _("Case updated; now “%(stage)s”.") % {"stage": to_stage}
    return _("Case updated.")
