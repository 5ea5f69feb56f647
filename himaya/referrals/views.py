"""Referral pages: inbox, outbox, one referral with its actions, sending, and the service directory."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.agencies import hsds
from himaya.agencies.forms import apply_service_error
from himaya.agencies.models import Agency
from himaya.audit.services import audit_record
from himaya.core.pagination import CappedPaginator
from himaya.core.templatetags.himaya import label as choice_label
from himaya.core.urlcache import reverse_cached
from himaya.referrals import minimisation, rules, selectors, services
from himaya.referrals.forms import ActionForm, BoxFilterForm, DirectoryForm, SendForm
from himaya.referrals.models import Referral, ReferralState

PAGE_SIZE = 50
LIST_CAP = 1000  # capped pagination: narrow the filters beyond that
BOX_COLUMNS = (
    "reference",
    "case",
    "case__reference",
    "from_agency",
    "from_agency__name_ar",
    "from_agency__name_en",
    "to_agency",
    "to_agency__name_ar",
    "to_agency__name_en",
    "service_type",
    "urgency",
    "state",
    "answer_due_at",
    "queue_rank",
)


def _box(request: HttpRequest, box: str) -> HttpResponse:
    actor: Any = request.user
    selectors.require_referral_role(actor)
    form = BoxFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    # Only the columns a row shows: not the free-text fields (decrypted for nothing) nor the whole case.
    referrals = selectors.referral_list(actor=actor, box=box, state=state).only(*BOX_COLUMNS)
    paginator = CappedPaginator(referrals, PAGE_SIZE, cap=LIST_CAP)
    page = paginator.get_page(request.GET.get("page"))
    policy.audit_list(actor, Referral, page.object_list)
    status = 400 if form.is_bound and not form.is_valid() else 200
    now = timezone.now()
    return render(
        request,
        "referrals/box.html",
        {
            "box": box,
            "form": form,
            "page": page,
            "rows": [_box_row(r, box, now) for r in page.object_list],
            "capped": paginator.capped,
        },
        status=status,
    )


def _box_row(r: Referral, box: str, now: Any) -> dict[str, Any]:
    """What one row of a box shows, worked out here: a row of tags and filters per referral cost
    more than everything else on the page (fifty rows)."""
    overdue = r.state == ReferralState.SENT and r.answer_due_at < now
    if r.state != ReferralState.SENT:
        due = ""
    elif overdue:
        due = _("Overdue by %(since)s") % {"since": timesince(r.answer_due_at, now)}
    else:
        due = _("in %(left)s") % {"left": timeuntil(r.answer_due_at, now)}
    return {
        "pk": r.pk,
        "url": reverse_cached("referrals:detail", (r.pk,)),
        "reference": r.reference,
        "case_reference": r.case.reference,
        "agency": r.from_agency.name if box == "inbox" else r.to_agency.name,
        "service": choice_label(r, "service_type"),
        "urgent": r.urgency == "urgent",
        "urgency": choice_label(r, "urgency"),
        "state": r.state,
        "state_label": choice_label(r, "state"),
        "overdue": overdue,
        "due": due,
    }


@login_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    return _box(request, "inbox")


@login_required
@require_GET
def outbox_view(request: HttpRequest) -> HttpResponse:
    return _box(request, "outbox")


def _person_rows(actor: Any, referral: Referral) -> tuple[list[tuple[str, Any]], bool]:
    """What this viewer sees of the person: everything for the sender side, the minimised set for the
    receiving agency while the referral is open; (rows, minimised)."""
    case = referral.case
    person = case.person
    if person is None:
        return [], False
    if actor.agency_id == referral.from_agency_id:
        if not policy.can(actor, policy.VIEW, person):
            return [], False
        fields, minimised = minimisation.ALL_FIELDS, False
    elif rules.recipient_sees_person(actor, referral):
        fields, minimised = minimisation.fields_for(referral.service_type), True
    else:
        return [], True
    audit_record(
        actor=actor,
        action="people.person.view",
        obj=person,
        fields=minimisation.audited_fields(fields),
        detail=f"referral:{referral.reference}",
    )
    return minimisation.person_rows(case=case, person=person, fields=fields), minimised


def _detail(
    request: HttpRequest,
    referral: Referral,
    action_form: ActionForm | None = None,
    status: int = 200,
    reconsideration_form: Any = None,
) -> HttpResponse:
    from himaya.cases.forms import ReconsiderationForm

    actor: Any = request.user
    rows, minimised = _person_rows(actor, referral)
    may_reconsider = selectors.may_reconsider(actor=actor, referral=referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "events": referral.events.select_related("actor"),
            "actions": services.allowed_actions(actor=actor, referral=referral),
            "rows": rows,
            "minimised": minimised,
            "is_receiver": actor.agency_id == referral.to_agency_id,
            "action_form": action_form or ActionForm(),
            "may_reconsider": may_reconsider,
            "reconsideration_form": reconsideration_form or (ReconsiderationForm() if may_reconsider else None),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_GET
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(actor=request.user, pk=pk)
    return _detail(request, referral)


@login_required
@require_POST
def act_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor: Any = request.user
    referral = selectors.referral_get(actor=actor, pk=pk, action=policy.CHANGE)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.referral_act(actor=actor, referral=referral, action=action, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Referral updated."))
            return redirect("referrals:detail", pk=referral.pk)
    referral.refresh_from_db()
    return _detail(request, referral, form, status=400)


@login_required
@require_POST
def reconsideration_view(request: HttpRequest, pk: int) -> HttpResponse:
    from himaya.cases.forms import ReconsiderationForm
    from himaya.cases.services import reconsideration_request

    actor: Any = request.user
    referral = selectors.referral_get(actor=actor, pk=pk)
    if not selectors.may_reconsider(actor=actor, referral=referral):
        policy.refuse(actor, "reconsideration", referral)
    form = ReconsiderationForm(request.POST)
    if form.is_valid():
        try:
            reconsideration_request(actor=actor, case=referral.case, reasons=form.cleaned_data["reasons"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Reconsideration requested. The NRM coordinators will decide."))
            return redirect("referrals:detail", pk=referral.pk)
    referral.refresh_from_db()
    return _detail(request, referral, status=400, reconsideration_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def send_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor: Any = request.user
    case = selectors.case_for_referral(actor=actor, pk=case_id)
    agencies = policy.visible(actor, Agency).filter(is_active=True).exclude(pk=actor.agency_id).order_by("name_en")
    initial = {"service_type": request.GET.get("service_type", "")}
    form = SendForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                actor=actor,
                case=case,
                to_agency=data["to_agency"],
                service_type=data["service_type"],
                urgency=data["urgency"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Referral %(reference)s sent.") % {"reference": referral.reference})
            return redirect("referrals:detail", pk=referral.pk)
    service_type = (form.data.get("service_type") if form.is_bound else initial["service_type"]) or ""
    suggestions = (
        selectors.suggestions(
            actor=actor, service_type=service_type, person=case.person, exclude_agency_id=actor.agency_id
        )
        if service_type
        else []
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "referrals/send.html", {"case": case, "form": form, "suggestions": suggestions}, status=status
    )


@login_required
@require_GET
def directory_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = DirectoryForm(request.GET or None)
    service_type = language = ""
    if form.is_valid():
        service_type, language = form.cleaned_data["service_type"], form.cleaned_data["language"]
    rows = selectors.directory(actor=actor, service_type=service_type, language=language)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "referrals/directory.html", {"form": form, "services": rows}, status=status)


@login_required
@require_GET
def hsds_view(request: HttpRequest) -> JsonResponse:
    actor: Any = request.user
    agencies = policy.visible(actor, Agency).filter(is_active=True).order_by("name_en", "pk")
    rows = selectors.directory(actor=actor)
    return JsonResponse(hsds.export(agencies, rows), json_dumps_params={"ensure_ascii": False})
