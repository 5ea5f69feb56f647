from __future__ import annotations

from django_tasks import task


@task()
def send_certificate_expiry_reminders(on: str | None = None) -> int:
    """Periodic (daily): e-mail holders whose certificate expires within 90 and then 30 days
    (once per threshold). `himaya training remind` runs this same task in-process; `on` is an
    ISO date to act as if it were that day (tests, catching up after downtime)."""
    import datetime as dt

    from himaya.training.services import certificate_reminders_send

    return certificate_reminders_send(today=dt.date.fromisoformat(on) if on else None)
