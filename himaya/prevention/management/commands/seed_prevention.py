# ruff: noqa: S608  -- SQL text is built from this module's constants (codes, column names); file values are data in DuckDB tables, never SQL.
"""`himaya seed prevention --scale demo|national`: a synthetic labour market, imported for real.

The world is generated in DuckDB (himaya.analytics.world) into source files in the import schema,
then every source goes through the importers (so the seed is also their largest test); the
planted truth goes to the PlantedTruth table, which nothing but the benchmark reads.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.analytics import world
from himaya.prevention import services
from himaya.prevention.models import Employer, PlantedTruth, RunStatus
from himaya.prevention.progress import Bar

ORDER = (
    "employers",
    "worksites",
    "agencies",
    "workers",
    "wages",
    "complaints",
    "absconding",
    "transfers",
    "inspections",
)


def seed(
    scale: str, *, seed: int = 7, as_of: dt.date | None = None, out: Any = None, keep: Path | None = None
) -> dict[str, float]:
    """Generate and import a world; returns seconds per step."""
    timings: dict[str, float] = {}
    as_of = as_of or timezone.localdate().replace(day=1)
    with tempfile.TemporaryDirectory(prefix="himaya-world-") as tmp:
        folder = keep or Path(tmp)
        started = time.monotonic()
        counts = world.generate(folder, scale=world.SCALES[scale], as_of=as_of, seed=seed)
        timings["generate"] = time.monotonic() - started
        for source in ORDER:
            started = time.monotonic()
            path = folder / f"{source}.parquet"
            batch = services.import_batch_create(actor=None, source=source, file_name=path.name, path=path)
            batch = services.import_batch_execute(batch.pk, progress=Bar(out) if out is not None else None)
            if batch.status != RunStatus.DONE:
                raise CommandError(
                    _("Import of %(source)s failed: %(rejections)s")
                    % {"source": source, "rejections": batch.rejections[:5]}
                )
            timings[source] = time.monotonic() - started
            if out is not None:
                out.write(f"{source}: {counts[source]} rows, {timings[source]:.1f} s\n")
        con = duckdb.connect(":memory:")
        truth = con.execute(
            f"SELECT cr_number, pattern FROM read_parquet('{(folder / 'truth' / 'planted.parquet').as_posix()}')"
        ).fetchall()
        con.close()
    ids = dict(Employer.objects.filter(cr_number__in=[c for c, _ in truth]).values_list("cr_number", "id"))
    with transaction.atomic():
        PlantedTruth.objects.filter(employer_id__in=ids.values()).delete()
        PlantedTruth.objects.bulk_create(
            [PlantedTruth(employer_id=ids[c], pattern=p) for c, p in truth], batch_size=5000
        )
    return timings


class Command(BaseCommand):
    help = "Load a synthetic labour market with planted exploitative employers (prevention)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(world.SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        seed(options["scale"], seed=options["seed"], out=self.stdout)
        self.stdout.write(_("Prevention world loaded in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
