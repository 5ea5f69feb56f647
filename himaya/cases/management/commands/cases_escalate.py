"""`manage.py cases_escalate [--date YYYY-MM-DD]`: escalate overdue identification decisions.

Run it daily from cron or a systemd timer, e.g. `15 6 * * * himaya cases escalate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Notify NRM coordinators and their supervisors of overdue RG/CG decisions (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        from himaya.cases.escalation import escalate_overdue

        on = None
        if options.get("date"):
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        count = escalate_overdue(on=on)
        self.stdout.write(f"escalated {count} overdue decision(s)")
