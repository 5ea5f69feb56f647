"""Reads for care, legal assistance and the way out, always starting from the access policy."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.agencies.models import AgencyType
from himaya.assistance import closure, needs
from himaya.assistance.models import (
    DOMAIN_LABELS,
    OPEN_ACTION_STATUSES,
    OPEN_CLAIM_STATUSES,
    ActionType,
    CareAction,
    CareGoal,
    Compensation,
    CourtAppointment,
    ExitPlan,
    FollowUp,
    LabourClaim,
    LegalCounselling,
    NeedLevel,
    NeedsAssessment,
    Pathway,
    ServiceDelivery,
)
from himaya.assistance.rules import CARE_ROLES, NON_REMOVAL_CHECK, REPORTS
from himaya.audit.services import audit_record
from himaya.cases.models import Case
from himaya.clocks.workflow import Stage
from himaya.people.models import Person
from himaya.people.selectors import document_holders


def today() -> dt.date:
    from himaya.cases import selectors as case_selectors

    return case_selectors.today()


def may_care(actor: Any, case: Case) -> bool:
    """Whether the actor works on this case's care (owning agency's care roles)."""
    return policy.is_active_actor(actor) and actor.has_role(*CARE_ROLES) and actor.agency_id == case.owner_agency_id


def care_case_get(*, actor: Any, pk: Any, audit: bool = True) -> Case:
    """A case whose care the actor works on (read audited unless `audit=False`), or Http404."""
    case = policy.get_for(actor, Case, pk, audit=audit)
    if not may_care(actor, case):
        raise Http404(_("Not found."))
    return case


# --- Needs ------------------------------------------------------------------------------------
@dataclass
class AssessmentRow:
    assessment: NeedsAssessment
    rows: list[dict[str, Any]]


def needs_history(*, actor: Any, case: Case) -> list[AssessmentRow]:
    """The case's assessments, newest first, each rating with its change from the assessment before."""
    assessments = list(
        policy.visible(actor, NeedsAssessment)
        .filter(case=case)
        .select_related("assessed_by")
        .prefetch_related("ratings")
        .order_by("assessed_on", "pk")
    )
    policy.audit_list(actor, NeedsAssessment, assessments)
    out: list[AssessmentRow] = []
    previous: dict[str, int] | None = None
    for a in assessments:
        ratings = {r.domain: r for r in a.ratings.all()}
        levels = {d: r.level for d, r in ratings.items()}
        rows = [
            {
                "domain": c.domain,
                "label": DOMAIN_LABELS[c.domain],
                "level": c.after,
                "level_label": NeedLevel(c.after).label,
                "before": c.before,
                "direction": c.direction,
                "note": ratings[c.domain].note,
            }
            for c in needs.changes(previous, levels)
        ]
        out.append(AssessmentRow(assessment=a, rows=rows))
        previous = levels
    out.reverse()
    return out


# --- Care plan --------------------------------------------------------------------------------
def care_plan(*, actor: Any, case: Case) -> list[dict[str, Any]]:
    """Goals with their actions (each with its services and overdue flag), as the actor may see them."""
    goals = list(policy.visible(actor, CareGoal).filter(case=case).order_by("created_at", "pk"))
    if not goals:
        # Actions and services are shown under their goals: without a goal nothing is shown (or
        # read), so the two other queries are not needed (most case pages have no plan yet).
        return []
    actions = list(
        policy.visible(actor, CareAction)
        .filter(case=case)
        .select_related("responsible_agency", "referral")
        .order_by("due_on", "pk")
    )
    deliveries = list(policy.visible(actor, ServiceDelivery).filter(case=case).select_related("delivered_by", "agency"))
    policy.audit_list(actor, CareGoal, goals)
    policy.audit_list(actor, CareAction, actions)
    policy.audit_list(actor, ServiceDelivery, deliveries)
    on = today()
    by_action: dict[int, list[ServiceDelivery]] = {}
    for d in deliveries:
        by_action.setdefault(d.action_id, []).append(d)
    by_goal: dict[int, list[dict[str, Any]]] = {}
    for a in actions:
        by_goal.setdefault(a.goal_id, []).append(
            {"action": a, "overdue": a.is_open and a.due_on < on, "services": by_action.get(a.pk, [])}
        )
    return [{"goal": g, "actions": by_goal.get(g.pk, [])} for g in goals]


