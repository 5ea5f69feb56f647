from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue_absences() -> int:
    """Periodic (hourly or daily): notify a shelter's staff of residents overdue from an absence (once each)."""
    from himaya.shelters.escalation import escalate_overdue_absences as escalate

    return escalate()
