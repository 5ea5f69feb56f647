"""Who gets what on every prevention URL (see himaya/access/matrix.py for the format).

The world: an employer with two workers, a finished scoring run, a plan whose first inspection
is assigned to ines (the labour inspector), and a finding on it. sam (the EPC supervisor)
manages; adam (analyst) sees aggregates only; ines sees her queue and her inspection.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings

from himaya.access.matrix import Expect

MANAGERS = {"sam"}
AGGREGATES = {"sam", "adam"}
QUEUE = {"sam", "ines"}


def _dir() -> None:
    if not hasattr(settings, "HIMAYA_PREVENTION_DIR"):
        settings.HIMAYA_PREVENTION_DIR = Path(settings.HIMAYA_KEYRING_FILE).parent / "prevention"


def world(w: Any) -> dict[str, Any]:
    from himaya.prevention import services
    from himaya.prevention.models import Employer, RiskScore, RunStatus, ScoringRun, Worker

    _dir()
    employer = Employer.objects.create(cr_number="555001-1", name="Matrix Trading", isic_section="F", size_band="micro")
    Worker.objects.create(
        permit_number="WP90000001",
        full_name="Ravi Matrix",
        nationality="IN",
        occupation="7112",
        employer=employer,
        start_date=dt.date(2025, 1, 5),
        contract_wage="150.000",
    )
    run = ScoringRun.objects.create(model_version="2026.1", status=RunStatus.DONE, employers_scored=1, progress=100)
    RiskScore.objects.create(
        run=run,
        employer=employer,
        score=40,
        rank=1,
        workers=1,
        reasons=[{"code": "unpaid_3m", "points": 40, "value": 0.5, "count": 1, "fl": ["FL08"]}],
    )
    plan = services.plan_create(actor=w.sam, run=run, inspectors=1, days=1, visits_per_day=1, random_share=0, seed=1)
    inspection = plan.items.get()
    services.inspection_assign(actor=w.sam, inspection=inspection, inspector=w.ines)
    worker = Worker.objects.get(employer=employer)
    finding = services.finding_add(
        actor=w.ines,
        inspection=inspection,
        workers=[worker],
        indicators=["FL07"],
        description="Passports in the office safe.",
    )
    return {"run": run, "plan": plan, "inspection": inspection, "finding": finding, "worker": worker}


def _pk(name: str) -> Any:
    return lambda w: {"pk": world(w)[name].pk}


def _import(w: Any) -> dict[str, Any]:
    from himaya.prevention import services

    _dir()
    path = Path(settings.HIMAYA_PREVENTION_DIR) / "matrix-agencies.csv"  # type: ignore[misc]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("licence_number,name\nRA99999,Matrix Office\n", encoding="utf-8")
    return {"pk": services.import_batch_create(actor=w.sam, source="agencies", file_name=path.name, path=path).pk}


def _upload(w: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"source": "agencies", "file": SimpleUploadedFile("agencies.csv", b"licence_number,name\nRA99998,Office\n")}


def _record(w: Any) -> dict[str, Any]:
    return {
        "visited_on": dt.date.today().isoformat(),
        "outcome": "warning",
        "violation_found": "on",
        "indicators_observed": ["FL07"],
    }


EXPECTATIONS = {
    "prevention:home": Expect(ok=AGGREGATES),
    "prevention:fairness": Expect(ok=AGGREGATES),
    "prevention:imports": Expect(ok=MANAGERS),
    "prevention:import_detail": Expect(kwargs=_import, ok=MANAGERS),
    "prevention:scoring": Expect(ok=MANAGERS),
    "prevention:run": Expect(kwargs=_pk("run"), ok=MANAGERS),
    "prevention:plan_create": Expect(
        method="post",
        kwargs=_pk("run"),
        data=lambda w: {"inspectors": 1, "days": 1, "visits_per_day": 1, "random_percent": 0},
        ok=MANAGERS,
        ok_status=302,
    ),
    "prevention:plan": Expect(kwargs=_pk("plan"), ok=MANAGERS),
    "prevention:queue": Expect(ok=QUEUE),
    "prevention:inspection": Expect(kwargs=_pk("inspection"), ok=QUEUE),
    "prevention:finding_add": Expect(
        method="post",
        kwargs=_pk("inspection"),
        data=lambda w: {"indicators": ["FL08"], "description": "Pay slips missing."},
        ok={"ines"},
        ok_status=302,
        special={"sam": 302},
    ),
    "prevention:finding_intake": Expect(
        method="post", kwargs=_pk("finding"), ok={"ines"}, ok_status=302, special={"sam": 302}
    ),
    "api:prevention-ranking": Expect(ok=MANAGERS, api=True),
    "api:prevention-inspections": Expect(ok=QUEUE, api=True),
    "api:prevention-dashboard": Expect(ok=AGGREGATES, api=True),
}
