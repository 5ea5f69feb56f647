"""`himaya certificate public-key`: print the public key that verifies certificates (publish it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himaya.audit import signing as keyfiles
from himaya.training import signing


class Command(BaseCommand):
    help = "Print the public key (PEM) that verifies training certificates."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = signing.signing_key()
        except keyfiles.SigningKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(keyfiles.public_key_pem(key), ending="")