def actions_delivered_by(*, actor: Any) -> QuerySet[CareAction]:
    """Open care actions another agency asked the actor's agency to deliver."""
    return (
        policy.visible(actor, CareAction)
        .filter(responsible_agency_id=actor.agency_id, status__in=OPEN_ACTION_STATUSES)
        .exclude(case__owner_agency_id=actor.agency_id)
        .select_related("case", "referral")
        .order_by("due_on", "pk")
    )


def overdue_actions_q(on: dt.date) -> Any:
    from django.db.models import Q

    return Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=on)


# --- Legal ------------------------------------------------------------------------------------
def legal_file(*, actor: Any, case: Case) -> dict[str, Any]:
    """Counselling, claims (with totals per currency), hearings and compensation of a case."""
    counselling = list(policy.visible(actor, LegalCounselling).filter(case=case).select_related("counsellor"))
    claims = list(
        policy.visible(actor, LabourClaim)
        .filter(case=case)
        .select_related("party")
        .prefetch_related("documents__attachment")
    )
    hearings = list(policy.visible(actor, CourtAppointment).filter(case=case).select_related("claim"))
    awards = list(policy.visible(actor, Compensation).filter(case=case).select_related("claim"))
    for model, rows in (
        (LegalCounselling, counselling),
        (LabourClaim, claims),
        (CourtAppointment, hearings),
        (Compensation, awards),
    ):
        policy.audit_list(actor, model, rows)
    totals: dict[str, dict[str, Any]] = {}
    for c in claims:
        t = totals.setdefault(c.currency, {"claimed": 0, "awarded": 0, "paid": 0})
        t["claimed"] += c.amount
    for a in awards:
        t = totals.setdefault(a.currency, {"claimed": 0, "awarded": 0, "paid": 0})
        t["awarded"] += a.awarded_amount
        t["paid"] += a.paid_amount
    return {
        "counselling": counselling,
        "claims": claims,
        "hearings": hearings,
        "awards": awards,
        "totals": sorted(totals.items()),
    }


# --- The way out ------------------------------------------------------------------------------
def exit_plan_for(*, actor: Any, case: Case) -> ExitPlan | None:
    plan = policy.visible(actor, ExitPlan).filter(case=case).select_related("travel_document_referral").first()
    if plan is not None:
        policy.audit_read(actor, plan)
    return plan


def follow_ups_for(*, actor: Any, case: Case) -> list[FollowUp]:
    rows = list(policy.visible(actor, FollowUp).filter(case=case).order_by("due_on", "pk"))
    policy.audit_list(actor, FollowUp, rows)
    return rows


def closure_facts(case: Case) -> closure.ClosureFacts:
    """The facts the closure criteria need (system read: it shows nothing, it counts)."""
    plan = ExitPlan.objects.filter(case=case).select_related("travel_document_referral").first()
    follow_ups = FollowUp.objects.filter(case=case)
    months = follow_up_months()
    referral = plan.travel_document_referral if plan else None
    return closure.ClosureFacts(
        stage=case.stage,
        open_care_actions=CareAction.objects.filter(case=case, status__in=OPEN_ACTION_STATUSES).count(),
        open_labour_claims=LabourClaim.objects.filter(case=case, status__in=OPEN_CLAIM_STATUSES).count(),
        pathway=plan.pathway if plan else None,
        exited_on=plan.exited_on if plan else None,
        travel_document_ready=referral is not None and referral.state == "completed",
        exit_clearance_on=plan.exit_clearance_on if plan else None,
        work_permit_transferred_on=plan.work_permit_transferred_on if plan else None,
        follow_ups_scheduled=follow_ups.filter(months_after_exit__in=months).count(),
        follow_ups_done=follow_ups.filter(months_after_exit__in=months, done_on__isnull=False).count(),
        required_follow_ups=months,
    )


