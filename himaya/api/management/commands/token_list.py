"""`himaya token list <email>`: a staff account's tokens (prefixes only, never secrets)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from himaya.accounts.models import User
from himaya.api.selectors import token_list_for


class Command(BaseCommand):
    help = "List a staff account's API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No staff account with e-mail {options['email']!r}.")
        now = timezone.now()
        tokens = list(token_list_for(user=user))
        if not tokens:
            self.stdout.write(f"{user.email} has no API tokens.")
            return

        def when(moment: Any) -> str:
            return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "-"

        self.stdout.write(f"{'prefix':<14}{'state':<10}{'created':<18}{'expires':<18}{'last used':<18}name")
        for t in tokens:
            state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "active")
            self.stdout.write(
                f"{t.prefix:<14}{state:<10}{when(t.created_at):<18}{when(t.expires_at):<18}"
                f"{when(t.last_used_at):<18}{t.name}"
            )
