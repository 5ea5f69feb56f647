"""Intake wizard pages and attachment upload/download. Thin: selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.intake import selectors, services, steps
from himaya.intake.forms import AttachmentForm, PersonFindForm
from himaya.intake.models import IntakeDraft
from himaya.people import selectors as people_selectors
from himaya.people.models import Person


def _require_intake(actor: Any) -> None:
    if not selectors.may_start_intake(actor):
        policy.require_permission(actor, "intake.start")  # held by no one: an audited 404
        raise Http404


def _case_url(case: Any) -> str:
    try:
        return reverse("cases:detail", kwargs={"pk": case.pk})
    except NoReverseMatch:
        return reverse("intake:drafts")


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _require_intake(actor)
    if request.method == "POST":
        draft = services.draft_create(actor=actor)
        return redirect("intake:step", pk=draft.pk, step=1)
    drafts = list(selectors.draft_list(actor=actor)[:5])
    policy.audit_list(actor, IntakeDraft, drafts)
    return render(request, "intake/start.html", {"drafts": drafts})


@login_required
@never_cache
@require_GET
def drafts_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    drafts = list(selectors.draft_list(actor=actor)[:200])
    if not drafts:
        # Those who may start an intake see an empty list; a labour inspector, who only prepares
        # drafts from his findings, sees his own until he hands them over; anyone else: 404.
        _require_intake(actor)
    policy.audit_list(actor, IntakeDraft, drafts)
    return render(request, "intake/drafts.html", {"drafts": drafts})


def _add_row(post: Any, prefix: str) -> Any:
    data = post.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, "0"))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, 20))
    return data


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def step_view(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    actor = request.user
    draft = selectors.draft_get(actor=actor, pk=pk)
    if step not in steps.TITLES:
        raise Http404
    if step > draft.current_step:
        return redirect("intake:step", pk=draft.pk, step=draft.current_step)
    if step == steps.LAST:
        return _review(request, draft)
    context: dict[str, Any] = {"draft": draft, "step": step, "titles": steps.TITLES, "last": steps.LAST}
    status = 200
    if request.method == "POST":
        add = next((p for p in steps.ROWS if f"add_{p}" in request.POST), None)
        if step == 4 and add:
            bound = steps.build(step, _add_row(request.POST, add))
        else:
            bound = steps.build(step, request.POST)
            if steps.is_valid(bound):
                try:
                    services.draft_save_step(actor=actor, draft=draft, step=step, data=steps.extract(step, bound))
                except ValidationError as error:
                    context["service_errors"] = _errors(error)
                else:
                    if "save_exit" in request.POST:
                        messages.success(request, _("Draft %(ref)s saved.") % {"ref": draft.reference})
                        return redirect("intake:drafts")
                    return redirect("intake:step", pk=draft.pk, step=step + 1)
            status = 400
    else:
        stored = draft.step_data(step)
        if step == 2 and stored and "new" in request.GET:
            stored = {k: v for k, v in stored.items() if k != "existing_person"}
        bound = steps.build(step, stored=stored)
    context["forms"] = bound
    if step == 2:
        context.update(_person_context(request, draft))
    return render(request, f"intake/step{step}.html", context, status=status)


def _person_context(request: HttpRequest, draft: IntakeDraft) -> dict[str, Any]:
    actor = request.user
    find = PersonFindForm(request.GET if "find" in request.GET else None)
    found: list[Person] = []
    if find.is_bound and find.is_valid() and find.has_terms():
        found = list(people_selectors.person_list(actor=actor, **find.terms())[:10])
        policy.audit_list(actor, Person, found)
    linked = None
    stored = draft.step_data(2) or {}
    if stored.get("existing_person") and "new" not in request.GET:
        linked = _linked_person(actor, stored["existing_person"])
    return {"find": find, "found": found, "searched": find.is_bound, "linked": linked}


def _linked_person(actor: Any, pk: Any) -> Person | None:
    """The person a draft links to, or None if they are no longer in the actor's scope."""
    try:
        return people_selectors.person_get(actor=actor, pk=pk)
    except Http404:
        return None


def _review(request: HttpRequest, draft: IntakeDraft) -> HttpResponse:
    actor = request.user
    status = 200
    submit_errors: list[str] = []
    if request.method == "POST":
        try:
            case = services.draft_submit(actor=actor, draft=draft)
        except ValidationError as error:
            submit_errors = _errors(error)
            status = 400
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect(_case_url(case))
    values, errors = services.draft_review(draft)
    linked = None
    if values.get(2, {}).get("existing_person"):
        linked = _linked_person(actor, values[2]["existing_person"])
        if linked is None:
            errors[2] = [_("The linked person is no longer open to you; choose or record the person again.")]
    sections = [
        {"step": s, "title": steps.TITLES[s], "rows": steps.summary(s, values.get(s, {})), "errors": errors.get(s, [])}
        for s in range(1, steps.LAST)
    ]
    context = {
        "draft": draft,
        "step": steps.LAST,
        "titles": steps.TITLES,
        "last": steps.LAST,
        "sections": sections,
        "rows": steps.row_summaries(values.get(4, {})),
        "linked": linked,
        "ready": not errors,
        "submit_errors": submit_errors,
        "may_submit": services.may_open_cases(actor),
    }
    if not context["may_submit"]:
        context["candidates"] = selectors.hand_over_candidates(actor=actor, draft=draft)
    return render(request, "intake/review.html", context, status=status)


@login_required
@never_cache
@require_POST
def hand_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the draft to a first responder of the agency, who submits it (see services)."""
    actor = request.user
    draft = selectors.draft_get(actor=actor, pk=pk)
    candidates = {str(u.pk): u for u in selectors.hand_over_candidates(actor=actor, draft=draft)}
    to = candidates.get(request.POST.get("to", ""))
    try:
        services.draft_hand_over(actor=actor, draft=draft, to=to)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect("intake:step", pk=draft.pk, step=steps.LAST)
    messages.success(
        request, _("Draft %(ref)s handed to %(name)s, who will open the case.") % {"ref": draft.reference, "name": to}
    )
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_required
@never_cache
@require_POST
def discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    draft = selectors.draft_get(actor=actor, pk=pk)
    services.draft_discard(actor=actor, draft=draft)
    messages.success(request, _("Draft discarded."))
    return redirect("intake:drafts")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def attachment_upload_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    case = selectors.case_for_upload(actor=actor, pk=case_id)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.attachment_add(
                    actor=actor,
                    case=case,
                    name=upload.name,
                    content=upload.read(services.max_bytes() + 1),
                    declared_type=upload.content_type or "",
                )
            except ValidationError as error:
                form.add_error("file", _errors(error))
            else:
                messages.success(request, _("File attached."))
                return redirect(_case_url(case))
        status = 400
    attachments = list(selectors.attachment_list(actor=actor, case=case))
    return render(
        request,
        "intake/attachment_upload.html",
        {"case": case, "form": form, "attachments": attachments},
        status=status,
    )


@login_required
@never_cache
@require_GET
def attachment_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    attachment = selectors.attachment_get(actor=actor, pk=pk)
    content = services.attachment_content(actor=actor, attachment=attachment)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[attachment.content_type]
    response = HttpResponse(content, content_type=attachment.content_type)
    # The stored name is personal data: the download is named by its reference only.
    response["Content-Disposition"] = f'attachment; filename="{attachment}.{extension}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