def follow_up_months() -> tuple[int, ...]:
    """The configured follow-up schedule (HIMAYA_FOLLOW_UP_MONTHS, validated at start-up)."""
    from django.conf import settings

    return tuple(getattr(settings, "HIMAYA_FOLLOW_UP_MONTHS", closure.DEFAULT_FOLLOW_UP_MONTHS))


def closure_messages() -> dict[str, str]:
    """A translated sentence for every unmet closure criterion."""
    return {
        closure.OPEN_CARE_ACTIONS: _("Care actions are still planned or in progress: finish or cancel them."),
        closure.NO_EXIT_PLAN: _("No exit plan is recorded (voluntary return, new employer or local integration)."),
        closure.EXIT_PATHWAY_MISMATCH: _("The exit plan's pathway does not match the case's stage."),
        closure.NO_EXIT_DATE: _("The date of exit is not recorded."),
        closure.TRAVEL_DOCUMENT_MISSING: _("The embassy's travel document referral is not completed."),
        closure.EXIT_CLEARANCE_MISSING: _("The exit clearance is not recorded."),
        closure.WORK_PERMIT_TRANSFER_MISSING: _("The work-permit transfer is not recorded."),
        closure.FOLLOW_UPS_NOT_SCHEDULED: _("The follow-up contacts after exit are not all scheduled."),
        closure.FOLLOW_UPS_OUTSTANDING: _("Follow-up contacts after exit are still outstanding."),
        closure.OPEN_LABOUR_CLAIMS: _("Labour claims are still open: file, settle or withdraw them before return."),
    }


def closure_unmet(case: Case) -> list[str]:
    """Translated messages for the closure criteria this case does not meet (empty: it may close)."""
    messages = closure_messages()
    return [messages[code] for code in closure.unmet_criteria(closure_facts(case))]


# --- Recovery and reflection: protection from removal -----------------------------------------
# Stages in which the person may not be removed: after a positive RG decision, during the recovery
# period and the conclusive decision, while it is reconsidered, and during protection and assistance.
NON_REMOVAL_STAGES = (
    Stage.RECOVERY_PERIOD.value,
    Stage.CG_PENDING.value,
    Stage.RECONSIDERATION.value,
    Stage.PROTECTION_ASSISTANCE.value,
)


@dataclass(frozen=True)
class NonRemoval:
    person_reference: str
    protected: bool
    until: dt.date | None  # the end of the recovery or move-on period when known


def may_check_non_removal(actor: Any) -> bool:
    agency = getattr(actor, "agency", None)
    return (
        policy.has_permission(actor, NON_REMOVAL_CHECK)
        and agency is not None
        and agency.type == AgencyType.IMMIGRATION
        and agency.is_active
    )


def non_removal_check(*, actor: Any, document: str) -> list[NonRemoval]:
    """For immigration staff: is the holder of this document protected from removal? Shows the
    person's reference and the flag only, never the case. Every check is audited."""
    if not may_check_non_removal(actor):
        audit_record(actor=actor if policy.is_active_actor(actor) else None, action=NON_REMOVAL_CHECK, outcome="denied")
        raise Http404(_("Not found."))
    document = (document or "").strip()
    people = list(Person.objects.filter(pk__in=document_holders(document)).order_by("pk")[:5])
    out: list[NonRemoval] = []
    for person in people:
        cases = list(Case.objects.filter(person=person, stage__in=NON_REMOVAL_STAGES))
        ends = [d for c in cases for d in (c.recovery_ends, c.move_on_ends) if d is not None]
        out.append(NonRemoval(person_reference=person.reference, protected=bool(cases), until=max(ends, default=None)))
    audit_record(
        actor=actor,
        action="assistance.nonremoval.check",
        object_type="people.person",
        object_id=",".join(str(p.pk) for p in people),
        detail=f"matches:{len(people)}:protected:{sum(r.protected for r in out)}",
    )
    return out


