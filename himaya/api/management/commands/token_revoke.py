"""`himaya token revoke <prefix>`: the token stops working at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from himaya.api.models import ApiToken
from himaya.api.selectors import parse_token
from himaya.api.services import token_revoke


class Command(BaseCommand):
    help = "Revoke an API token by its prefix (or the whole token)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["prefix"].strip()
        parsed = parse_token(given)
        prefix = parsed[0] if parsed else given
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token with prefix {prefix!r}.")
        already = token.revoked_at is not None
        token_revoke(actor=None, token=token)
        self.stdout.write(f"Token {prefix} {'was already revoked' if already else 'revoked'}.")
