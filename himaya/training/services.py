"""Writes at the training centre. Each is one transaction: policy check first, validation (a
ValidationError naming the field, nothing written), the write, its audit event; e-mails on commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from himaya.access import policy
from himaya.audit import signing as keyfiles
from himaya.audit.services import audit_record
from himaya.training import certification, signing
from himaya.training.models import (
    Assessment,
    AssessmentKind,
    Attendance,
    Certificate,
    Course,
    CourseModule,
    Evaluation,
    Level,
    Nomination,
    NominationStatus,
    Question,
    Session,
    SessionLanguage,
)
from himaya.training.rules import DELIVER, TAKE

REASON_MIN = 10
REMINDER_DAYS = 90


def unmet_messages() -> dict[str, str]:
    return {
        certification.ATTENDANCE: _("Attendance is below the course's threshold."),
        certification.POST_TEST: _("The post-test has not been passed."),
        certification.SUPERVISED_DELIVERY: _("No supervised delivery has been recorded."),
    }


def _clean_text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


# --- catalogue ------------------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    actor: Any,
    code: str,
    title_ar: str,
    title_en: str,
    level: str,
    validity_months: int = 24,
    attendance_threshold: int = 80,
    pass_mark: int = 70,
    requires_supervised_delivery: bool | None = None,
    qualifies_first_responder: bool = False,
    summary_ar: str = "",
    summary_en: str = "",
    modules: Sequence[Mapping[str, str]] = (),
    prerequisites: Iterable[Course] = (),
    questions: Sequence[Mapping[str, Any]] = (),
) -> Course:
    """Add a course to the catalogue, with its modules, question bank and certification rules.

    Training of trainers asks for a supervised delivery unless told otherwise.
    """
    if not policy.can_create(actor, Course):
        policy.require_permission(actor, "training.manage")
    errors: dict[str, str] = {}
    code = (code or "").strip().lower()
    if not code or not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = _("Give a short code of letters, digits and dashes.")
    elif Course.objects.filter(code=code).exists():
        errors["code"] = _("A course with this code exists already.")
    if not (title_ar or "").strip():
        errors["title_ar"] = _("Give the Arabic title.")
    if not (title_en or "").strip():
        errors["title_en"] = _("Give the English title.")
    if level not in Level.values:
        errors["level"] = _("Choose the level.")
    if not 1 <= int(validity_months) <= 120:
        errors["validity_months"] = _("The validity is between 1 and 120 months.")
    if not 0 <= int(attendance_threshold) <= 100:
        errors["attendance_threshold"] = _("Give a percentage between 0 and 100.")
    if not 0 <= int(pass_mark) <= 100:
        errors["pass_mark"] = _("Give a percentage between 0 and 100.")
    for index, question in enumerate(questions):
        options = question.get("options") or []
        if len(options) < 2 or not 0 <= int(question.get("correct", -1)) < len(options):
            errors["questions"] = _("Question %(n)d needs at least two options and a correct one.") % {"n": index + 1}
    if errors:
        raise ValidationError(errors)
    if requires_supervised_delivery is None:
        requires_supervised_delivery = level == Level.TRAINING_OF_TRAINERS
    course = Course.objects.create(
        code=code,
        title_ar=_clean_text(title_ar, 200),
        title_en=_clean_text(title_en, 200),
        summary_ar=_clean_text(summary_ar, 4000),
        summary_en=_clean_text(summary_en, 4000),
        level=level,
        validity_months=int(validity_months),
        attendance_threshold=int(attendance_threshold),
        pass_mark=int(pass_mark),
        requires_supervised_delivery=bool(requires_supervised_delivery),
        qualifies_first_responder=bool(qualifies_first_responder),
    )
    course.prerequisites.set(list(prerequisites))
    CourseModule.objects.bulk_create(
        [
            CourseModule(
                course=course,
                position=i + 1,
                title_ar=_clean_text(m.get("title_ar", ""), 200),
                title_en=_clean_text(m.get("title_en", ""), 200),
                outcomes_ar=_clean_text(m.get("outcomes_ar", ""), 4000),
                outcomes_en=_clean_text(m.get("outcomes_en", ""), 4000),
            )
            for i, m in enumerate(modules)
        ]
    )
    Question.objects.bulk_create(
        [
            Question(
                course=course,
                position=i + 1,
                text_ar=_clean_text(q["text_ar"], 500),
                text_en=_clean_text(q["text_en"], 500),
                options=[[str(a), str(b)] for a, b in q["options"]],
                correct=int(q["correct"]),
                points=int(q.get("points", 1)),
            )
            for i, q in enumerate(questions)
        ]
    )
    audit_record(actor=actor, action="training.course.create", obj=course, fields=["code", "level"])
    return course


@transaction.atomic
def session_create(
    *,
    actor: Any,
    course: Course,
    starts_on: dt.date,
    ends_on: dt.date,
    language: str,
    capacity: int,
    venue: str = "",
    online: bool = False,
    trainers: Iterable[Any] = (),
    partners: str = "",
    published: bool = True,
) -> Session:
    """Schedule a session of a course (training officers)."""
    if not policy.can_create(actor, Session):
        policy.require_permission(actor, "training.manage")
    errors: dict[str, str] = {}
    if not course.is_active:
        errors["course"] = _("This course is no longer offered.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    elif (ends_on - starts_on).days > 60:
        errors["ends_on"] = _("A session lasts at most 60 days.")
    if language not in SessionLanguage.values:
        errors["language"] = _("Choose the language.")
    if not 1 <= int(capacity) <= 500:
        errors["capacity"] = _("Give between 1 and 500 places.")
    if not online and not (venue or "").strip():
        errors["venue"] = _("Give the venue, or mark the session as online.")
    trainer_list = list(trainers)
    from himaya.accounts.roles import Role

    for trainer in trainer_list:
        if not (trainer.is_active and trainer.has_role(Role.TRAINER, Role.TRAINING_OFFICER)):
            errors["trainers"] = _("Every trainer must be an active trainer's account.")
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(
        course=course,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=_clean_text(venue, 200),
        online=bool(online),
        language=language,
        capacity=int(capacity),
        partners=_clean_text(partners, 300),
        published=bool(published),
        created_by=actor,
    )
    session.trainers.set(trainer_list)
    audit_record(actor=actor, action="training.session.create", obj=session, fields=["course", "starts_on"])
    return session


# --- nominations ------------------------------------------------------------------------------------


def _has_prerequisites(participant: Any, course: Course) -> bool:
    needed = set(course.prerequisites.values_list("pk", flat=True))
    if not needed:
        return True
    held = set(
        Certificate.objects.filter(participant=participant, revoked_at__isnull=True).values_list("course_id", flat=True)
    )
    return needed <= held


def nomination_create(*, actor: Any, session: Session, participant: Any) -> Nomination:
    """An agency administrator nominates one of their agency's staff (officers: anyone).

    Enrolled while there are places, on the waiting list after that. Prerequisite courses must
    have been certified. Nominating someone already nominated is refused.
    """
    if not policy.can_create(actor, Nomination, participant=participant):
        policy.require_permission(actor, "training.nominate")
        raise ValidationError({"participant": _("You can nominate only your own agency's staff.")})
    errors: dict[str, str] = {}
    if not session.is_open:
        errors["session"] = _("Nominations for this session are closed.")
    if not participant.is_active:
        errors["participant"] = _("This account is deactivated.")
    elif not _has_prerequisites(participant, session.course):
        errors["participant"] = _("This participant has not completed the course's prerequisites.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the session's roster so two administrators cannot both take the last place.
        list(Session.objects.select_for_update().filter(pk=session.pk))
        existing = Nomination.objects.filter(session=session, participant=participant).first()
        if existing is not None and existing.status != NominationStatus.WITHDRAWN:
            raise ValidationError({"participant": _("This person is already nominated for this session.")})
        enrolled = Nomination.objects.filter(session=session, status=NominationStatus.ENROLLED).count()
        status = NominationStatus.ENROLLED if enrolled < session.capacity else NominationStatus.WAITLISTED
        now = timezone.now()
        if existing is not None:
            existing.status, existing.nominated_by, existing.nominated_at = status, actor, now
            existing.agency_id = participant.agency_id
            existing.save(update_fields=["status", "nominated_by", "nominated_at", "agency"])
            nomination = existing
        else:
            nomination = Nomination.objects.create(
                session=session,
                participant=participant,
                agency_id=participant.agency_id,
                nominated_by=actor,
                nominated_at=now,
                status=status,
            )
        audit_record(
            actor=actor,
            action="training.nomination.create",
            obj=nomination,
            owner_agency_id=participant.agency_id,
            fields=["session", "participant", "status"],
            detail=f"status:{status}",
        )
    return nomination


def nomination_withdraw(*, actor: Any, nomination: Nomination) -> Nomination:
    """Withdraw a nomination; a freed place goes to the first on the waiting list."""
    policy.require(actor, policy.CHANGE, nomination)
    if nomination.status == NominationStatus.WITHDRAWN:
        raise ValidationError(_("This nomination has already been withdrawn."))
    if not nomination.session.is_open:
        raise ValidationError(_("The session has started: the nomination can no longer be withdrawn."))
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk=nomination.session_id))
        was_enrolled = nomination.status == NominationStatus.ENROLLED
        nomination.status = NominationStatus.WITHDRAWN
        nomination.save(update_fields=["status"])
        promoted = None
        if was_enrolled:
            promoted = (
                Nomination.objects.filter(session_id=nomination.session_id, status=NominationStatus.WAITLISTED)
                .order_by("nominated_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = NominationStatus.ENROLLED
                promoted.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="training.nomination.withdraw",
            obj=nomination,
            owner_agency_id=nomination.agency_id,
            fields=["status"],
            detail=f"promoted:{promoted.pk}" if promoted else "",
        )
    return nomination


# --- delivery ---------------------------------------------------------------------------------------


def _require_enrolled(nomination: Nomination) -> None:
    if nomination.status != NominationStatus.ENROLLED:
        raise ValidationError(_("This participant is not enrolled in the session."))


def attendance_record(*, actor: Any, nomination: Nomination, day: dt.date, present: bool) -> Attendance:
    """Mark a participant present or absent on one day of the session (trainers, officers).

    Recording the same day again corrects it.
    """
    policy.require(actor, DELIVER, nomination)
    _require_enrolled(nomination)
    session = nomination.session
    if day not in session.days():
        raise ValidationError({"day": _("This day is not one of the session's days.")})
    if day > timezone.localdate():
        raise ValidationError({"day": _("Attendance cannot be recorded for a day still to come.")})
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            nomination=nomination,
            day=day,
            defaults={"present": bool(present), "recorded_by": actor, "recorded_at": timezone.now()},
        )
        audit_record(
            actor=actor,
            action="training.attendance.create",
            obj=attendance,
            owner_agency_id=nomination.agency_id,
            fields=["day", "present"],
        )
    return attendance


def supervised_delivery_record(*, actor: Any, nomination: Nomination, delivered_on: dt.date) -> Nomination:
    """A trainee trainer's supervised delivery, recorded by the supervising trainer or an officer."""
    policy.require(actor, DELIVER, nomination)
    _require_enrolled(nomination)
    if not nomination.session.course.requires_supervised_delivery:
        raise ValidationError({"delivered_on": _("This course does not ask for a supervised delivery.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})
    if delivered_on < nomination.session.starts_on:
        raise ValidationError({"delivered_on": _("The delivery cannot be before the session started.")})
    with transaction.atomic():
        nomination.supervised_delivery_on = delivered_on
        nomination.supervised_by = actor
        nomination.save(update_fields=["supervised_delivery_on", "supervised_by"])
        audit_record(
            actor=actor,
            action="training.nomination.change",
            obj=nomination,
            owner_agency_id=nomination.agency_id,
            fields=["supervised_delivery_on", "supervised_by"],
        )
    return nomination


def assessment_submit(*, actor: Any, nomination: Nomination, kind: str, answers: Mapping[int, int]) -> Assessment:
    """The participant answers the course's question bank; the answers are scored at once.

    The pre-test is taken before the post-test, each once; the post-test from the first day on.
    """
    policy.require(actor, TAKE, nomination)
    _require_enrolled(nomination)
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose the pre-test or the post-test.")})
    session = nomination.session
    taken = set(nomination.assessments.values_list("kind", flat=True))
    if kind in taken:
        raise ValidationError({"kind": _("This test has already been taken.")})
    if kind == AssessmentKind.POST and timezone.localdate() < session.starts_on:
        raise ValidationError({"kind": _("The post-test opens on the session's first day.")})
    if kind == AssessmentKind.PRE and AssessmentKind.POST in taken:
        raise ValidationError({"kind": _("The pre-test cannot be taken after the post-test.")})
    questions = list(session.course.questions.all())
    bank = [certification.BankQuestion(q.pk, len(q.options), q.correct, q.points) for q in questions]
    try:
        result = certification.score(bank, {int(k): int(v) for k, v in answers.items()})
    except (certification.AnswerError, ValueError, TypeError) as error:
        code = getattr(error, "code", "bad_option")
        messages = {
            "empty_bank": _("This course has no questions yet."),
            "unanswered": _("Answer every question."),
        }
        raise ValidationError({"answers": messages.get(code, _("An answer does not match the questions."))}) from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    nomination=nomination,
                    kind=kind,
                    answers={str(k): int(v) for k, v in answers.items()},
                    score=result,
                    taken_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError({"kind": _("This test has already been taken.")}) from None
        audit_record(
            actor=actor,
            action="training.assessment.submit",
            obj=assessment,
            owner_agency_id=nomination.agency_id,
            fields=["answers", "score"],
        )
    return assessment


def evaluation_submit(
    *, actor: Any, nomination: Nomination, rating: int, relevance: int, comment: str = ""
) -> Evaluation:
    """The participant's evaluation of the session, once, from the session's first day."""
    policy.require(actor, TAKE, nomination)
    _require_enrolled(nomination)
    errors: dict[str, str] = {}
    if timezone.localdate() < nomination.session.starts_on:
        errors["rating"] = _("The evaluation opens on the session's first day.")
    for name, value in (("rating", rating), ("relevance", relevance)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = _("Give a rating from 1 to 5.")
    if Evaluation.objects.filter(nomination=nomination).exists():
        errors["rating"] = _("You have already evaluated this session.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            nomination=nomination,
            rating=rating,
            relevance=relevance,
            comment=_clean_text(comment, 4000),
            submitted_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="training.evaluation.submit",
            obj=evaluation,
            owner_agency_id=nomination.agency_id,
            fields=["rating", "relevance", "comment"],
        )
    return evaluation


# --- certificates ---------------------------------------------------------------------------------


def certification_outcome(nomination: Nomination) -> certification.Outcome:
    course = nomination.session.course
    rules = certification.Rules(course.attendance_threshold, course.pass_mark, course.requires_supervised_delivery)
    post = nomination.assessments.filter(kind=AssessmentKind.POST).first()
    record = certification.Record(
        days=len(nomination.session.days()),
        days_present=nomination.attendance.filter(present=True).count(),
        post_score=post.score if post else None,
        supervised_delivery=nomination.supervised_delivery_on is not None,
    )
    return certification.evaluate(rules, record)


def verify_url(token: str) -> str:
    base = (getattr(settings, "HIMAYA_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("training:verify", kwargs={"token": token})


def certificate_issue(*, actor: Any, nomination: Nomination) -> Certificate:
    """Issue the signed certificate when the course's rules are met (training officers).

    A participant who already holds a certificate of this course gets a renewal: the new one
    records which certificate it renews, and reminders about the old one stop.
    """
    policy.require(actor, policy.CHANGE, nomination.session)
    _require_enrolled(nomination)
    if Certificate.objects.filter(nomination=nomination).exists():
        raise ValidationError(_("A certificate has already been issued for this participation."))
    outcome = certification_outcome(nomination)
    if not outcome.eligible:
        messages = unmet_messages()
        raise ValidationError([messages[code] for code in outcome.unmet])
    course = nomination.session.course
    participant = nomination.participant
    today = timezone.localdate()
    key = signing.signing_key()
    with transaction.atomic():
        previous = (
            Certificate.objects.select_for_update(of=("self",))
            .filter(participant=participant, course=course, revoked_at__isnull=True, renewed_by__isnull=True)
            .order_by("-issued_on", "-pk")
            .first()
        )
        token = secrets.token_urlsafe(24)
        certificate = Certificate.objects.create(
            number=f"pending-{token[:20]}",
            token=token,
            nomination=nomination,
            participant=participant,
            course=course,
            holder_name=participant.full_name or participant.email,
            issued_on=today,
            expires_on=certification.add_months(today, course.validity_months),
            issued_by=actor,
            renews=previous,
            payload="",
            signature="",
            key_id=keyfiles.key_id(key),
        )
        certificate.number = f"HTC-{today.year}-{certificate.pk:06d}"
        with override("en"):
            level_label = str(Level(course.level).label)
        payload = {
            "v": signing.PAYLOAD_VERSION,
            "number": certificate.number,
            "holder": certificate.holder_name,
            "course_code": course.code,
            "course_ar": course.title_ar,
            "course_en": course.title_en,
            "level": level_label,
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "verify_url": verify_url(token),
            "key_id": certificate.key_id,
        }
        certificate.payload, certificate.signature = signing.sign(payload, key)
        certificate.save(update_fields=["number", "payload", "signature"])
        audit_record(
            actor=actor,
            action="training.certificate.create",
            obj=certificate,
            owner_agency_id=nomination.agency_id,
            fields=["number", "holder_name", "course", "issued_on", "expires_on"],
            detail=f"renews:{previous.pk}" if previous else "",
        )
    return certificate


def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate with a stated reason: the public page says "revoked" from now on."""
    policy.require(actor, policy.CHANGE, certificate)
    reason = (reason or "").strip()
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate has already been revoked."))
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("Give the reason for the revocation (at least 10 characters).")})
    with transaction.atomic():
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.revocation_reason = reason[:2000]
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit_record(
            actor=actor,
            action="training.certificate.revoke",
            obj=certificate,
            owner_agency_id=certificate.nomination.agency_id,
            fields=["revoked_at", "revocation_reason"],
        )
    return certificate


def certificate_reminders_send(*, actor: None = None, today: dt.date | None = None) -> int:
    """E-mail each holder once when their certificate expires within 90 days and has not been
    renewed. System action (the periodic task); returns how many reminders went out."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=REMINDER_DAYS)
    due = (
        Certificate.objects.select_related("participant", "course")
        .filter(
            revoked_at__isnull=True,
            renewed_by__isnull=True,
            reminder_sent_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=horizon,
            participant__is_active=True,
        )
        .order_by("expires_on", "pk")
    )
    sent = 0
    for certificate in due:
        with transaction.atomic():
            claimed = Certificate.objects.filter(pk=certificate.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            audit_record(
                actor=None,
                action="training.certificate.remind",
                obj=certificate,
                owner_agency_id=certificate.participant.agency_id,
                fields=["reminder_sent_at"],
            )
            transaction.on_commit(partial(_send_reminder, certificate))
        sent += 1
    return sent


def _send_reminder(certificate: Certificate) -> None:
    language = getattr(certificate.participant, "language", "") or "ar"
    with override(language if language in ("ar", "en") else "ar"):
        subject = _("Your training certificate expires on %(date)s") % {"date": certificate.expires_on.isoformat()}
        body = _(
            "Your certificate %(number)s for the course “%(course)s” expires on %(date)s. "
            "Ask your agency administrator to nominate you for a refresher session to renew it."
        ) % {
            "number": certificate.number,
            "course": certificate.course.title,
            "date": certificate.expires_on.isoformat(),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [certificate.participant.email])
