"""Writes of prevention: imports, scoring runs, inspection plans, inspections, findings, intake.

Each is one transaction with its audit event; the policy is asked first. Long work (imports,
scoring) runs as django-tasks tasks that call the `*_execute` functions here.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.analytics import scoring
from himaya.audit.services import audit_record
from himaya.intake import services as intake_services
from himaya.intake.models import IntakeDraft
from himaya.prevention import importers, snapshot
from himaya.prevention.models import (
    Finding,
    ForcedLabourIndicator,
    ImportBatch,
    ImportSource,
    Inspection,
    InspectionPlan,
    InspectionReason,
    InspectionStatus,
    Outcome,
    RiskScore,
    RunStatus,
    ScoringRun,
    Worker,
    WorksiteRiskScore,
)

ProgressOut = Callable[[str, int, int], None]
MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024


def _require_manager(actor: Any) -> None:
    from himaya.prevention.selectors import require_manager

    require_manager(actor)


# --- Imports -------------------------------------------------------------------------------------
def import_batch_create(*, actor: Any | None, source: str, file_name: str, path: Path) -> ImportBatch:
    """Register an uploaded (or local) file as a queued batch; `actor` None for the command line."""
    if actor is not None:
        _require_manager(actor)
    if source not in ImportSource.values:
        raise ValidationError({"source": _("Choose a source.")})
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValidationError({"file": _("Only CSV and Parquet files can be imported.")})
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=source, file_name=Path(file_name).name[:255], stored_path=str(path), created_by=actor
        )
        audit_record(actor=actor, action="prevention.importbatch.create", obj=batch, detail=f"source:{source}")
    return batch


def save_upload(upload: Any) -> Path:
    """Keep an uploaded file (streamed to disk) until its batch has run."""
    suffix = Path(upload.name or "").suffix.lower()
    path = importers.default_upload_dir() / f"{secrets.token_hex(12)}{suffix}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def import_batch_execute(batch_id: int, *, progress: ProgressOut | None = None) -> ImportBatch:
    """Run a queued batch: all rows written in one transaction, or the rejections stored."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != RunStatus.QUEUED:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=RunStatus.RUNNING)
    store = _ProgressStore(batch.pk)

    def report(phase: str, done: int, total: int) -> None:
        if progress is not None:
            progress(phase, done, total)
        store(phase, done, total)

    try:
        result = importers.import_file(batch.source, Path(batch.stored_path), batch_id=batch.pk, progress=report)
    except importers.ImportRejected as rejected:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=RunStatus.REJECTED,
                rejections=rejected.rejections,
                total_rows=max(rejected.total, 0),
                finished_at=timezone.now(),
            )
            audit_record(
                actor=batch.created_by,
                action="prevention.importbatch.complete",
                obj=batch,
                outcome="refused",
                detail=f"rejected:{rejected.total}",
            )
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    else:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=RunStatus.DONE,
                total_rows=result.rows,
                processed_rows=result.rows,
                written_rows=result.written,
                seconds=result.seconds,
                finished_at=timezone.now(),
            )
            audit_record(
                actor=batch.created_by,
                action="prevention.importbatch.complete",
                obj=batch,
                detail=f"rows:{result.written}",
            )
        relations = importers.relations_for(batch.source)
        if relations:
            snapshot.refresh(relations)
    finally:
        store.close()
    _remove_upload(batch)
    batch.refresh_from_db()
    return batch


