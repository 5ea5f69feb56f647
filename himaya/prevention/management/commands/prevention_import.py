"""`himaya prevention import SOURCE FILE`: import one CSV or Parquet file as one batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from himaya.prevention import importers, services
from himaya.prevention.models import ImportSource, RunStatus
from himaya.prevention.progress import Bar


class Command(BaseCommand):
    help = "Import a prevention source file (CSV or Parquet; schema in docs/prevention-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=ImportSource.values)
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            batch = services.import_batch_create(
                actor=None, source=options["source"], file_name=path.name, path=path.resolve()
            )
        except Exception as error:  # ValidationError: bad suffix
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from None
        batch = services.import_batch_execute(batch.pk, progress=Bar(self.stdout))
        if batch.status == RunStatus.REJECTED:
            for item in batch.rejections[:200]:
                self.stderr.write(
                    _("%(file)s line %(line)s, %(field)s: %(reason)s (%(value)s)")
                    % {
                        "file": batch.file_name,
                        "line": item["line"],
                        "field": item["field"],
                        "reason": importers.describe_rejection(item),
                        "value": item["value"],
                    }
                )
            raise CommandError(
                _("%(ref)s rejected: nothing was imported (%(count)d rejected rows).")
                % {"ref": batch, "count": batch.total_rows if batch.total_rows else len(batch.rejections)}
            )
        rate = batch.written_rows / batch.seconds if batch.seconds else 0
        self.stdout.write(
            _("%(ref)s: %(rows)d rows imported in %(seconds).1f s (%(rate).0f rows/s).")
            % {"ref": batch, "rows": batch.written_rows, "seconds": batch.seconds or 0, "rate": rate}
        )
