"""`himaya token issue <email> [--name N] [--days D]`: prints the new token as the last line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from himaya.accounts.models import User
from himaya.api.services import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a staff account. The token is shown once, on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="What the token is for (e.g. the integrating system).")
        parser.add_argument("--days", type=int, default=None, help="Lifetime in days (default: API_TOKEN_DAYS).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No staff account with e-mail {options['email']!r}.")
        try:
            token, plaintext = token_issue(actor=None, user=user, name=options["name"], days=options["days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Token {token.prefix} for {user.email}, expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M %Z}. "
            "Store it now: it cannot be shown again."
        )
        self.stdout.write(plaintext)
