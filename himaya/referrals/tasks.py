"""Background tasks of the referral loop."""

from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue_referrals() -> int:
    """Escalate referrals still unanswered past their due time (each once). Run every few minutes."""
    from himaya.referrals.services import escalate_overdue

    return escalate_overdue()