class _ProgressStore:
    """Keeps a running batch's progress bar (its row) current for the web page, twice a second.

    Checking and preparing fill the first half of the bar, writing the second. Inside the
    import's transaction an update of the row would be seen by no one before the end: on
    PostgreSQL a connection of its own writes it then (row counts only), if the batch row is
    committed (not when the whole run is inside an enclosing transaction).
    """

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.committed = not connection.in_atomic_block
        self.last = (0.0, "")
        self.side: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == self.last[1] and time.monotonic() - self.last[0] < 0.5:
            return
        self.last = (time.monotonic(), phase)
        processed = done // 2 if phase != "writing" else total // 2 + done // 2
        if not connection.in_atomic_block:
            ImportBatch.objects.filter(pk=self.batch_id).update(total_rows=total, processed_rows=processed)
        elif self.committed and connection.vendor == "postgresql":
            if self.side is None:
                import psycopg

                self.side = psycopg.connect(snapshot.conninfo(), autocommit=True)
            self.side.execute(
                "UPDATE prevention_importbatch SET total_rows = %s, processed_rows = %s WHERE id = %s",
                [total, processed, self.batch_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _remove_upload(batch: ImportBatch) -> None:
    path = Path(batch.stored_path)
    if path.parent == importers.default_upload_dir() and path.exists():
        path.unlink()


# --- Scoring -------------------------------------------------------------------------------------
def scoring_run_create(*, actor: Any | None, version: str = scoring.DEFAULT_VERSION) -> ScoringRun:
    if actor is not None:
        _require_manager(actor)
    if version not in scoring.available_versions():
        raise ValidationError({"version": _("Unknown model version.")})
    with transaction.atomic():
        run = ScoringRun.objects.create(model_version=version, created_by=actor)
        audit_record(actor=actor, action="prevention.scoringrun.create", obj=run, detail=f"version:{version}")
    return run


def scoring_run_execute(run_id: int, *, live: bool = False, as_of: dt.date | None = None) -> ScoringRun:
    """Rescore every employer and worksite (from the snapshot, or `live` from the database); store both."""
    run = ScoringRun.objects.get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run
    started = time.monotonic()

    def step(percent: int) -> None:
        ScoringRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=percent)

    step(5)
    try:
        weights = scoring.load_weights(run.model_version)
        if live:
            con, _tables = snapshot.connect_live()
        else:
            con = scoring.connect_snapshot(snapshot.ensure())
        step(30)
        try:
            day = as_of or timezone.localdate()
            scored, sites = scoring.rescore(con, as_of=day, weights=weights)
            assert sites is not None
        finally:
            con.close()
        step(65)
        rows = scored.to_pylist()
        site_rows = sites.filter(pc.greater(sites.column("workers"), 0)).to_pylist()
        with transaction.atomic():
            RiskScore.objects.bulk_create(
                [
                    RiskScore(
                        run_id=run.pk,
                        employer_id=row["employer_id"],
                        score=row["score"],
                        rank=row["rank"],
                        workers=row["workers"],
                        reasons=scoring.reasons(row, weights),
                    )
                    for row in rows
                ],
                batch_size=5000,
            )
            WorksiteRiskScore.objects.bulk_create(
                [
                    WorksiteRiskScore(
                        run_id=run.pk,
                        worksite_id=row["worksite_id"],
                        employer_id=row["employer_id"],
                        score=row["score"],
                        rank=row["rank"],
                        workers=row["workers"],
                        reasons=scoring.reasons(row, weights),
                    )
                    for row in site_rows
                ],
                batch_size=5000,
            )
            ScoringRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE,
                progress=100,
                employers_scored=len(rows),
                seconds=time.monotonic() - started,
                finished_at=timezone.now(),
            )
            audit_record(
                actor=run.created_by, action="prevention.scoringrun.complete", obj=run, detail=f"employers:{len(rows)}"
            )
    except Exception as error:
        ScoringRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=str(error)[:200])
        raise
    run.refresh_from_db()
    return run


# --- Inspection plans ---------------------------------------------------------------------------
def _next_reference() -> str:
    return f"INS-{timezone.now():%y%m}-{secrets.token_hex(3).upper()}"


