"""Care pages: the case's care page (needs, care plan, services, way out), the legal file, the
service log for delivering agencies, the immigration non-removal check, the embassy's return
requests, and the reports. Thin: selectors read, services write, every object through the policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.agencies.models import Agency
from himaya.assistance import selectors, services
from himaya.assistance.forms import (
    ActionForm,
    ActionStatusForm,
    ClaimForm,
    ClaimStatusForm,
    CompensationForm,
    CompensationPaymentForm,
    CounsellingForm,
    CourtForm,
    CourtOutcomeForm,
    ExitPlanForm,
    FollowUpForm,
    GoalForm,
    NeedsAssessmentForm,
    NonRemovalForm,
    ServiceForm,
    TravelDocumentForm,
)
from himaya.assistance.models import (
    CareAction,
    CareGoal,
    ClaimStatus,
    Compensation,
    CourtAppointment,
    FollowUp,
    HearingStatus,
    LabourClaim,
)
from himaya.assistance.rules import DELIVERY_ROLES
from himaya.assistance.services import CLAIM_PARTY_ROLES
from himaya.cases.models import Case, InvolvedParty
from himaya.cases.timeline import stage_label
from himaya.intake.models import Attachment
from himaya.intake.selectors import attachment_list


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _agencies(actor: Any) -> list[Agency]:
    own = list(Agency.objects.filter(pk=actor.agency_id))
    others = list(policy.visible(actor, Agency).filter(is_active=True).exclude(pk=actor.agency_id).order_by("name_en"))
    return own + others


def _care_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    actor = request.user
    goals = list(policy.visible(actor, CareGoal).filter(case=case))
    plan = selectors.exit_plan_for(actor=actor, case=case)
    initial_exit: dict[str, Any] = {}
    if plan is not None:
        initial_exit = {name: getattr(plan, name) for name in ExitPlanForm.base_fields}
    return {
        "case": case,
        "stage_label": stage_label(case.stage),
        "history": selectors.needs_history(actor=actor, case=case),
        "plan": selectors.care_plan(actor=actor, case=case),
        "exit_plan": plan,
        "travel_requested": plan is not None
        and plan.travel_document_referral is not None
        and plan.travel_document_referral.state not in ("declined", "cancelled"),
        "follow_ups": selectors.follow_ups_for(actor=actor, case=case),
        "unmet": selectors.closure_unmet(case),
        "non_removal": case.stage in selectors.NON_REMOVAL_STAGES,
        "goal_form": forms.get("goal_form") or GoalForm(prefix="goal"),
        "action_form": forms.get("action_form") or ActionForm(prefix="action", goals=goals, agencies=_agencies(actor)),
        "exit_form": forms.get("exit_form") or ExitPlanForm(prefix="exit", initial=initial_exit),
        "travel_form": forms.get("travel_form") or TravelDocumentForm(prefix="travel"),
        "follow_up_form": FollowUpForm(prefix="fu", initial={"done_on": timezone.localdate()}),
        "follow_up_error": forms.get("follow_up_error"),
        "statuses": [("in_progress", _("Start")), ("done", _("Done")), ("cancelled", _("Cancel"))],
    }


@login_required
@never_cache
@require_GET
def care_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.care_case_get(actor=request.user, pk=case_id)
    return render(request, "assistance/care.html", _care_context(request, case))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def needs_new_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    case = selectors.care_case_get(actor=actor, pk=case_id)
    form = NeedsAssessmentForm(request.POST or None, prefix="needs", initial={"assessed_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.needs_assessment_record(
                    actor=actor,
                    case=case,
                    occasion=form.cleaned_data["occasion"],
                    assessed_on=form.cleaned_data["assessed_on"],
                    ratings=form.ratings(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Needs assessment recorded."))
                return redirect("assistance:care", case_id=case.pk)
        return render(request, "assistance/needs_form.html", {"case": case, "form": form}, status=400)
    return render(request, "assistance/needs_form.html", {"case": case, "form": form})


@login_required
@never_cache
@require_POST
def goal_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    case = selectors.care_case_get(actor=actor, pk=case_id)
    form = GoalForm(request.POST, prefix="goal")
    if form.is_valid():
        try:
            services.care_goal_add(actor=actor, case=case, description=form.cleaned_data["description"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Goal added to the care plan."))
            return redirect("assistance:care", case_id=case.pk)
    return render(request, "assistance/care.html", _care_context(request, case, goal_form=form), status=400)


@login_required
@never_cache
@require_POST
def action_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    case = selectors.care_case_get(actor=actor, pk=case_id)
    goals = list(policy.visible(actor, CareGoal).filter(case=case))
    agencies = _agencies(actor)
    form = ActionForm(request.POST, prefix="action", goals=goals, agencies=agencies)
    if form.is_valid():
        data = form.cleaned_data
        goal = next(g for g in goals if g.pk == data["goal"])
        agency = next(a for a in agencies if a.pk == data["responsible_agency"])
        try:
            action = services.care_action_add(
                actor=actor,
                goal=goal,
                type=data["type"],
                responsible_agency=agency,
                due_on=data["due_on"],
                description=data["description"],
                urgency=data["urgency"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if action.referral is not None:
                messages.success(
                    request,
                    _("Action added; referral %(reference)s sent to %(agency)s.")
                    % {"reference": action.referral.reference, "agency": agency.name},
                )
            else:
                messages.success(request, _("Action added to the care plan."))
            return redirect("assistance:care", case_id=case.pk)
    return render(request, "assistance/care.html", _care_context(request, case, action_form=form), status=400)


def _back(request: HttpRequest, action: CareAction) -> HttpResponse:
    if selectors.may_care(request.user, action.case):
        return redirect("assistance:care", case_id=action.case_id)
    return redirect("assistance:deliveries")


@login_required
@never_cache
@require_POST
def action_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    action = policy.get_for(actor, CareAction, pk, policy.CHANGE)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _back(request, action)
    try:
        services.care_action_set_status(actor=actor, action=action, status=form.cleaned_data["status"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Action updated."))
    return _back(request, action)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def service_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    action = policy.get_for(actor, CareAction, pk, policy.CHANGE)
    form = ServiceForm(request.POST or None, prefix="svc", initial={"duration_minutes": 60, "language": "ar"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.service_log(actor=actor, action=action, **data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Service logged."))
                return _back(request, action)
        status = 400
    return render(request, "assistance/service_form.html", {"action": action, "form": form}, status=status)


@login_required
@never_cache
@require_GET
def deliveries_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    if not actor.has_role(*DELIVERY_ROLES):
        raise Http404(_("Not found."))
    rows = list(selectors.actions_delivered_by(actor=actor))
    policy.audit_list(actor, CareAction, rows)
    return render(request, "assistance/deliveries.html", {"rows": rows})


@login_required
@never_cache
@require_POST
def exit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    case = selectors.care_case_get(actor=actor, pk=case_id)
    form = ExitPlanForm(request.POST, prefix="exit")
    if form.is_valid():
        data = dict(form.cleaned_data)
        pathway = data.pop("pathway")
        try:
            services.exit_plan_save(actor=actor, case=case, pathway=pathway, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Exit plan saved."))
            return redirect("assistance:care", case_id=case.pk)
    return render(request, "assistance/care.html", _care_context(request, case, exit_form=form), status=400)


@login_required
@never_cache
@require_POST
def travel_document_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    case = selectors.care_case_get(actor=actor, pk=case_id)
    form = TravelDocumentForm(request.POST, prefix="travel")
    if form.is_valid():
        try:
            plan = services.travel_document_request(actor=actor, case=case, note=form.cleaned_data["note"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            referral = plan.travel_document_referral
            messages.success(
                request,
                _("Travel document requested from %(agency)s (referral %(reference)s).")
                % {
                    "agency": referral.to_agency.name if referral else "",
                    "reference": referral.reference if referral else "",
                },
            )
            return redirect("assistance:care", case_id=case.pk)
    return render(request, "assistance/care.html", _care_context(request, case, travel_form=form), status=400)


@login_required
@never_cache
@require_POST
def follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    follow_up = policy.get_for(actor, FollowUp, pk, policy.CHANGE)
    form = FollowUpForm(request.POST, prefix="fu")
    error_text = ""
    if form.is_valid():
        try:
            services.follow_up_record(actor=actor, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            error_text = " ".join(error.messages)
        else:
            messages.success(request, _("Follow-up contact recorded."))
            return redirect("assistance:care", case_id=follow_up.case_id)
    else:
        error_text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    case = selectors.care_case_get(actor=actor, pk=follow_up.case_id)
    context = _care_context(request, case, follow_up_error=error_text)
    return render(request, "assistance/care.html", context, status=400)


# --- Legal ------------------------------------------------------------------------------------
def _parties(case: Case) -> list[tuple[int, str]]:
    parties = InvolvedParty.objects.filter(case=case, role__in=CLAIM_PARTY_ROLES).order_by("pk")
    return [
        (p.pk, f"{p.get_role_display()}: {p.organisation or p.name or p.registration_number or p.pk}") for p in parties
    ]


def _legal_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    actor = request.user
    legal = selectors.legal_file(actor=actor, case=case)
    for claim in legal["claims"]:
        moves = services.CLAIM_MOVES.get(ClaimStatus(claim.status), ())
        claim.next_statuses = [(m.value, m.label) for m in moves]  # type: ignore[attr-defined]
    for hearing in legal["hearings"]:
        hearing.form = CourtOutcomeForm(  # type: ignore[attr-defined]
            prefix=f"hearing{hearing.pk}",
            initial={"status": HearingStatus.HELD if hearing.status == "scheduled" else hearing.status},
        )
    for award in legal["awards"]:
        award.form = CompensationPaymentForm(  # type: ignore[attr-defined]
            prefix=f"award{award.pk}", initial={"paid_amount": award.paid_amount, "paid_on": award.paid_on}
        )
    attachments = list(attachment_list(actor=actor, case=case).values_list("pk", flat=True))
    return {
        "case": case,
        "has_parties": bool(_parties(case)),
        "file": legal,
        "attachments": attachments,
        "forms": [
            (
                _("Labour claim"),
                forms.get("claim_form") or ClaimForm(prefix="claim", parties=_parties(case)),
                "claim",
            ),
            (
                _("Legal counselling session"),
                forms.get("counselling_form")
                or CounsellingForm(prefix="counsel", initial={"held_on": timezone.localdate()}),
                "counselling",
            ),
            (_("Court support appointment"), forms.get("court_form") or CourtForm(prefix="court"), "court"),
            (
                _("Compensation awarded"),
                forms.get("compensation_form") or CompensationForm(prefix="comp"),
                "compensation",
            ),
        ],
    }


@login_required
@never_cache
@require_GET
def legal_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.care_case_get(actor=request.user, pk=case_id)
    return render(request, "assistance/legal.html", _legal_context(request, case))


@login_required
@never_cache
@require_POST
def legal_add_view(request: HttpRequest, case_id: int, what: str) -> HttpResponse:
    actor = request.user
    case = selectors.care_case_get(actor=actor, pk=case_id)
    form: Any
    if what == "counselling":
        form = CounsellingForm(request.POST, prefix="counsel")
        key = "counselling_form"
    elif what == "claim":
        form = ClaimForm(request.POST, prefix="claim", parties=_parties(case))
        key = "claim_form"
    elif what == "court":
        form = CourtForm(request.POST, prefix="court")
        key = "court_form"
    elif what == "compensation":
        form = CompensationForm(request.POST, prefix="comp")
        key = "compensation_form"
    else:
        raise Http404(_("Not found."))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if what == "counselling":
                services.legal_counselling_record(actor=actor, case=case, **data)
            elif what == "claim":
                data["party"] = InvolvedParty.objects.get(pk=data["party"], case=case)
                services.labour_claim_add(actor=actor, case=case, **data)
            elif what == "court":
                services.court_appointment_add(actor=actor, case=case, **data)
            else:
                services.compensation_record(actor=actor, case=case, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved to the legal file."))
            return redirect("assistance:legal", case_id=case.pk)
    return render(request, "assistance/legal.html", _legal_context(request, case, **{key: form}), status=400)


@login_required
@never_cache
@require_POST
def claim_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    claim = policy.get_for(actor, LabourClaim, pk, policy.CHANGE)
    form = ClaimStatusForm(request.POST)
    if form.is_valid():
        try:
            services.labour_claim_set_status(actor=actor, claim=claim, status=form.cleaned_data["status"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Claim updated."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("assistance:legal", case_id=claim.case_id)


@login_required
@never_cache
@require_POST
def court_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what became of a court support appointment (held with its outcome, postponed, cancelled)."""
    actor = request.user
    appointment = policy.get_for(actor, CourtAppointment, pk, policy.CHANGE)
    form = CourtOutcomeForm(request.POST, prefix=f"hearing{pk}")
    if form.is_valid():
        try:
            services.court_appointment_update(actor=actor, appointment=appointment, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Court support appointment updated."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect(reverse("assistance:legal", kwargs={"case_id": appointment.case_id}) + "#legal-hearings")


@login_required
@never_cache
@require_POST
def compensation_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what has been paid of a compensation award."""
    actor = request.user
    award = policy.get_for(actor, Compensation, pk, policy.CHANGE)
    form = CompensationPaymentForm(request.POST, prefix=f"award{pk}")
    if form.is_valid():
        try:
            services.compensation_update(actor=actor, award=award, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Compensation updated."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect(reverse("assistance:legal", kwargs={"case_id": award.case_id}) + "#legal-compensation")


# --- Immigration, embassies, reports ------------------------------------------------------------
@login_required
@never_cache
@require_GET
def non_removal_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.may_check_non_removal(actor):
        selectors.non_removal_check(actor=actor, document="")  # audited 404
    form = NonRemovalForm(request.GET or None, prefix="nr")
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.non_removal_check(actor=actor, document=form.cleaned_data["document"])
    return render(request, "assistance/non_removal.html", {"form": form, "results": results})


@login_required
@never_cache
@require_GET
def returns_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.may_see_return_requests(actor):
        raise Http404(_("Not found."))
    return render(request, "assistance/returns.html", {"rows": selectors.return_requests(actor=actor)})


@login_required
@never_cache
@require_GET
def reports_view(request: HttpRequest) -> HttpResponse:
    from django.utils.translation import get_language

    data = selectors.reports(actor=request.user)
    rtl = (get_language() or "ar").startswith("ar")
    return render(request, "assistance/reports.html", {"data": data, "charts": selectors.report_charts(data, rtl=rtl)})


@login_required
@never_cache
@require_POST
def claim_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    claim = policy.get_for(actor, LabourClaim, pk, policy.CHANGE)
    attachment = (
        policy.visible(actor, Attachment).filter(case_id=claim.case_id, pk=request.POST.get("attachment") or 0).first()
    )
    if attachment is None:
        messages.error(request, _("Choose a document attached to this case."))
    else:
        services.legal_document_attach(actor=actor, claim=claim, attachment=attachment)
        messages.success(request, _("Document filed with the claim."))
    return redirect("assistance:legal", case_id=claim.case_id)


@login_required
@never_cache
@require_GET
def summary_pdf_view(request: HttpRequest, case_id: int) -> HttpResponse:
    from django.utils.translation import get_language

    from himaya.assistance.summary import care_plan_pdf

    case = selectors.care_case_get(actor=request.user, pk=case_id)
    language = (get_language() or "ar")[:2]
    pdf = care_plan_pdf(actor=request.user, case=case, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="care-plan-{case.reference}.pdf"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def referral_needs_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    """A receiving agency (a shelter on admission) assesses the needs of a referred person."""
    from himaya.referrals.models import Referral

    actor: Any = request.user
    referral = policy.get_for(actor, Referral, referral_id)
    if referral.to_agency_id != actor.agency_id or not referral.is_open or not actor.has_role(*DELIVERY_ROLES):
        raise Http404(_("Not found."))
    case = referral.case
    form = NeedsAssessmentForm(
        request.POST or None, prefix="needs", initial={"assessed_on": timezone.localdate(), "occasion": "admission"}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.needs_assessment_record(
                    actor=actor,
                    case=case,
                    occasion=form.cleaned_data["occasion"],
                    assessed_on=form.cleaned_data["assessed_on"],
                    ratings=form.ratings(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Needs assessment recorded."))
                return redirect("referrals:detail", pk=referral.pk)
        status = 400
    context = {"case": case, "form": form, "referral": referral}
    return render(request, "assistance/needs_form.html", context, status=status)
