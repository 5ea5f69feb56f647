from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue_decisions() -> int:
    """Periodic: notify coordinators and their supervisors of overdue RG/CG decisions (once each)."""
    from himaya.cases.escalation import escalate_overdue

    return escalate_overdue()
