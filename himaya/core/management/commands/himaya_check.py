"""`himaya check`: Django's deployment checks plus Himaya's own (himaya/core/checks.py).

In production (HIMAYA_ENV=production) any warning fails the command; elsewhere only errors do,
so the demo can show what production would refuse without failing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Check this deployment: Django's `check --deploy` and Himaya's key, secret and transport checks."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        import himaya.core.checks  # noqa: F401  (registers the checks if the app has not yet)

        production = settings.HIMAYA_ENV == "production"
        call_command(
            "check",
            deploy=True,
            fail_level="WARNING" if production else "ERROR",
            stdout=self.stdout,
            stderr=self.stderr,
        )
        self.stdout.write(
            self.style.SUCCESS(_("himaya check passed (HIMAYA_ENV=%(env)s).") % {"env": settings.HIMAYA_ENV})
        )
