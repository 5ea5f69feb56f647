from __future__ import annotations

from django_tasks import task


@task()
def send_certificate_expiry_reminders() -> int:
    """Periodic (daily): e-mail holders whose certificate expires within 90 days (once each)."""
    from himaya.training.services import certificate_reminders_send

    return certificate_reminders_send()
