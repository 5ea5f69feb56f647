"""`himaya audit public-key`: print the checkpoint-signing public key (keep it off the server)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himaya.audit import signing


class Command(BaseCommand):
    help = "Print the public key (PEM) that verifies audit checkpoints."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = signing.signing_key()
        except signing.SigningKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(signing.public_key_pem(key), ending="")
