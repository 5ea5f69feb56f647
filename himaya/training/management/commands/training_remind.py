"""`himaya training remind [--date YYYY-MM-DD]`: e-mail certificate-expiry reminders.

Run it daily from cron or a systemd timer, e.g. `30 6 * * * himaya training remind`. Each holder
gets one reminder when their certificate comes within 90 days of expiry and one more within 30
days, however often the command runs. It runs the `send_certificate_expiry_reminders` task
in-process (the same code a background worker would run).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "E-mail holders of certificates expiring within 90 and 30 days (once per threshold)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        from himaya.training.tasks import send_certificate_expiry_reminders

        on = options.get("date") or None
        if on:
            try:
                dt.date.fromisoformat(on)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        count = send_certificate_expiry_reminders.call(on)
        self.stdout.write(f"sent {count} certificate expiry reminder(s)")
