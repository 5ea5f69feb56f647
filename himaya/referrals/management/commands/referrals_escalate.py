"""`manage.py referrals_escalate`: escalate overdue, unanswered referrals (cron or a scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from himaya.referrals.services import escalate_overdue


class Command(BaseCommand):
    help = "Notify receiving agencies' supervisors and the senders about referrals unanswered past their due time."

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue()
        self.stdout.write(f"escalated {count} referral(s)")
