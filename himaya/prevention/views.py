"""Prevention pages. Thin: selectors read, services write, tasks do the long work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.core import charts
from himaya.prevention import importers, reasons, selectors, services, tasks
from himaya.prevention.forms import AssignForm, FindingForm, ImportForm, InspectionForm, PlanForm, ScoringForm
from himaya.prevention.models import Inspection, InspectionStatus, RunStatus, Worker


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
@never_cache
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    selectors.require_aggregates(actor)
    run = selectors.latest_run()
    rows = selectors.hit_rates_over_time()
    chart = ""
    if rows:
        chart = charts.line_chart(
            title=_("Model hit rate at the inspection budget, over time"),
            labels=[str(r["plan"]) for r in rows],
            # A plan whose random slice has no completed visit yet has no rate: drawn only once known.
            series=[(_("Risk-ranked"), [100 * (r["risk_rate"] or 0) for r in rows])]
            + (
                [(_("Random audit"), [100 * (r["random_rate"] or 0) for r in rows])]
                if any(r["random_rate"] is not None for r in rows)
                else []
            ),
            rtl=get_language_bidi(),
            value_format=lambda v: f"{v:.0f} %",
        )
    return render(
        request,
        "prevention/home.html",
        {"run": run, "rows": rows, "chart": mark_safe(chart), "may_manage": selectors.may_manage(actor)},  # noqa: S308 charts escapes every label
    )


@login_required
@never_cache
@require_GET
def fairness_view(request: HttpRequest) -> HttpResponse:
    selectors.require_aggregates(request.user)
    run = selectors.latest_run()
    report = selectors.fairness_report(run=run) if run is not None else None
    context = {"run": run, "report": report, "may_manage": selectors.may_manage(request.user)}
    return render(request, "prevention/fairness.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def imports_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    batches = selectors.batch_list(actor=actor)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                path = services.save_upload(upload)
                with transaction.atomic():
                    batch = services.import_batch_create(
                        actor=actor, source=form.cleaned_data["source"], file_name=upload.name, path=path
                    )
                    transaction.on_commit(lambda: tasks.run_import.enqueue(batch.pk))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("prevention:import_detail", pk=batch.pk)
        status = 400
    return render(request, "prevention/imports.html", {"form": form, "batches": batches[:50]}, status=status)


@login_required
@never_cache
@require_GET
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(actor=request.user, pk=pk)
    rejections = [{**r, "reason": importers.describe_rejection(r)} for r in batch.rejections[:500]]
    context = {
        "batch": batch,
        "rejections": rejections,
        "running": batch.status in (RunStatus.QUEUED, RunStatus.RUNNING),
    }
    template = (
        "prevention/_import_progress.html" if request.headers.get("HX-Request") else "prevention/import_detail.html"
    )
    return render(request, template, context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def scoring_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    runs = selectors.run_list(actor=actor)
    form = ScoringForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                run = services.scoring_run_create(actor=actor, version=form.cleaned_data["version"])
                transaction.on_commit(lambda: tasks.run_scoring.enqueue(run.pk))
            return redirect("prevention:run", pk=run.pk)
        return render(request, "prevention/scoring.html", {"form": form, "runs": runs[:30]}, status=400)
    return render(request, "prevention/scoring.html", {"form": form, "runs": runs[:30]})


@login_required
@never_cache
@require_GET
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    run = selectors.run_get(actor=actor, pk=pk)
    running = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    context: dict[str, Any] = {"run": run, "running": running}
    if request.headers.get("HX-Request"):
        return render(request, "prevention/_run_progress.html", context)
    if run.status == RunStatus.DONE:
        top = list(selectors.ranking(actor=actor, run=run, limit=100))
        context["scores"] = [{"score": s, "reasons": reasons.explain(s.reasons)} for s in top]
        context["plan_form"] = PlanForm()
        context["plans"] = run.plans.all()
    return render(request, "prevention/run.html", context)


@login_required
@never_cache
@require_POST
def plan_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    run = selectors.run_get(actor=actor, pk=pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(
                actor=actor,
                run=run,
                inspectors=form.cleaned_data["inspectors"],
                days=form.cleaned_data["days"],
                visits_per_day=form.cleaned_data["visits_per_day"],
                random_share=form.cleaned_data["random_percent"] / 100,
            )
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Inspection plan %(ref)s created.") % {"ref": plan})
            return redirect("prevention:plan", pk=plan.pk)
    else:
        messages.error(request, _("Check the budget: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("prevention:run", pk=run.pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    plan = selectors.plan_get(actor=actor, pk=pk)
    people = selectors.inspectors(actor=actor)
    form = AssignForm(request.POST or None, inspectors=people)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = [u for u in people if str(u.pk) in form.cleaned_data["inspectors"]]
            try:
                count = services.plan_assign_round_robin(actor=actor, plan=plan, inspectors=chosen)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(count)d inspections assigned.") % {"count": count})
                return redirect("prevention:plan", pk=plan.pk)
        status = 400
    items = list(plan.items.select_related("employer", "inspector").order_by("priority"))
    policy.audit_list(actor, Inspection, items)
    return render(request, "prevention/plan.html", {"plan": plan, "items": items, "form": form}, status=status)


@login_required
@never_cache
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    selectors.require_queue(actor)
    items = list(selectors.queue(actor=actor)[:300])
    policy.audit_list(actor, Inspection, items)
    return render(request, "prevention/queue.html", {"items": items})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def inspection_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    inspection = selectors.inspection_get(actor=actor, pk=pk)
    workers = list(selectors.inspection_workers(actor=actor, inspection=inspection)[:200])
    policy.audit_list(actor, Worker, workers)
    mine = inspection.inspector_id == actor.pk
    form = InspectionForm(request.POST or None, initial={"visited_on": inspection.visited_on})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.inspection_record(
                    actor=actor,
                    inspection=inspection,
                    visited_on=data["visited_on"],
                    indicators_observed=data["indicators_observed"],
                    passports_held=form.tri(data["passports_held"]),
                    wage_records_ok=form.tri(data["wage_records_ok"]),
                    housing_ok=form.tri(data["housing_ok"]),
                    violation_found=data["violation_found"],
                    outcome=data["outcome"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Inspection %(ref)s recorded.") % {"ref": inspection.reference})
                return redirect("prevention:inspection", pk=inspection.pk)
        status = 400
    latest = selectors.latest_run()
    score = latest.scores.filter(employer_id=inspection.employer_id).first() if latest else None
    context = {
        "inspection": inspection,
        "workers": workers,
        "mine": mine,
        "form": form,
        "finding_form": FindingForm(workers=workers),
        "findings": list(inspection.findings.prefetch_related("workers")),
        "reasons": reasons.explain(score.reasons) if score else [],
        "sites": [
            {"score": site, "reasons": reasons.explain(site.reasons)}
            for site in (
                selectors.worksite_scores(actor=actor, run=latest, employer=inspection.employer) if latest else []
            )
        ],
        "score": score,
        "completed": inspection.status == InspectionStatus.COMPLETED,
    }
    return render(request, "prevention/inspection.html", context, status=status)


def _add_errors(form: Any, error: ValidationError) -> None:
    """A service's refusal shown on the form: by field when it names one, else above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@never_cache
@require_POST
def finding_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    inspection = policy.get_for(actor, Inspection, pk, policy.CHANGE)
    workers = list(selectors.inspection_workers(actor=actor, inspection=inspection))
    form = FindingForm(request.POST, workers=workers)
    if form.is_valid():
        chosen = [w for w in workers if str(w.pk) in form.cleaned_data["workers"]]
        try:
            services.finding_add(
                actor=actor,
                inspection=inspection,
                workers=chosen,
                indicators=form.cleaned_data["indicators"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Finding recorded."))
    else:
        messages.error(request, _("The finding needs indicators and a description."))
    return redirect("prevention:inspection", pk=inspection.pk)


@login_required
@never_cache
@require_POST
def finding_intake_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    finding = selectors.finding_get(actor=actor, pk=pk)
    try:
        draft = services.finding_to_intake(actor=actor, finding=finding)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect("prevention:inspection", pk=finding.inspection_id)
    messages.success(request, _("Intake draft %(ref)s opened from the finding.") % {"ref": draft.reference})
    return redirect("intake:step", pk=draft.pk, step=1)
