from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue_decisions() -> int:
    """Periodic: notify coordinators and their supervisors of overdue RG/CG decisions (once each)."""
    from himaya.cases.escalation import escalate_overdue

    return escalate_overdue()


@task()
def refresh_case_summaries() -> int:
    """Periodic (and on demand when a dashboard finds the summary stale): rebuild the case counts."""
    from himaya.cases.summaries import refresh_stage_counts

    return refresh_stage_counts()
