"""`himaya audit verify`: check every hash, link, the chain head and the signed checkpoints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from himaya.audit import signing
from himaya.audit.checkpoints import default_checkpoint_files
from himaya.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit chain and its signed checkpoints; exits non-zero naming the first bad event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=None,
            metavar="PATH",
            help="A checkpoint file (repeatable). Default: every file in HIMAYA_AUDIT_CHECKPOINT_DIR.",
        )
        parser.add_argument(
            "--public-key",
            metavar="PATH",
            help="The public key (PEM) the checkpoints were signed with. Default: derived from the signing key.",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="Processes that check ranges of a large log in parallel (default: CPUs, at most 4).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["checkpoint"]] if options["checkpoint"] else default_checkpoint_files()
        public = None
        if options["public_key"]:
            try:
                public = signing.load_public_key(options["public_key"])
            except (OSError, ValueError) as exc:
                raise CommandError(_("Cannot read the public key: %(error)s") % {"error": exc}) from exc
        result = verify_chain(
            using=options["database"], checkpoints=paths, public_key=public, workers=max(1, options["workers"])
        )
        self.stdout.write(
            _("Checked %(events)s events and %(checkpoints)s checkpoints in %(seconds).2f s (%(rate)s events/s).")
            % {
                "events": f"{result.events_checked:,}",
                "checkpoints": result.checkpoints_checked,
                "seconds": result.seconds,
                "rate": f"{result.events_per_second:,.0f}",
            }
        )
        if result.problem is not None:
            raise CommandError(_("Audit chain NOT intact: %(problem)s") % {"problem": result.problem})
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain intact: head #%(seq)s %(hash)s") % {"seq": result.head_seq, "hash": result.head_hash}
            )
        )
