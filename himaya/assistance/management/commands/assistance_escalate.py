"""`manage.py assistance_escalate [--date YYYY-MM-DD]`: escalate overdue care actions.

Run it daily from cron or a systemd timer, next to `cases_escalate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Notify the case owner's supervisors of overdue care actions (each due date once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        from himaya.assistance.escalation import escalate_overdue_actions

        on = None
        if options.get("date"):
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        count = escalate_overdue_actions(on=on)
        self.stdout.write(f"escalated {count} overdue care action(s)")