def plan_create(
    *,
    actor: Any,
    run: ScoringRun,
    inspectors: int,
    days: int,
    visits_per_day: int = 2,
    random_share: float = 0.05,
    seed: int | None = None,
) -> InspectionPlan:
    """Queue the top of `run` within the budget, with a random-audit slice drawn from the rest.

    The random slice (share of the budget) is chosen uniformly among employers not already
    selected, so the labels it produces are not only complaint- or score-driven.
    """
    _require_manager(actor)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("This scoring run has not finished."))
    errors = {}
    if not 1 <= inspectors <= 500:
        errors["inspectors"] = _("Between 1 and 500 inspectors.")
    if not 1 <= days <= 90:
        errors["days"] = _("Between 1 and 90 days.")
    if not 1 <= visits_per_day <= 10:
        errors["visits_per_day"] = _("Between 1 and 10 visits a day.")
    if not 0 <= random_share <= 0.5:
        errors["random_share"] = _("The random-audit share is between 0 and 50 %.")
    if errors:
        raise ValidationError(errors)
    seed = secrets.randbits(32) if seed is None else seed
    budget = inspectors * days * visits_per_day
    random_slots = round(budget * random_share)
    risk_slots = budget - random_slots
    open_employers = set(
        Inspection.objects.exclude(status=InspectionStatus.COMPLETED).values_list("employer_id", flat=True)
    )
    ranked = list(
        RiskScore.objects.filter(run=run, score__gt=0)
        .order_by("rank")
        .values_list("employer_id", "score")[: budget * 2 + len(open_employers)]
    )
    chosen = [(e, s) for e, s in ranked if e not in open_employers][:risk_slots]
    taken = {e for e, _ in chosen} | open_employers
    rest = list(RiskScore.objects.filter(run=run).exclude(employer_id__in=taken).values_list("employer_id", "score"))
    rest.sort()
    randomly = random.Random(seed).sample(rest, min(random_slots, len(rest)))
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            run=run,
            inspectors=inspectors,
            days=days,
            visits_per_day=visits_per_day,
            random_share=random_share,
            seed=seed,
            created_by=actor,
        )
        items = [
            Inspection(
                reference=_next_reference(),
                employer_id=e,
                plan=plan,
                reason=InspectionReason.RISK,
                priority=i,
                score=s,
                status=InspectionStatus.PLANNED,
            )
            for i, (e, s) in enumerate(chosen, start=1)
        ] + [
            Inspection(
                reference=_next_reference(),
                employer_id=e,
                plan=plan,
                reason=InspectionReason.RANDOM,
                priority=len(chosen) + i,
                score=s,
                status=InspectionStatus.PLANNED,
            )
            for i, (e, s) in enumerate(randomly, start=1)
        ]
        for item in items:  # references are random: retry the rare collision
            while Inspection.objects.filter(reference=item.reference).exists():
                item.reference = _next_reference()
        Inspection.objects.bulk_create(items)
        audit_record(
            actor=actor,
            action="prevention.inspectionplan.create",
            obj=plan,
            detail=f"risk:{len(chosen)},random:{len(randomly)}",
        )
    return plan


def inspection_assign(*, actor: Any, inspection: Inspection, inspector: Any) -> Inspection:
    """Give a planned (or reassign an assigned) inspection to a labour inspector of the agency."""
    _require_manager(actor)
    policy.require(actor, policy.CHANGE, inspection)
    from himaya.accounts.roles import Role

    if inspection.status == InspectionStatus.COMPLETED:
        raise ValidationError(_("This inspection is already completed."))
    if (
        inspector is None
        or not inspector.is_active
        or inspector.agency_id != actor.agency_id
        or not inspector.has_role(Role.LABOUR_INSPECTOR)
    ):
        raise ValidationError({"inspector": _("Choose a labour inspector of your agency.")})
    with transaction.atomic():
        inspection.inspector = inspector
        inspection.status = InspectionStatus.ASSIGNED
        inspection.save(update_fields=["inspector", "status"])
        audit_record(actor=actor, action="prevention.inspection.assign", obj=inspection, fields=["inspector"])
    return inspection


def plan_assign_round_robin(*, actor: Any, plan: InspectionPlan, inspectors: list[Any]) -> int:
    """Spread a plan's unassigned inspections over `inspectors` in priority order."""
    _require_manager(actor)
    if not inspectors:
        raise ValidationError({"inspector": _("Choose a labour inspector of your agency.")})
    items = list(plan.items.filter(status=InspectionStatus.PLANNED).order_by("priority"))
    with transaction.atomic():
        for i, item in enumerate(items):
            inspection_assign(actor=actor, inspection=item, inspector=inspectors[i % len(inspectors)])
    return len(items)


def _indicators(values: Any) -> list[str]:
    codes = sorted({str(v) for v in (values or [])})
    unknown = [c for c in codes if c not in ForcedLabourIndicator.values]
    if unknown:
        raise ValidationError({"indicators": _("Unknown indicator: %(codes)s") % {"codes": ", ".join(unknown)}})
    return codes


def inspection_record(
    *,
    actor: Any,
    inspection: Inspection,
    visited_on: dt.date,
    indicators_observed: list[str],
    passports_held: bool | None,
    wage_records_ok: bool | None,
    housing_ok: bool | None,
    violation_found: bool,
    outcome: str,
    notes: str = "",
) -> Inspection:
    """Record the visit's checklist, finding and outcome: the inspection is completed."""
    policy.require(actor, policy.CHANGE, inspection)
    if inspection.status == InspectionStatus.COMPLETED:
        raise ValidationError(_("This inspection is already completed."))
    if inspection.inspector_id != actor.pk:
        raise ValidationError(_("Only the assigned inspector records the visit."))
    codes = _indicators(indicators_observed)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The visit cannot be in the future.")})
    if not violation_found and outcome in (Outcome.FINE, Outcome.POLICE):
        raise ValidationError({"outcome": _("A fine or a police referral needs a violation.")})
    with transaction.atomic():
        inspection.visited_on = visited_on
        inspection.indicators_observed = codes
        inspection.passports_held = passports_held
        inspection.wage_records_ok = wage_records_ok
        inspection.housing_ok = housing_ok
        inspection.violation_found = violation_found
        inspection.outcome = outcome
        inspection.notes = notes
        inspection.status = InspectionStatus.COMPLETED
        inspection.completed_at = timezone.now()
        inspection.save()
        audit_record(
            actor=actor,
            action="prevention.inspection.complete",
            obj=inspection,
            fields=["checklist", "outcome", *(["notes"] if notes else [])],
        )
        transaction.on_commit(lambda: snapshot.refresh(["inspections"]))
    return inspection


