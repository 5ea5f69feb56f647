"""`himaya certificate verify <file>`: check a certificate PDF offline with the centre's public key.

Exit status 0 when the signature matches and the certificate is within its validity period;
otherwise a message saying why and a non-zero status (1). Revocation is not knowable offline:
the command prints the verification address that says whether the centre has revoked it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.audit import signing as keyfiles
from himaya.training import signing


class Command(BaseCommand):
    help = "Check a certificate PDF offline: its Ed25519 signature, its fields and its expiry."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The certificate PDF.")
        parser.add_argument(
            "--public-key",
            help="The centre's public key (PEM; `himaya certificate public-key` prints it). "
            "Default: derived from this server's signing key file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
        try:
            if options.get("public_key"):
                public = keyfiles.load_public_key(options["public_key"])
            else:
                public = keyfiles.load_private_key(signing.key_file()).public_key()
        except (OSError, ValueError) as exc:
            raise CommandError(_("Cannot load the public key: %(error)s") % {"error": exc}) from exc
        result = signing.verify_pdf(data, public, today=timezone.localdate())
        if not result.ok:
            raise CommandError(result.reason)
        p = result.payload
        self.stdout.write(self.style.SUCCESS(result.reason))
        for label, value in (
            (_("Number"), p["number"]),
            (_("Holder"), p["holder"]),
            (_("Course"), f"{p['course_en']} / {p['course_ar']} ({p['level']})"),
            (_("Issued on"), p["issued_on"]),
            (_("Valid until"), p["expires_on"]),
            (_("Revocation status online"), p["verify_url"]),
        ):
            self.stdout.write(f"{label}: {value}")
