"""`manage.py assistance_escalate [--date YYYY-MM-DD]`: escalate overdue care actions and overdue
temporary absences from shelters (residents not back by the expected time).

Run it daily from cron or a systemd timer, next to `cases_escalate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Notify the case owner's supervisors of overdue care actions (each due date once) and the shelter's "
        "staff of residents overdue from a temporary absence (each absence once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        from himaya.assistance.escalation import escalate_overdue_actions
        from himaya.shelters.escalation import escalate_overdue_absences

        on = None
        now = None
        if options.get("date"):
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
            now = timezone.localtime().replace(year=on.year, month=on.month, day=on.day)
        count = escalate_overdue_actions(on=on)
        self.stdout.write(f"escalated {count} overdue care action(s)")
        absences = escalate_overdue_absences(now=now)
        self.stdout.write(f"escalated {absences} overdue shelter absence(s)")
