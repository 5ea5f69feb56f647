"""Reads for prevention, starting from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.analytics import scoring
from himaya.prevention.models import (
    Employer,
    Finding,
    ImportBatch,
    Inspection,
    InspectionPlan,
    InspectionReason,
    InspectionStatus,
    RiskScore,
    RunStatus,
    ScoringRun,
    Worker,
    WorksiteRiskScore,
)
from himaya.prevention.rules import at_regulator


def may_manage(actor: Any) -> bool:
    return policy.has_permission(actor, "prevention.manage") and at_regulator(actor)


def may_see_aggregates(actor: Any) -> bool:
    return policy.has_permission(actor, "prevention.aggregates") and at_regulator(actor)


def may_inspect(actor: Any) -> bool:
    return policy.has_permission(actor, "prevention.inspect") and at_regulator(actor)


def _deny(actor: Any, action: str) -> None:
    """An audited 404, like the policy's own refusals."""
    from himaya.audit.services import audit_record

    audit_record(actor=actor if policy.is_active_actor(actor) else None, action=action, outcome="denied")
    raise Http404(_("Not found."))


def require_manager(actor: Any) -> None:
    if not may_manage(actor):
        _deny(actor, "prevention.manage")


def require_aggregates(actor: Any) -> None:
    if not may_see_aggregates(actor):
        _deny(actor, "prevention.aggregates")


def require_queue(actor: Any) -> None:
    if not (may_inspect(actor) or may_manage(actor)):
        _deny(actor, "prevention.queue")


def batch_list(*, actor: Any) -> QuerySet[ImportBatch]:
    require_manager(actor)
    return ImportBatch.objects.all()


def batch_get(*, actor: Any, pk: Any) -> ImportBatch:
    require_manager(actor)
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404(_("Not found."))
    return batch


def run_list(*, actor: Any) -> QuerySet[ScoringRun]:
    require_manager(actor)
    return ScoringRun.objects.all()


def run_get(*, actor: Any, pk: Any) -> ScoringRun:
    require_manager(actor)
    run = ScoringRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404(_("Not found."))
    return run


def latest_run() -> ScoringRun | None:
    return ScoringRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-pk").first()


def ranking(*, actor: Any, run: ScoringRun, limit: int = 100) -> QuerySet[RiskScore]:
    """The top of a run, employers the actor may see only."""
    employers = policy.visible(actor, Employer)
    return run.scores.filter(employer__in=employers).select_related("employer").order_by("rank")[:limit]


def plan_get(*, actor: Any, pk: Any) -> InspectionPlan:
    require_manager(actor)
    plan = InspectionPlan.objects.filter(pk=pk).select_related("run").first()
    if plan is None:
        raise Http404(_("Not found."))
    return plan


def queue(*, actor: Any) -> QuerySet[Inspection]:
    """Open inspections the actor may see (an inspector: their own), by priority."""
    return (
        policy.visible(actor, Inspection)
        .exclude(status=InspectionStatus.COMPLETED)
        .select_related("employer", "inspector")
        .order_by("priority", "pk")
    )


def worksite_scores(*, actor: Any, run: ScoringRun, employer: Employer) -> QuerySet[WorksiteRiskScore]:
    """The scores of an employer's worksites in a run, highest first (employers the actor may see)."""
    if not policy.visible(actor, Employer).filter(pk=employer.pk).exists():
        return WorksiteRiskScore.objects.none()
    return run.worksite_scores.filter(employer=employer).select_related("worksite").order_by("-score", "rank")


def worksite_scores_by_employer(
    *, actor: Any, run: ScoringRun, employer_ids: list[int]
) -> dict[int, list[WorksiteRiskScore]]:
    """The worksite scores of several employers of a run in one query, highest first per employer
    (employers the actor may see only)."""
    visible_ids = policy.visible(actor, Employer).filter(pk__in=employer_ids).values("pk")
    grouped: dict[int, list[WorksiteRiskScore]] = {pk: [] for pk in employer_ids}
    rows = (
        run.worksite_scores.filter(employer_id__in=visible_ids)
        .select_related("worksite")
        .order_by("employer_id", "-score", "rank")
    )
    for row in rows:
        grouped.setdefault(row.employer_id, []).append(row)
    return grouped


def inspection_get(*, actor: Any, pk: Any) -> Inspection:
    return policy.get_for(actor, Inspection, pk)


def inspection_workers(*, actor: Any, inspection: Inspection) -> QuerySet[Worker]:
    return policy.visible(actor, Worker).filter(employer_id=inspection.employer_id).order_by("pk")


def finding_get(*, actor: Any, pk: Any) -> Finding:
    return policy.get_for(actor, Finding, pk, policy.CHANGE)


def inspectors(*, actor: Any) -> list[Any]:
    from himaya.accounts.models import User
    from himaya.accounts.roles import Role

    return list(
        User.objects.filter(agency_id=actor.agency_id, is_active=True, roles__role=Role.LABOUR_INSPECTOR)
        .distinct()
        .order_by("full_name", "pk")
    )


def hit_rates_over_time() -> list[dict[str, Any]]:
    """Per inspection plan: how many inspections were done and how many found a violation,
    for the risk-ranked part and for the random slice (the model's hit rate at the budget)."""
    rows = []
    for plan in InspectionPlan.objects.select_related("run").order_by("created_at", "pk"):
        counts = plan.items.filter(status=InspectionStatus.COMPLETED).aggregate(
            risk_done=Count("pk", filter=Q(reason=InspectionReason.RISK)),
            risk_hits=Count("pk", filter=Q(reason=InspectionReason.RISK, violation_found=True)),
            random_done=Count("pk", filter=Q(reason=InspectionReason.RANDOM)),
            random_hits=Count("pk", filter=Q(reason=InspectionReason.RANDOM, violation_found=True)),
        )
        rows.append(
            {
                "plan": plan,
                "budget": plan.budget,
                "planned": plan.items.count(),
                **counts,
                "risk_rate": counts["risk_hits"] / counts["risk_done"] if counts["risk_done"] else None,
                "random_rate": counts["random_hits"] / counts["random_done"] if counts["random_done"] else None,
            }
        )
    return rows


def fairness_report(*, run: ScoringRun, share: float = 0.02) -> dict[str, Any]:
    """Sectors and workers' nationalities in the top `share` of a run, with hit rates from inspections."""
    import pyarrow as pa

    from himaya.prevention import snapshot

    scores = list(run.scores.values_list("employer_id", "rank", "employer__isic_section"))
    k = scoring.budget_size(len(scores), share)
    table = pa.table(
        {
            "employer_id": pa.array([s[0] for s in scores], pa.int64()),
            "rank": pa.array([s[1] for s in scores], pa.int64()),
            "isic_section": pa.array([s[2] for s in scores], pa.string()),
        }
    )
    labelled = list(
        Inspection.objects.filter(status=InspectionStatus.COMPLETED, violation_found__isnull=False).values_list(
            "employer_id", "violation_found"
        )
    )
    labels = pa.table(
        {
            "employer_id": pa.array([x[0] for x in labelled], pa.int64()),
            "violation": pa.array([bool(x[1]) for x in labelled], pa.bool_()),
        }
    )
    con = scoring.connect_snapshot(snapshot.ensure())
    try:
        report = scoring.fairness(con, table, k=k, labels=labels)
    finally:
        con.close()
    return {"k": k, "share": share, **report}
