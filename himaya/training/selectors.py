"""Reads at the training centre, each starting from the access policy (the public catalogue and
the public verification page read only published fields and take no actor)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from himaya.access import policy
from himaya.accounts.models import ROLE_LABELS, User
from himaya.accounts.roles import Role
from himaya.training.models import (
    Assessment,
    AssessmentKind,
    Certificate,
    Course,
    Evaluation,
    Level,
    Nomination,
    NominationStatus,
    Session,
)
from himaya.training.rules import DELIVER

FRONT_LINE_ROLES = (Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SERVICE_PROVIDER)
EXPIRY_WINDOW_DAYS = 90


def upcoming_sessions() -> QuerySet[Session]:
    """The public catalogue: published, not cancelled, not yet started."""
    return (
        Session.objects.filter(published=True, cancelled_at__isnull=True, starts_on__gt=timezone.localdate())
        .select_related("course")
        .annotate(enrolled=Count("nominations", filter=Q(nominations__status=NominationStatus.ENROLLED), distinct=True))
        .order_by("starts_on", "pk")
    )


def course_list(*, actor: Any) -> QuerySet[Course]:
    return policy.visible(actor, Course).filter(is_active=True).prefetch_related("modules", "prerequisites")


def courses_for_staff(*, actor: Any) -> QuerySet[Course]:
    """Every course, offered or not, with how many questions its bank holds (the centre's staff)."""
    policy.require_permission(actor, "training.manage")
    return (
        policy.visible(actor, Course, policy.CHANGE)
        .annotate(question_count=Count("questions", distinct=True), session_count=Count("sessions", distinct=True))
        .prefetch_related("prerequisites")
        .order_by("-is_active", "level", "code")
    )


def session_list(*, actor: Any, action: str = policy.VIEW) -> QuerySet[Session]:
    return (
        policy.visible(actor, Session, action)
        .select_related("course")
        .annotate(enrolled=Count("nominations", filter=Q(nominations__status=NominationStatus.ENROLLED), distinct=True))
        .order_by("-starts_on", "pk")
    )


def roster(*, actor: Any, session: Session) -> list[Nomination]:
    """The session's nominations the actor may see, with attendance, tests and certificate."""
    rows = list(
        policy.visible(actor, Nomination)
        .filter(session=session)
        .select_related("participant", "agency")
        .prefetch_related("attendance", "assessments", Prefetch("certificate"))
        .order_by("status", "nominated_at", "pk")
    )
    return rows


def nominations_of(*, actor: Any, participant: Any) -> QuerySet[Nomination]:
    return (
        policy.visible(actor, Nomination)
        .filter(participant=participant)
        .select_related("session__course")
        .order_by("-session__starts_on")
    )


def agency_nominations(*, actor: Any) -> QuerySet[Nomination]:
    """The nominations of the actor's own agency (agency administrators)."""
    return (
        policy.visible(actor, Nomination)
        .filter(agency_id=actor.agency_id)
        .select_related("session__course", "participant")
        .order_by("-session__starts_on", "participant__full_name")
    )


def nominable_staff(*, actor: Any) -> QuerySet[User]:
    """Whom the actor may nominate: their own agency's active staff (officers: anyone active)."""
    staff = User.objects.filter(is_active=True, is_integration=False).select_related("agency")
    if actor.has_role(Role.TRAINING_OFFICER):
        return staff.order_by("agency__name_en", "full_name")
    if not actor.has_role(Role.AGENCY_ADMIN):
        return staff.none()
    return staff.filter(agency_id=actor.agency_id).order_by("full_name")


def certificates_of(*, actor: Any, participant: Any | None = None) -> QuerySet[Certificate]:
    rows = policy.visible(actor, Certificate).select_related("course", "participant__agency")
    if participant is not None:
        rows = rows.filter(participant=participant)
    return rows


@dataclass(frozen=True)
class PublicVerification:
    """Everything the public page may show: status, name, course and dates. Nothing else."""

    status: str
    holder: str
    course_ar: str
    course_en: str
    issued_on: dt.date
    expires_on: dt.date


def verification_lookup(token: str) -> PublicVerification | None:
    if not token or len(token) > 64:
        return None
    certificate = Certificate.objects.select_related("course").filter(token=token).first()
    if certificate is None:
        return None
    return PublicVerification(
        status=certificate.status,
        holder=certificate.holder_name,
        course_ar=certificate.course.title_ar,
        course_en=certificate.course.title_en,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
    )


# --- evaluations -------------------------------------------------------------------------------


def _evaluation_figures(rows: QuerySet[Evaluation], *, comments: bool) -> dict[str, Any]:
    from django.utils.translation import gettext as _

    figures = rows.aggregate(responses=Count("pk"), rating=Avg("rating"), relevance=Avg("relevance"))
    questions = []
    for field, label in (("rating", _("Overall rating")), ("relevance", _("Relevance to the participant's work"))):
        counts = dict(rows.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        questions.append(
            {
                "label": label,
                "average": figures[field],
                "distribution": [(score, counts.get(score, 0)) for score in range(1, 6)],
            }
        )
    result: dict[str, Any] = {"responses": figures["responses"], "questions": questions}
    if comments:
        result["comments"] = list(
            rows.exclude(comment="").order_by("-submitted_at").values_list("comment", flat=True)[:500]
        )
    return result


def session_evaluations(*, actor: Any, session: Session) -> dict[str, Any] | None:
    """What the session's participants said: responses, average and spread per question.

    The session's trainers and the centre's staff see the figures; the free-text comments (without
    names) are for the centre's staff only. None for anyone else.
    """
    if not policy.can(actor, DELIVER, session):
        return None
    rows = Evaluation.objects.filter(nomination__session=session, nomination__status=NominationStatus.ENROLLED)
    return _evaluation_figures(rows, comments=policy.has_permission(actor, "training.manage"))


# --- coverage -----------------------------------------------------------------------------------


def _valid_certificates(today: dt.date) -> QuerySet[Certificate]:
    return Certificate.objects.filter(revoked_at__isnull=True, expires_on__gte=today)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def coverage(*, actor: Any, year: int | None = None) -> dict[str, Any]:
    """The dashboard's figures (aggregates only; `training.coverage` permission).

    - share of front-line staff (first responders, case workers, service providers) holding a
      valid certificate, per agency and per role;
    - the trainer pool (valid training-of-trainers certificates) per agency and country;
    - sessions delivered in the year, and pre/post-test averages and gain per course;
    - how many certificates expire within 90 days.
    """
    policy.require_permission(actor, "training.coverage")
    today = timezone.localdate()
    year = year or today.year
    valid = _valid_certificates(today)
    trained_ids = set(valid.values_list("participant_id", flat=True))
    front_line = (
        User.objects.filter(is_active=True, is_integration=False, roles__role__in=FRONT_LINE_ROLES)
        .select_related("agency")
        .prefetch_related("roles")
        .distinct()
    )
    per_agency: dict[int, dict[str, Any]] = {}
    per_role: dict[str, dict[str, int]] = {r.value: {"staff": 0, "trained": 0} for r in FRONT_LINE_ROLES}
    for user in front_line:
        row = per_agency.setdefault(user.agency_id, {"agency": user.agency.name, "staff": 0, "trained": 0})
        trained = user.pk in trained_ids
        row["staff"] += 1
        row["trained"] += int(trained)
        for role in user.role_set & set(FRONT_LINE_ROLES):
            per_role[role.value]["staff"] += 1
            per_role[role.value]["trained"] += int(trained)
    agencies = sorted(
        ({**row, "percent": _percent(row["trained"], row["staff"])} for row in per_agency.values()),
        key=lambda r: (-r["percent"], r["agency"]),
    )
    roles = [
        {"role": str(ROLE_LABELS[Role(code)]), **row, "percent": _percent(row["trained"], row["staff"])}
        for code, row in per_role.items()
    ]
    jurisdiction = str(getattr(settings, "HIMAYA_JURISDICTION", "BH"))
    pool: dict[tuple[str, str], set[int]] = defaultdict(set)
    for cert in valid.filter(course__level=Level.TRAINING_OF_TRAINERS).select_related("participant__agency"):
        agency = cert.participant.agency
        pool[(agency.name, agency.country or jurisdiction)].add(cert.participant_id)
    trainers: list[dict[str, Any]] = sorted(
        ({"agency": a, "country": c, "trainers": len(ids)} for (a, c), ids in pool.items()),
        key=lambda r: (-int(r["trainers"]), str(r["agency"])),
    )
    delivered = Session.objects.filter(cancelled_at__isnull=True, ends_on__lte=today, ends_on__year=year)
    courses = []
    for course in Course.objects.filter(sessions__in=delivered).distinct().order_by("code"):
        scores = Assessment.objects.filter(
            nomination__session__in=delivered.filter(course=course), nomination__status=NominationStatus.ENROLLED
        )
        pre = scores.filter(kind=AssessmentKind.PRE).aggregate(v=Avg("score"))["v"]
        post = scores.filter(kind=AssessmentKind.POST).aggregate(v=Avg("score"))["v"]
        evaluations = _evaluation_figures(
            Evaluation.objects.filter(
                nomination__session__in=delivered.filter(course=course), nomination__status=NominationStatus.ENROLLED
            ),
            comments=False,
        )
        courses.append(
            {
                "evaluations": evaluations["responses"],
                "rating": evaluations["questions"][0]["average"],
                "relevance": evaluations["questions"][1]["average"],
                "course": course.title,
                "sessions": delivered.filter(course=course).count(),
                "pre": pre,
                "post": post,
                "gain": (post - pre) if pre is not None and post is not None else None,
            }
        )
    expiring = valid.filter(expires_on__lte=today + dt.timedelta(days=EXPIRY_WINDOW_DAYS), renewed_by__isnull=True)
    return {
        "year": year,
        "agencies": agencies,
        "roles": roles,
        "trainers": trainers,
        "courses": courses,
        "totals": {
            "sessions_delivered": delivered.count(),
            "certified": len(trained_ids),
            "trainers": sum(r["trainers"] for r in trainers),
            "expiring": expiring.count(),
        },
    }


def expiring_certificates(*, actor: Any) -> QuerySet[Certificate]:
    """Certificates expiring within 90 days and not renewed (names: training officers only)."""
    policy.require_permission(actor, "training.manage")
    today = timezone.localdate()
    return (
        certificates_of(actor=actor)
        .filter(
            revoked_at__isnull=True,
            renewed_by__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=EXPIRY_WINDOW_DAYS),
        )
        .order_by("expires_on")
    )