# --- Embassy: return requests of their nationals (consent permitting) -----------------------------
def return_requests(*, actor: Any) -> list[ExitPlan]:
    """Voluntary-return plans the actor's embassy may see (own nationals who consented to sharing)."""
    rows = list(
        policy.visible(actor, ExitPlan)
        .filter(pathway=Pathway.VOLUNTARY_RETURN)
        .exclude(case__owner_agency_id=actor.agency_id)
        .select_related("case", "case__person", "travel_document_referral")
        .order_by("-updated_at", "-pk")
    )
    policy.audit_list(actor, ExitPlan, rows)
    # The page shows each person's name (the consent rule lets the embassy see them): audited too.
    policy.audit_list(actor, Person, [p.case.person for p in rows if p.case.person is not None])
    return rows


def may_see_return_requests(actor: Any) -> bool:
    agency = getattr(actor, "agency", None)
    return policy.is_active_actor(actor) and agency is not None and agency.type == AgencyType.EMBASSY


# --- Reports ----------------------------------------------------------------------------------
def reports(*, actor: Any, since: dt.date | None = None) -> dict[str, Any]:
    """Aggregates only (no personal data): services delivered by type and agency, exits by pathway."""
    policy.require_permission(actor, REPORTS)
    services = ServiceDelivery.objects.all()
    exits = ExitPlan.objects.filter(exited_on__isnull=False)
    if since is not None:
        services = services.filter(delivered_at__date__gte=since)
        exits = exits.filter(exited_on__gte=since)
    by_type = list(
        services.values("type").annotate(count=Count("pk"), minutes=Sum("duration_minutes")).order_by("-count", "type")
    )
    by_agency = list(
        services.values("agency_id", "agency__name_en", "agency__name_ar")
        .annotate(count=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by("-count", "agency_id")
    )
    by_pathway = list(exits.values("pathway").annotate(count=Count("pk")).order_by("-count", "pathway"))
    for row in by_type:
        row["label"] = str(ActionType(row["type"]).label) if row["type"] in ActionType.values else row["type"]
    for row in by_pathway:
        row["label"] = str(Pathway(row["pathway"]).label) if row["pathway"] in Pathway.values else row["pathway"]
    lang_ar = (get_language() or "ar").startswith("ar")
    for row in by_agency:
        row["label"] = row["agency__name_ar"] if lang_ar else row["agency__name_en"]
    audit_record(actor=actor, action="assistance.reports.view", detail=f"since:{since.isoformat() if since else '-'}")
    return {"by_type": by_type, "by_agency": by_agency, "by_pathway": by_pathway}


def report_charts(data: dict[str, Any], *, rtl: bool) -> dict[str, str]:
    """SVG bar charts (escaped by himaya.core.charts) of the three report tables."""
    from himaya.core.charts import bar_chart

    def chart(title: str, rows: list[dict[str, Any]]) -> str:
        svg = bar_chart(title=title, labels=[str(r["label"]) for r in rows], values=[r["count"] for r in rows], rtl=rtl)
        # Without its fixed width and height the SVG scales to its column (the viewBox keeps the shape).
        return re.sub(r'^(<svg[^>]*?) width="\d+" height="\d+"', r"\1", svg, count=1)

    return {
        "by_type": chart(_("Services delivered by type"), data["by_type"]),
        "by_agency": chart(_("Services delivered by agency"), data["by_agency"]),
        "by_pathway": chart(_("Exits by pathway"), data["by_pathway"]),
    }
