"""`himaya audit checkpoint`: sign the current chain head, after verifying the chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from himaya.audit import signing
from himaya.audit.checkpoints import checkpoint_create, default_checkpoint_files, write_checkpoint
from himaya.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Write a signed checkpoint (size and head hash of the audit chain). Keep a copy off the server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", metavar="PATH", help="File (or directory) to write. Default: the checkpoint dir.")
        parser.add_argument(
            "--no-verify", action="store_true", help="Sign without verifying the chain first (not recommended)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = signing.signing_key()
        except signing.SigningKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        if not options["no_verify"]:
            # Never sign a chain that is already broken: that would bless the tampering.
            result = verify_chain(checkpoints=default_checkpoint_files(), public_key=key.public_key())
            if result.problem is not None:
                raise CommandError(
                    _("Refusing to sign: the audit chain is not intact: %(problem)s") % {"problem": result.problem}
                )
        checkpoint = checkpoint_create(actor=None, key=key)
        try:
            path = write_checkpoint(checkpoint, options["out"])
        except OSError as exc:
            raise CommandError(_("Cannot write the checkpoint: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Checkpoint #%(size)s %(hash)s signed by key %(key)s written to %(path)s")
                % {"size": checkpoint.size, "hash": checkpoint.head_hash, "key": checkpoint.key_id, "path": path}
            )
        )
