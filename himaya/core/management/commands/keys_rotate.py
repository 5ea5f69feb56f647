"""`himaya keys rotate`: make a new data key active and re-encrypt every encrypted value with it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from himaya.core import keys
from himaya.core.crypto import Keyring, KeyringError
from himaya.core.management.commands.keys_status import write_usage


class _Unended:
    """The command's stderr without Django's automatic line ending (the progress line redraws itself)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class Command(BaseCommand):
    help = (
        "Make a new data key active (old keys stay for reading), then re-encrypt every encrypted value "
        "in batches. Safe to interrupt: re-run with --reencrypt-only to continue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="Do not make a new key; only re-encrypt values not yet under the active key.",
        )
        parser.add_argument(
            "--retire",
            action="append",
            default=[],
            metavar="KID",
            help="Afterwards remove key KID from the keyring, only if no value uses it any more (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        try:
            report = keys.rotate(
                batch_size=batch_size,
                reencrypt_only=options["reencrypt_only"],
                retire=options["retire"],
                progress_factory=lambda label: keys.Progress(label, _Unended(self.stderr)),
            )
        except KeyringError as exc:
            raise CommandError(str(exc)) from exc
        if report.activated:
            self.stdout.write(_("New active key: %(kid)s") % {"kid": report.activated})
            self.stdout.write(
                self.style.WARNING(
                    _("The keyring changed: back up %(path)s now (apart from the database).")
                    % {"path": keys.keyring_path()}
                )
            )
        else:
            self.stdout.write(_("Active key: %(kid)s") % {"kid": report.active})
        for result in report.results:
            self.stdout.write(
                _("%(label)s: %(values)d value(s) in %(rows)d row(s) re-encrypted")
                % {"label": result.label, "values": result.values, "rows": result.rows}
            )
            if result.unreadable:
                self.stdout.write(
                    self.style.ERROR(
                        _("%(label)s: %(n)d row(s) could not be decrypted and were left as they are: ids %(ids)s")
                        % {
                            "label": result.label,
                            "n": len(result.unreadable),
                            "ids": ", ".join(str(pk) for pk in result.unreadable[:20]),
                        }
                    )
                )
        self.stdout.write(_("Values per key id:"))
        write_usage(self, report.usage, Keyring.load(keys.keyring_path()))
        for kid in report.retired:
            self.stdout.write(_("Retired key %(kid)s.") % {"kid": kid})
        if report.refused:
            raise CommandError("; ".join(report.refused))
