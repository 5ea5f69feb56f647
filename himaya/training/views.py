"""Training centre pages: public catalogue and verification; sessions and rosters for the centre's
staff and trainers; nominations for agency administrators; "my training" for participants."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.accounts.roles import Role
from himaya.audit.services import audit_record
from himaya.core import charts
from himaya.core.clientip import client_ip
from himaya.training import documents, selectors, services
from himaya.training.forms import (
    AttendanceForm,
    CancelForm,
    CourseForm,
    DeliveryForm,
    EvaluationForm,
    ModuleFormSet,
    NominateForm,
    QuestionForm,
    RevokeForm,
    SessionEditForm,
    SessionForm,
    modules_from,
)
from himaya.training.models import AssessmentKind, Certificate, Course, Nomination, NominationStatus, Question, Session
from himaya.training.rules import DELIVER, TAKE


def _rtl() -> bool:
    return (get_language() or "ar").startswith("ar")


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


# --- public --------------------------------------------------------------------------------------


@require_GET
def catalogue_view(request: HttpRequest) -> HttpResponse:
    """The public catalogue of upcoming sessions (no sign-in): course, dates, place, language."""
    sessions = list(selectors.upcoming_sessions()[:100])
    for session in sessions:
        session.places_left = max(session.capacity - session.enrolled, 0)  # type: ignore[attr-defined]
    return render(request, "training/catalogue.html", {"sessions": sessions})


def _throttled(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "HIMAYA_TRAINING_VERIFY_PER_MINUTE", 30))
    ip = client_ip(request)
    key = f"training-verify:{ip}:{int(timezone.now().timestamp()) // 60}"
    if cache.add(key, 1, timeout=70):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
    return count > limit


@require_GET
@never_cache
def verify_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public verification (the QR code's address): valid / expired / revoked, with the holder's
    name, the course and the dates only. Throttled per address; unknown tokens are a 404."""
    if _throttled(request):
        response = render(request, "training/verify.html", {"throttled": True}, status=429)
        response["Retry-After"] = "60"
        return response
    found = selectors.verification_lookup(token)
    if found is None:
        return render(request, "training/verify.html", {"missing": True}, status=404)
    audit_record(actor=None, action="training.certificate.verify", object_type="training.certificate", detail="public")
    course = found.course_ar if _rtl() else found.course_en
    response = render(request, "training/verify.html", {"v": found, "course": course})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- participants -----------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def mine_view(request: HttpRequest) -> HttpResponse:
    """My training: my nominations (with the tests to take) and my certificates."""
    actor = request.user
    nominations = list(selectors.nominations_of(actor=actor, participant=actor).prefetch_related("assessments"))
    for n in nominations:
        kinds = {a.kind: a for a in n.assessments.all()}
        n.pre = kinds.get(AssessmentKind.PRE)  # type: ignore[attr-defined]
        n.post = kinds.get(AssessmentKind.POST)  # type: ignore[attr-defined]
        started = n.session.starts_on <= timezone.localdate()
        active = n.status == NominationStatus.ENROLLED and n.session.cancelled_at is None
        n.can_take_pre = active and n.pre is None and n.post is None  # type: ignore[attr-defined]
        n.can_take_post = active and started and n.post is None  # type: ignore[attr-defined]
        n.can_evaluate = active and started and not hasattr(n, "evaluation")  # type: ignore[attr-defined]
    certificates = list(selectors.certificates_of(actor=actor, participant=actor))
    policy.audit_list(actor, Certificate, certificates)
    return render(
        request,
        "training/mine.html",
        {
            "nominations": nominations,
            "certificates": certificates,
            "evaluation_form": EvaluationForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def test_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Take the pre- or post-test: the course's question bank, scored when submitted."""
    actor = request.user
    nomination = policy.get_for(actor, Nomination, pk, TAKE)
    if kind not in AssessmentKind.values:
        raise Http404(_("Not found."))
    questions = list(nomination.session.course.questions.order_by("position"))
    status = 200
    error = ""
    if request.method == "POST":
        sheet: dict[int, int] = {}
        for question in questions:
            value = request.POST.get(f"q{question.pk}", "")
            if value.isdigit():
                sheet[question.pk] = int(value)
        try:
            assessment = services.assessment_submit(actor=actor, nomination=nomination, kind=kind, answers=sheet)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 400
        else:
            messages.success(request, _("Test submitted. Your score: %(score)d%%.") % {"score": assessment.score})
            return redirect("training:mine")
    for question in questions:
        question.labels = question.option_labels()  # type: ignore[attr-defined]
        question.chosen = request.POST.get(f"q{question.pk}", "")  # type: ignore[attr-defined]
    return render(
        request,
        "training/test.html",
        {
            "nomination": nomination,
            "kind": kind,
            "kind_label": AssessmentKind(kind).label,
            "questions": questions,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    nomination = policy.get_for(actor, Nomination, pk, TAKE)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
        return redirect("training:mine")
    try:
        services.evaluation_submit(actor=actor, nomination=nomination, **form.cleaned_data)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Thank you: your evaluation has been recorded."))
    return redirect("training:mine")


# --- certificates ---------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def certificate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    certificate = policy.get_for(actor, Certificate, pk)
    can_revoke = policy.can(actor, policy.CHANGE, certificate) and certificate.revoked_at is None
    return render(
        request,
        "training/certificate.html",
        {
            "certificate": certificate,
            "can_revoke": can_revoke,
            "revoke_form": RevokeForm(),
            "verify_url": services.verify_url(certificate.token),
        },
    )


@login_required
@never_cache
@require_GET
def certificate_pdf_view(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    actor = request.user
    if language not in ("ar", "en"):
        raise Http404(_("Not found."))
    certificate = policy.get_for(actor, Certificate, pk)
    pdf = documents.certificate_pdf(certificate, language=language)
    audit_record(
        actor=actor,
        action="training.certificate.download",
        obj=certificate,
        owner_agency_id=certificate.participant.agency_id,
        fields=["holder_name"],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}-{language}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    certificate = policy.get_for(actor, Certificate, pk, policy.CHANGE)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for the revocation (at least 10 characters)."))
        services.certificate_revoke(actor=actor, certificate=certificate, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Certificate revoked. The verification page now says so."))
    return redirect("training:certificate", pk=certificate.pk)


# --- sessions and rosters ----------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def sessions_view(request: HttpRequest) -> HttpResponse:
    """Sessions: all for the centre's staff and administrators; trainers see theirs first."""
    actor: Any = request.user
    sessions = list(selectors.session_list(actor=actor)[:200])
    mine: set[int] = set()
    if actor.has_role(Role.TRAINER):
        mine = set(selectors.session_list(actor=actor, action=DELIVER).values_list("pk", flat=True))
    return render(
        request,
        "training/sessions.html",
        {
            "sessions": sessions,
            "mine": mine,
            "can_create": policy.can_create(actor, Session),
            "can_manage": policy.has_permission(actor, "training.manage"),
            "can_nominate": policy.has_permission(actor, "training.nominate"),
            "can_coverage": policy.has_permission(actor, "training.coverage"),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not policy.can_create(actor, Session):
        policy.require_permission(actor, "training.manage")
    courses = selectors.course_list(actor=actor)
    form = SessionForm(request.POST or None, courses=courses)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.session_create(actor=actor, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect("training:session", pk=session.pk)
        status = 400
    return render(request, "training/session_form.html", {"form": form}, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a session's dates, place, language, places, trainers and partners (training officers)."""
    actor = request.user
    session = policy.get_for(actor, Session, pk, policy.CHANGE)
    initial = {name: getattr(session, name) for name in services._SESSION_FIELDS}
    initial["trainers"] = list(session.trainers.all())
    form = SessionEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.session_update(actor=actor, session=session, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Session updated."))
                return redirect("training:session", pk=session.pk)
        status = 400
    return render(
        request,
        "training/session_form.html",
        {"form": form, "session": session, "cancel_form": CancelForm() if session.cancelled_at is None else None},
        status=status,
    )


@login_required
@require_POST
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    session = policy.get_for(actor, Session, pk, policy.CHANGE)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for the cancellation (at least 10 characters)."))
        services.session_cancel(actor=actor, session=session, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("training:session-edit", pk=session.pk)
    messages.success(request, _("Session cancelled. The nominees have been told by e-mail."))
    return redirect("training:session", pk=session.pk)


# --- courses and question banks (the centre's staff) --------------------------------------------------


@login_required
@never_cache
@require_GET
def courses_view(request: HttpRequest) -> HttpResponse:
    """Every course of the catalogue, offered or not, with its rules and question bank size."""
    actor = request.user
    policy.require_permission(actor, "training.manage")
    courses = selectors.courses_for_staff(actor=actor)
    return render(request, "training/courses.html", {"courses": courses})


def _course_form_page(request: HttpRequest, course: Course | None) -> HttpResponse:
    actor = request.user
    initial: dict[str, Any] = {"validity_months": 24, "attendance_threshold": 80, "pass_mark": 70}
    module_initial: list[dict[str, str]] = []
    if course is not None:
        initial = {name: getattr(course, name) for name in services._COURSE_FIELDS}
        initial["prerequisites"] = list(course.prerequisites.all())
        module_initial = [
            {"title_ar": m.title_ar, "title_en": m.title_en, "outcomes_ar": m.outcomes_ar, "outcomes_en": m.outcomes_en}
            for m in course.modules.order_by("position")
        ]
    form = CourseForm(request.POST or None, initial=initial, course=course)
    modules = ModuleFormSet(request.POST or None, initial=module_initial, prefix="modules")
    status = 200
    if request.method == "POST":
        if form.is_valid() and modules.is_valid():
            data = dict(form.cleaned_data)
            try:
                if course is None:
                    course = services.course_create(actor=actor, modules=modules_from(modules), **data)
                    messages.success(request, _("Course added. Now add the questions of its pre- and post-test."))
                    return redirect("training:questions", pk=course.pk)
                prerequisites = data.pop("prerequisites")
                services.course_update(
                    actor=actor, course=course, modules=modules_from(modules), prerequisites=prerequisites, **data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Course updated."))
                return redirect("training:courses")
        status = 400
    return render(
        request, "training/course_form.html", {"form": form, "modules": modules, "course": course}, status=status
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def course_create_view(request: HttpRequest) -> HttpResponse:
    if not policy.can_create(request.user, Course):
        policy.require_permission(request.user, "training.manage")
    return _course_form_page(request, None)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def course_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = policy.get_for(request.user, Course, pk, policy.CHANGE)
    return _course_form_page(request, course)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def questions_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's question bank (with the correct answers): list, and a form to add a question."""
    actor = request.user
    course = policy.get_for(actor, Course, pk, policy.CHANGE)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_create(actor=actor, course=course, **form.values())
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Question added."))
                return redirect("training:questions", pk=course.pk)
        status = 400
    questions = list(course.questions.order_by("position"))
    for question in questions:
        question.labels = question.option_labels()  # type: ignore[attr-defined]
    return render(
        request,
        "training/questions.html",
        {"course": course, "questions": questions, "form": form},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def question_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    question = _question_for(actor, pk)
    form = QuestionForm(request.POST) if request.method == "POST" else QuestionForm(question=question)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_update(actor=actor, question=question, **form.values())
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Question updated."))
                return redirect("training:questions", pk=question.course_id)
        status = 400
    return render(
        request,
        "training/question_form.html",
        {"question": question, "form": form, "course": question.course},
        status=status,
    )


@login_required
@require_POST
def question_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    question = _question_for(actor, pk)
    course_id = question.course_id
    services.question_delete(actor=actor, question=question)
    messages.success(request, _("Question removed from the bank."))
    return redirect("training:questions", pk=course_id)


def _question_for(actor: Any, pk: int) -> Question:
    """A question of a course the actor may change (the bank holds the answers): 404 otherwise."""
    question = Question.objects.filter(pk=pk).first()
    if question is None:
        raise Http404(_("Not found."))
    question.course = policy.get_for(actor, Course, question.course_id, policy.CHANGE)
    return question


@login_required
@never_cache
@require_GET
def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One session: the course, and the roster the actor may see with what they may do on it."""
    actor = request.user
    session = policy.get_for(actor, Session, pk)
    rows = selectors.roster(actor=actor, session=session)
    can_deliver = policy.can(actor, DELIVER, session)
    can_manage = policy.can(actor, policy.CHANGE, session)
    days = session.days()
    today = timezone.localdate()
    for n in rows:
        marks = {a.day: a.present for a in n.attendance.all()}
        n.marks = [(day, marks.get(day)) for day in days]  # type: ignore[attr-defined]
        kinds = {a.kind: a.score for a in n.assessments.all()}
        n.pre_score, n.post_score = kinds.get("pre"), kinds.get("post")  # type: ignore[attr-defined]
        n.cert = getattr(n, "certificate", None)  # type: ignore[attr-defined]
        delivered = n.status == NominationStatus.ENROLLED and session.cancelled_at is None
        n.outcome = services.certification_outcome(n) if delivered else None  # type: ignore[attr-defined]
        n.can_withdraw = (  # type: ignore[attr-defined]
            policy.can(actor, policy.CHANGE, n) and session.is_open and n.status != NominationStatus.WITHDRAWN
        )
    staff = selectors.nominable_staff(actor=actor)
    nominate_form = (
        NominateForm(staff=staff) if session.is_open and policy.has_permission(actor, "training.nominate") else None
    )
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "rows": rows,
            "days": days,
            "past_days": [d for d in days if d <= today],
            "can_deliver": can_deliver,
            "can_manage": can_manage,
            "nominate_form": nominate_form,
            "unmet": services.unmet_messages(),
            "today": today,
            "evaluations": selectors.session_evaluations(actor=actor, session=session),
        },
    )


@login_required
@require_POST
def nominate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    policy.require_permission(actor, "training.nominate")
    session = policy.get_for(actor, Session, pk)
    form = NominateForm(request.POST, staff=selectors.nominable_staff(actor=actor))
    if not form.is_valid():
        messages.error(request, _("Choose a staff member of your agency."))
        return redirect("training:session", pk=session.pk)
    try:
        nomination = services.nomination_create(
            actor=actor, session=session, participant=form.cleaned_data["participant"]
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        if nomination.status == NominationStatus.WAITLISTED:
            messages.warning(request, _("The session is full: the nomination is on the waiting list."))
        else:
            messages.success(request, _("Nominated: the place is confirmed."))
    return redirect("training:session", pk=session.pk)


@login_required
@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    nomination = policy.get_for(actor, Nomination, pk, policy.CHANGE)
    try:
        services.nomination_withdraw(actor=actor, nomination=nomination)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Nomination withdrawn."))
    return redirect("training:session", pk=nomination.session_id)


@login_required
@require_POST
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    nomination = policy.get_for(actor, Nomination, pk, DELIVER)
    form = AttendanceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the day and whether the participant was present."))
        services.attendance_record(actor=actor, nomination=nomination, **form.cleaned_data)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Attendance recorded."))
    return redirect("training:session", pk=nomination.session_id)


@login_required
@require_POST
def delivery_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    nomination = policy.get_for(actor, Nomination, pk, DELIVER)
    form = DeliveryForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the date of the supervised delivery."))
        services.supervised_delivery_record(actor=actor, nomination=nomination, **form.cleaned_data)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Supervised delivery recorded."))
    return redirect("training:session", pk=nomination.session_id)


@login_required
@require_POST
def certify_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    nomination = policy.get_for(actor, Nomination, pk, policy.CHANGE)
    try:
        certificate = services.certificate_issue(actor=actor, nomination=nomination)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("training:session", pk=nomination.session_id)
    messages.success(request, _("Certificate %(number)s issued.") % {"number": certificate.number})
    return redirect("training:certificate", pk=certificate.pk)


@login_required
@never_cache
@require_GET
def nominations_view(request: HttpRequest) -> HttpResponse:
    """An agency administrator's view of their agency's nominations and certificates."""
    actor: Any = request.user
    policy.require_permission(actor, "training.nominate")
    nominations = list(selectors.agency_nominations(actor=actor)[:500])
    certificates = list(selectors.certificates_of(actor=actor).filter(nomination__agency_id=actor.agency_id)[:500])
    policy.audit_list(actor, Certificate, certificates)
    open_sessions = [s for s in selectors.upcoming_sessions()[:50]]
    return render(
        request,
        "training/nominations.html",
        {"nominations": nominations, "certificates": certificates, "open_sessions": open_sessions},
    )


# --- coverage ----------------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    today = timezone.localdate()
    if value.isdigit() and 2000 <= int(value) <= today.year:
        return int(value)
    return today.year


@login_required
@never_cache
@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    year = _year(request)
    figures = selectors.coverage(actor=actor, year=year)
    rtl = _rtl()
    agencies = figures["agencies"]
    share_chart = charts.bar_chart(
        title=_("Front-line staff trained, by agency"),
        labels=[r["agency"] for r in agencies],
        values=[r["percent"] for r in agencies],
        maximum=100,
        value_format=lambda v: f"{v:.0f}%",
        rtl=rtl,
        label_width=220,
    )
    trainer_chart = charts.bar_chart(
        title=_("Certified trainers, by agency"),
        labels=[f"{r['agency']} ({r['country']})" for r in figures["trainers"]],
        values=[r["trainers"] for r in figures["trainers"]],
        rtl=rtl,
    )
    courses = figures["courses"]
    gain_chart = charts.stacked_bar_chart(
        title=_("Average pre-test and gain at the post-test, by course"),
        labels=[r["course"] for r in courses],
        series=[
            (_("Pre-test"), [r["pre"] or 0 for r in courses]),
            (_("Gain"), [max(r["gain"] or 0, 0) for r in courses]),
        ],
        maximum=100,
        value_format=lambda v: f"{v:.0f}%",
        rtl=rtl,
        label_width=280,
        width=900,
    )
    expiring: list[Certificate] = []
    if policy.has_permission(actor, "training.manage"):
        expiring = list(selectors.expiring_certificates(actor=actor)[:200])
        policy.audit_list(actor, Certificate, expiring)
    return render(
        request,
        "training/coverage.html",
        {
            "f": figures,
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
            # charts.py escapes every label and value: the markup is safe by construction.
            "share_chart": mark_safe(share_chart),  # noqa: S308
            "trainer_chart": mark_safe(trainer_chart),  # noqa: S308
            "gain_chart": mark_safe(gain_chart),  # noqa: S308
            "expiring": expiring,
        },
    )


@login_required
@never_cache
@require_GET
def coverage_pdf_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    year = _year(request)
    figures = selectors.coverage(actor=actor, year=year)
    language = "ar" if _rtl() else "en"
    pdf = documents.annual_summary_pdf(figures, year=year, language=language)
    audit_record(actor=actor, action="training.summary.download", detail=f"year:{year}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="training-summary-{year}-{language}.pdf"'
    return response
