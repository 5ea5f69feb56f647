"""`himaya keys init`: create the keyring and the audit signing key if they are missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from himaya.core import keys
from himaya.core.crypto import KeyringError


class Command(BaseCommand):
    help = "Create the data-encryption keyring and the audit signing key if they do not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = keys.init_keys()
        except KeyringError as exc:
            raise CommandError(str(exc)) from exc
        created, unchanged = pgettext("key file state", "created"), _("already present, left unchanged")
        state = created if result.keyring_created else unchanged
        self.stdout.write(_("Keyring: %(path)s (%(state)s)") % {"path": result.keyring_path, "state": state})
        state = created if result.signing_key_created else unchanged
        self.stdout.write(
            _("Audit signing key: %(path)s (%(state)s)") % {"path": result.signing_key_path, "state": state}
        )
        from himaya.audit.signing import ensure_signing_key
        from himaya.training.signing import key_file

        certificate_key = key_file()
        state = unchanged if certificate_key.exists() else created
        ensure_signing_key(certificate_key)
        self.stdout.write(
            _("Certificate signing key: %(path)s (%(state)s)") % {"path": certificate_key, "state": state}
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Back up these key files now, and keep the copies apart from the database backups: "
                    "without the keyring the encrypted personal data cannot be read by anyone, and "
                    "whoever holds both the keyring and a database copy can read it all."
                )
            )
        )
