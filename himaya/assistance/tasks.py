from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue_care_actions() -> int:
    """Periodic: notify the case owner's supervisors of overdue care actions (once per due date)."""
    from himaya.assistance.escalation import escalate_overdue_actions

    return escalate_overdue_actions()
