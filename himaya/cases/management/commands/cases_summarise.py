"""`himaya cases summarise`: rebuild the case counts behind the dashboards.

Schedule it every few minutes (e.g. `*/2 * * * * himaya cases summarise`); dashboards also ask the
background worker for a rebuild when they find the counts older than HIMAYA_SUMMARY_MAX_AGE.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Rebuild the summary tables behind the dashboards (case counts per agency and stage)."

    def handle(self, *args: Any, **options: Any) -> None:
        from himaya.cases.summaries import refresh_stage_counts

        started = time.perf_counter()
        rows = refresh_stage_counts()
        self.stdout.write(
            _("Case counts rebuilt: %(rows)d rows in %(ms).0f ms.")
            % {"rows": rows, "ms": (time.perf_counter() - started) * 1000}
        )
