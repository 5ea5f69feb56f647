"""Case pages: the list, the case page with its actions, the coordinator overview. Thin: selectors
read, services write; every case comes through the policy (out of scope is 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from himaya.access import policy
from himaya.cases import selectors, services
from himaya.cases.forms import (
    AssignForm,
    CaseFilterForm,
    DecisionForm,
    NoteForm,
    ReconsiderationForm,
    TransitionForm,
)
from himaya.cases.models import STAGE_LABELS, Case, CaseNote, Decision
from himaya.cases.timeline import describe, event_labels, stage_label
from himaya.clocks.workflow import Stage
from himaya.core.pagination import CappedPaginator
from himaya.core.templatetags.himaya import date_html, stage_badge
from himaya.core.templatetags.himaya import label as choice_label
from himaya.core.urlcache import reverse_cached

PAGE_SIZE = 25
LIST_CAP = 1000  # capped pagination: narrow the filters beyond 1000 cases


def _filters(form: CaseFilterForm) -> selectors.CaseFilters:
    if not form.is_valid():
        return selectors.CaseFilters()
    data = form.cleaned_data
    return selectors.CaseFilters(
        stage=data["stage"] or "",
        category=data["category"] or "",
        urgent=bool(data["urgent"]),
        overdue=bool(data["overdue"]),
        mine=bool(data["mine"]),
    )


@login_required
@never_cache
@require_GET
@vary_on_headers("HX-Request")
def case_list_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = CaseFilterForm(request.GET or None)
    qs = selectors.case_list(actor=actor, filters=_filters(form))
    paginator = CappedPaginator(qs, PAGE_SIZE, cap=LIST_CAP)
    page = paginator.get_page(request.GET.get("page"))
    policy.audit_list(actor, Case, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    rows = [_list_row(c, actor) for c in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "capped": paginator.capped,
        "filtering": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        "may_see_cases": selectors.may_use_case_pages(actor),
    }
    template = "cases/_results.html" if request.headers.get("HX-Request") else "cases/list.html"
    return render(request, template, context)


def _list_row(case: Case, actor: Any) -> dict[str, Any]:
    """What one row of the case list shows, worked out here: tags and filters on every row cost
    more than the rest of the page."""
    due = selectors.decision_due(case)
    return {
        "case": case,
        "url": reverse_cached("cases:detail", (case.pk,)),
        "stage": stage_badge(case.stage, choice_label(case, "stage")),
        "category": choice_label(case, "category"),
        "due": date_html(due, actor) if due else "",
        "overdue": selectors.is_overdue(due),
        "agency": str(case.owner_agency),
        "opened": date_html(case.created_at, actor),
    }


def _overview_row(case: Case, actor: Any) -> dict[str, Any]:
    due = selectors.decision_due(case)
    return {
        "case": case,
        "due": due,
        "url": reverse_cached("cases:detail", (case.pk,)),
        "stage": choice_label(case, "stage"),
        "agency": str(case.owner_agency),
        "due_html": date_html(due, actor),
    }


def _detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    actor = request.user
    labels = event_labels()
    entries = selectors.timeline(case=case)
    notes = {str(n.pk): n for n in CaseNote.objects.filter(case=case)}
    may_decide = selectors.may_decide(actor=actor, case=case)
    may_change = policy.can(actor, "transition", case)
    staff = selectors.assignable_staff(actor=actor, case=case) if may_change else []
    shows_decision = may_decide and case.stage in (
        Stage.RG_PENDING,
        Stage.RECOVERY_PERIOD,
        Stage.CG_PENDING,
        Stage.RECONSIDERATION,
    )
    may_note = may_change or may_decide
    may_reconsider = selectors.may_request_reconsideration(actor=actor, case=case)
    # Forms only for the sections the page shows this actor.
    return {
        "case": case,
        "stage_label": stage_label(case.stage),
        "deadlines": selectors.deadlines(case),
        "timeline": [
            {
                "entry": e,
                "text": describe(e),
                "note": notes.get(e.object_id) if e.object_type == "cases.casenote" else None,
            }
            for e in entries
        ],
        "events": [(e.value, labels.get(e.value, e.value)) for e in selectors.available_events(actor=actor, case=case)],
        "may_decide": shows_decision,
        "may_note": may_note,
        "may_reconsider": may_reconsider,
        "may_work": policy.can(actor, policy.CHANGE, case),
        "decisions": list(Decision.objects.filter(case=case).select_related("decided_by")),
        "decision_form": forms.get("decision_form")
        or (
            DecisionForm(initial={"kind": _default_kind(case), "deciding_org": _deciding_org_for(actor)})
            if shows_decision
            else None
        ),
        "note_form": forms.get("note_form") or (NoteForm() if may_note else None),
        "reconsideration_form": forms.get("reconsideration_form")
        or (ReconsiderationForm() if may_reconsider else None),
        "transition_error": forms.get("transition_error"),
        "assign_form": forms.get("assign_form")
        or (AssignForm(staff=staff, initial={"assigned_to": case.assigned_to_id}) if staff else None),
    }


def _deciding_org_for(actor: Any) -> str:
    """HTCDS decision-making organisation type of the decider's own agency (the form's default)."""
    from himaya.agencies.models import AgencyType
    from himaya.cases.models import DecidingOrg

    kind = actor.agency.type
    if kind == AgencyType.POLICE:
        return DecidingOrg.POLICE
    if kind == AgencyType.PROSECUTION:
        return DecidingOrg.COURT_OR_PROSECUTION
    if kind in (AgencyType.NGO, AgencyType.SHELTER_OPERATOR):
        return DecidingOrg.NGO
    if kind in (AgencyType.INTERNATIONAL_ORG, AgencyType.EMBASSY, AgencyType.PARTNER_NRM):
        return DecidingOrg.OTHER
    return DecidingOrg.NON_POLICE_GOVERNMENT


def _default_kind(case: Case) -> str:
    if case.stage == Stage.RECONSIDERATION:
        return "reconsideration"
    if case.stage in (Stage.RECOVERY_PERIOD, Stage.CG_PENDING):
        return "cg"
    return "rg"


@login_required
@never_cache
@require_GET
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, pk=pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _errors_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@login_required
@never_cache
@require_POST
def case_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    case = selectors.case_get(actor=actor, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, case, transition_error=_("Choose a step."))
        return render(request, "cases/detail.html", context, status=400)
    try:
        case = services.case_transition(
            actor=actor, case=case, event=form.cleaned_data["event"], reasons=form.cleaned_data["reasons"]
        )
    except ValidationError as error:
        context = _detail_context(request, case, transition_error=_errors_text(error))
        return render(request, "cases/detail.html", context, status=400)
    messages.success(request, _("The case is now “%(stage)s”.") % {"stage": stage_label(case.stage)})
    return redirect("cases:detail", pk=case.pk)


@login_required
@never_cache
@require_POST
def case_decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    case = selectors.case_get(actor=actor, pk=pk)
    policy.require(actor, "decide", case)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(actor=actor, case=case, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            case.refresh_from_db()
            messages.success(
                request, _("Decision recorded. The case is now “%(stage)s”.") % {"stage": stage_label(case.stage)}
            )
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/detail.html", _detail_context(request, case, decision_form=form), status=400)


@login_required
@never_cache
@require_POST
def case_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    case = selectors.case_get(actor=actor, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(actor=actor, case=case, text=form.cleaned_data["text"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Note added."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/detail.html", _detail_context(request, case, note_form=form), status=400)


@login_required
@never_cache
@require_POST
def case_reconsideration_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    case = selectors.case_get(actor=actor, pk=pk)
    if not selectors.may_request_reconsideration(actor=actor, case=case):
        policy.require(actor, "transition", case)  # 404 for those who may not act at all
    form = ReconsiderationForm(request.POST)
    if form.is_valid():
        try:
            services.reconsideration_request(actor=actor, case=case, reasons=form.cleaned_data["reasons"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Reconsideration requested. The NRM coordinators will decide."))
            return redirect("cases:detail", pk=case.pk)
    context = _detail_context(request, case, reconsideration_form=form)
    return render(request, "cases/detail.html", context, status=400)


@login_required
@never_cache
@require_POST
def case_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    case = selectors.case_get(actor=actor, pk=pk)
    policy.require(actor, "transition", case)  # assignment is the owning agency's step
    form = AssignForm(request.POST, staff=selectors.assignable_staff(actor=actor, case=case))
    if form.is_valid():
        try:
            case = services.case_assign(actor=actor, case=case, assignee=form.assignee())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if case.assigned_to is None:
                messages.success(request, _("The case is no longer assigned to anyone."))
            else:
                messages.success(request, _("Case assigned to %(name)s.") % {"name": case.assigned_to.full_name})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/detail.html", _detail_context(request, case, assign_form=form), status=400)


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@never_cache
@require_GET
def case_overview_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    policy.require_permission(actor, "cases.overview")
    data = selectors.overview(actor=actor)
    policy.audit_list(actor, Case, [*data["due_this_week"], *data["overdue"]])
    counts = [(s.value, STAGE_LABELS[s], data["counts"].get(s.value, 0)) for s in Stage]
    return render(
        request,
        "cases/overview.html",
        {
            "counts": counts,
            "counted_at": data["counted_at"],
            "more_due": data["more_due"],
            "more_overdue": data["more_overdue"],
            "due_this_week": [_overview_row(c, actor) for c in data["due_this_week"]],
            "overdue": [
                {**_overview_row(c, actor), "days": -(selectors.working_days_left(selectors.decision_due(c)) or 0)}
                for c in data["overdue"]
                if selectors.is_overdue(selectors.decision_due(c))
            ],
        },
    )