def finding_add(
    *, actor: Any, inspection: Inspection, workers: list[Worker], indicators: list[str], description: str
) -> Finding:
    """Record what was found about some workers of the inspected employer."""
    policy.require(actor, policy.CHANGE, inspection)
    if inspection.inspector_id != actor.pk:
        raise ValidationError(_("Only the assigned inspector records findings."))
    codes = _indicators(indicators)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe what was found.")})
    if not codes:
        raise ValidationError({"indicators": _("Choose at least one indicator.")})
    if any(w.employer_id != inspection.employer_id for w in workers):
        raise ValidationError({"workers": _("Choose workers of the inspected employer.")})
    with transaction.atomic():
        finding = Finding.objects.create(
            inspection=inspection, indicators=codes, description=description, created_by=actor
        )
        finding.workers.set(workers)
        audit_record(actor=actor, action="prevention.finding.create", obj=finding, fields=["description", "workers"])
    return finding


def finding_to_intake(*, actor: Any, finding: Finding) -> IntakeDraft:
    """Turn a finding into an NRM intake draft, pre-filled, for the inspector to review.

    Encounter: channel labour inspection at the visit's date and worksite area; the person: the
    (first) worker named in the finding; situation: forced-labour suspicion in the employer's
    sector; the employer as a party; the indicators observed in the notes. The draft opens at
    its first step; a supervisor of the agency may resume and submit it (intake's rules).
    """
    policy.require(actor, policy.CHANGE, finding)
    if finding.intake_draft_id is not None:
        raise ValidationError(_("This finding already has an intake draft."))
    inspection = finding.inspection
    employer = inspection.employer
    workers = list(finding.workers.all())
    visited = inspection.visited_on or timezone.localdate()
    occurred = min(timezone.now(), timezone.make_aware(dt.datetime.combine(visited, dt.time(9, 0))))
    labels = dict(ForcedLabourIndicator.choices)
    indicator_text = "; ".join(f"{c} {labels.get(c, '')}" for c in finding.indicators)
    site = employer.worksites.first()
    steps: dict[int, dict[str, Any]] = {
        1: {
            "occurred_at": timezone.localtime(occurred).strftime("%Y-%m-%dT%H:%M"),
            "channel": "labour_inspection",
            "location": site.get_governorate_display() if site else "",
        },
        3: {
            "category": "trafficking_suspicion",
            "exploitation_types": ["ForcedLabour"],
            "industry": employer.isic_section,
        },
        4: {
            "events": [],
            "parties": [
                {"role": "Exploiter", "organisation": f"{employer.name or ''} (CR {employer.cr_number})".strip()[:200]}
            ],
        },
        5: {
            "notes": _("From inspection %(ref)s, finding %(finding)s. ILO indicators observed: %(codes)s. %(text)s")
            % {
                "ref": inspection.reference,
                "finding": finding,
                "codes": indicator_text,
                "text": finding.description,
            }
        },
    }
    if workers:
        first = workers[0]
        parts = (first.full_name or "").split(" ", 1)
        steps[2] = {
            "given_name_latin": parts[0],
            "family_name_latin": parts[1] if len(parts) > 1 else "",
            "gender": "NonSpecifiedUnknown",
            "nationality": first.nationality,
            "document_type": "",
            "document_number": "",
        }
    with transaction.atomic():
        draft = IntakeDraft.objects.create(owner=actor, agency_id=actor.agency_id, current_step=1, data="")
        audit_record(actor=actor, action="intake.draft.create", obj=draft, detail=f"finding:{finding.pk}")
        for number in sorted(steps):
            try:
                draft = intake_services.draft_save_step(actor=actor, draft=draft, step=number, data=steps[number])
            except ValidationError:
                continue  # left for the inspector to complete in the wizard
        finding.intake_draft = draft
        finding.save(update_fields=["intake_draft"])
        audit_record(actor=actor, action="prevention.finding.update", obj=finding, fields=["intake_draft"])
    return draft
