"""`himaya keys status`: the keyring's keys and how many values each key encrypts, per model."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himaya.core import keys
from himaya.core.crypto import Keyring, KeyringError


class Command(BaseCommand):
    help = "Show the active data key and the number of encrypted values per key id per model."

    def handle(self, *args: Any, **options: Any) -> None:
        path = keys.keyring_path()
        try:
            keyring = Keyring.load(path)
        except KeyringError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Keyring: %(path)s") % {"path": path})
        self.stdout.write(
            _("Active key: %(active)s; keys held: %(held)s")
            % {"active": keyring.active, "held": ", ".join(sorted(keyring.data_keys))}
        )
        for warning in keys.permission_warnings(path):
            self.stdout.write(self.style.WARNING(warning))
        usage = keys.key_usage()
        write_usage(self, usage, keyring)


def write_usage(command: BaseCommand, usage: dict[str, Any], keyring: Keyring) -> None:
    """Shared by `keys status` and `keys rotate`: one line per model, then warnings."""
    width = max((len(label) for label in usage), default=0)
    for label, counts in usage.items():
        cells = "  ".join(f"{kid}: {n}" for kid, n in sorted(counts.items())) or _("no values")
        command.stdout.write(f"{label.ljust(width)}  {cells}")
    total = keys.total_usage(usage)
    unknown = sorted(kid for kid in total if kid != keys.NOT_ENCRYPTED and kid not in keyring.data_keys)
    if unknown:
        command.stdout.write(
            command.style.ERROR(
                _("Values use keys that are not in the keyring (unreadable): %(ids)s") % {"ids": ", ".join(unknown)}
            )
        )
    if total.get(keys.NOT_ENCRYPTED):
        command.stdout.write(
            command.style.ERROR(
                _("%(n)d value(s) in encrypted columns are not Himaya ciphertext.") % {"n": total[keys.NOT_ENCRYPTED]}
            )
        )
    old = sorted(kid for kid in total if kid in keyring.data_keys and kid != keyring.active)
    if old:
        command.stdout.write(
            _("Values still under older keys: %(ids)s (run `himaya keys rotate --reencrypt-only`).")
            % {"ids": ", ".join(old)}
        )
