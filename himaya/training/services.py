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
    CertificateReminder,
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
# Expiry reminders go out when a certificate comes within this many days of expiry (each once).
REMINDER_THRESHOLDS = (90, 30)


def unmet_messages() -> dict[str, str]:
    return {
        certification.ATTENDANCE: _("Attendance is below the course's threshold."),
        certification.POST_TEST: _("The post-test has not been passed."),
        certification.SUPERVISED_DELIVERY: _("No supervised delivery has been recorded."),
    }


def _clean_text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


# --- catalogue ------------------------------------------------------------------------------------


_COURSE_FIELDS = (
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "level",
    "validity_months",
    "attendance_threshold",
    "pass_mark",
    "requires_supervised_delivery",
    "qualifies_first_responder",
    "is_active",
)
_SESSION_FIELDS = ("starts_on", "ends_on", "venue", "online", "language", "capacity", "partners", "published")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _course_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Errors in a course's titles, level and certification rules (nothing is written)."""
    errors: dict[str, str] = {}
    if not str(values.get("title_ar") or "").strip():
        errors["title_ar"] = _("Give the Arabic title.")
    if not str(values.get("title_en") or "").strip():
        errors["title_en"] = _("Give the English title.")
    if values.get("level") not in Level.values:
        errors["level"] = _("Choose the level.")
    validity = _as_int(values.get("validity_months"))
    if validity is None or not 1 <= validity <= 120:
        errors["validity_months"] = _("The validity is between 1 and 120 months.")
    for name in ("attendance_threshold", "pass_mark"):
        number = _as_int(values.get(name))
        if number is None or not 0 <= number <= 100:
            errors[name] = _("Give a percentage between 0 and 100.")
    return errors


def _modules_errors(modules: Sequence[Mapping[str, str]]) -> dict[str, str]:
    for index, module in enumerate(modules):
        if not (module.get("title_ar") or "").strip() or not (module.get("title_en") or "").strip():
            return {"modules": _("Module %(n)d needs an Arabic and an English title.") % {"n": index + 1}}
    return {}


def _question_errors(question: Mapping[str, Any], number: int) -> dict[str, str]:
    options = question.get("options") or []
    correct = _as_int(question.get("correct"))
    points = _as_int(question.get("points", 1))
    pairs_ok = all(
        isinstance(pair, list | tuple) and len(pair) == 2 and all(str(x).strip() for x in pair) for pair in options
    )
    if not str(question.get("text_ar") or "").strip() or not str(question.get("text_en") or "").strip():
        return {"questions": _("Question %(n)d needs its text in Arabic and in English.") % {"n": number}}
    if not pairs_ok:
        return {"questions": _("Question %(n)d: give each option in Arabic and in English.") % {"n": number}}
    if len(options) < 2 or len(options) > 8 or correct is None or not 0 <= correct < len(options):
        return {"questions": _("Question %(n)d needs at least two options and a correct one.") % {"n": number}}
    if points is None or not 1 <= points <= 10:
        return {"questions": _("Question %(n)d is worth between 1 and 10 points.") % {"n": number}}
    return {}


def _prerequisite_errors(course: Course | None, prerequisites: Sequence[Course]) -> dict[str, str]:
    """A course cannot require itself, directly or through its prerequisites' prerequisites."""
    if course is None or course.pk is None:
        return {}
    seen: set[int] = set()
    todo = [p.pk for p in prerequisites]
    while todo:
        pk = todo.pop()
        if pk == course.pk:
            return {"prerequisites": _("A course cannot be its own prerequisite, even indirectly.")}
        if pk in seen:
            continue
        seen.add(pk)
        todo.extend(
            Course.prerequisites.through.objects.filter(from_course_id=pk).values_list("to_course_id", flat=True)
        )
    return {}


def _write_modules(course: Course, modules: Sequence[Mapping[str, str]]) -> None:
    course.modules.all().delete()
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


def _question_values(question: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "text_ar": _clean_text(str(question["text_ar"]), 500),
        "text_en": _clean_text(str(question["text_en"]), 500),
        "options": [[_clean_text(str(a), 300), _clean_text(str(b), 300)] for a, b in question["options"]],
        "correct": int(question["correct"]),
        "points": int(question.get("points", 1)),
    }


def _require_manager(actor: Any) -> None:
    if not policy.can_create(actor, Course):
        policy.require_permission(actor, "training.manage")


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
    _require_manager(actor)
    values = {
        "title_ar": title_ar,
        "title_en": title_en,
        "level": level,
        "validity_months": validity_months,
        "attendance_threshold": attendance_threshold,
        "pass_mark": pass_mark,
    }
    errors = _course_errors(values)
    code = (code or "").strip().lower()
    if not code or len(code) > 40 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        errors["code"] = _("Give a short code of letters, digits and dashes.")
    elif Course.objects.filter(code=code).exists():
        errors["code"] = _("A course with this code exists already.")
    errors.update(_modules_errors(modules))
    for index, question in enumerate(questions):
        errors.update(_question_errors(question, index + 1))
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
    _write_modules(course, modules)
    Question.objects.bulk_create(
        [Question(course=course, position=i + 1, **_question_values(q)) for i, q in enumerate(questions)]
    )
    audit_record(actor=actor, action="training.course.create", obj=course, fields=["code", "level"])
    return course


def course_update(
    *,
    actor: Any,
    course: Course,
    modules: Sequence[Mapping[str, str]] | None = None,
    prerequisites: Iterable[Course] | None = None,
    **changes: Any,
) -> Course:
    """Change a course's titles, summaries, level, rules, validity, modules or prerequisites.

    The code stays (it is printed in signed certificates). Certificates already issued keep what
    they say; the new rules apply to certificates issued from now on. `modules`, when given,
    replaces the list of modules in the order given.
    """
    policy.require(actor, policy.CHANGE, course)
    unknown = set(changes) - set(_COURSE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    values = {name: getattr(course, name) for name in _COURSE_FIELDS} | changes
    errors = _course_errors(values)
    prerequisite_list = list(prerequisites) if prerequisites is not None else None
    if prerequisite_list is not None:
        errors.update(_prerequisite_errors(course, prerequisite_list))
    if modules is not None:
        errors.update(_modules_errors(modules))
    if errors:
        raise ValidationError(errors)
    changed: list[str] = []
    with transaction.atomic():
        for name in _COURSE_FIELDS:
            if name not in changes:
                continue
            new: Any = changes[name]
            if name in ("title_ar", "title_en"):
                new = _clean_text(new, 200)
            elif name in ("summary_ar", "summary_en"):
                new = _clean_text(new, 4000)
            elif name in ("validity_months", "attendance_threshold", "pass_mark"):
                new = int(new)
            elif name in ("requires_supervised_delivery", "qualifies_first_responder", "is_active"):
                new = bool(new)
            if getattr(course, name) != new:
                setattr(course, name, new)
                changed.append(name)
        if changed:
            course.save(update_fields=changed)
        if prerequisite_list is not None:
            before = set(course.prerequisites.values_list("pk", flat=True))
            if before != {p.pk for p in prerequisite_list}:
                course.prerequisites.set(prerequisite_list)
                changed.append("prerequisites")
        if modules is not None:
            before_modules = list(
                course.modules.order_by("position").values_list("title_ar", "title_en", "outcomes_ar", "outcomes_en")
            )
            after_modules = [
                (
                    _clean_text(m.get("title_ar", ""), 200),
                    _clean_text(m.get("title_en", ""), 200),
                    _clean_text(m.get("outcomes_ar", ""), 4000),
                    _clean_text(m.get("outcomes_en", ""), 4000),
                )
                for m in modules
            ]
            if before_modules != after_modules:
                _write_modules(course, modules)
                changed.append("modules")
        if changed:
            audit_record(actor=actor, action="training.course.change", obj=course, fields=changed)
    return course


def question_create(
    *,
    actor: Any,
    course: Course,
    text_ar: str,
    text_en: str,
    options: Sequence[Sequence[str]],
    correct: int,
    points: int = 1,
) -> Question:
    """Add a multiple-choice question (bilingual text and options, one correct) to a course's bank."""
    policy.require(actor, policy.CHANGE, course)
    values = {"text_ar": text_ar, "text_en": text_en, "options": list(options), "correct": correct, "points": points}
    number = course.questions.count() + 1
    errors = _question_errors(values, number)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = course.questions.order_by("-position").values_list("position", flat=True).first() or 0
        question = Question.objects.create(course=course, position=last + 1, **_question_values(values))
        audit_record(
            actor=actor, action="training.question.create", obj=question, fields=["text_ar", "text_en", "options"]
        )
    return question


def question_update(
    *,
    actor: Any,
    question: Question,
    text_ar: str,
    text_en: str,
    options: Sequence[Sequence[str]],
    correct: int,
    points: int = 1,
) -> Question:
    """Correct a question of the bank. Scores already recorded are not recalculated."""
    policy.require(actor, policy.CHANGE, question.course)
    values = {"text_ar": text_ar, "text_en": text_en, "options": list(options), "correct": correct, "points": points}
    errors = _question_errors(values, question.position)
    if errors:
        raise ValidationError(errors)
    cleaned = _question_values(values)
    changed = [name for name, value in cleaned.items() if getattr(question, name) != value]
    if not changed:
        return question
    with transaction.atomic():
        for name in changed:
            setattr(question, name, cleaned[name])
        question.save(update_fields=changed)
        audit_record(actor=actor, action="training.question.change", obj=question, fields=changed)
    return question


def question_delete(*, actor: Any, question: Question) -> None:
    """Take a question out of the bank (scores already recorded stay as they were)."""
    course = question.course
    policy.require(actor, policy.CHANGE, course)
    with transaction.atomic():
        audit_record(actor=actor, action="training.question.delete", obj=question, fields=["text_en"])
        question.delete()
        for position, pk in enumerate(course.questions.order_by("position", "pk").values_list("pk", flat=True), 1):
            Question.objects.filter(pk=pk).update(position=position)


def _session_errors(values: Mapping[str, Any], trainers: Sequence[Any]) -> dict[str, str]:
    from himaya.accounts.roles import Role

    errors: dict[str, str] = {}
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = _("Give the first day.")
    if not isinstance(ends_on, dt.date):
        errors["ends_on"] = _("Give the last day.")
    if isinstance(starts_on, dt.date) and isinstance(ends_on, dt.date):
        if ends_on < starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        elif (ends_on - starts_on).days > 60:
            errors["ends_on"] = _("A session lasts at most 60 days.")
    if values.get("language") not in SessionLanguage.values:
        errors["language"] = _("Choose the language.")
    capacity = _as_int(values.get("capacity"))
    if capacity is None or not 1 <= capacity <= 500:
        errors["capacity"] = _("Give between 1 and 500 places.")
    if not values.get("online") and not str(values.get("venue") or "").strip():
        errors["venue"] = _("Give the venue, or mark the session as online.")
    for trainer in trainers:
        if not (trainer.is_active and trainer.has_role(Role.TRAINER, Role.TRAINING_OFFICER)):
            errors["trainers"] = _("Every trainer must be an active trainer's account.")
    return errors


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
    trainer_list = list(trainers)
    values = {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "language": language,
        "capacity": capacity,
        "venue": venue,
        "online": online,
    }
    errors = _session_errors(values, trainer_list)
    if not course.is_active:
        errors["course"] = _("This course is no longer offered.")
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


def _nominees(session: Session) -> list[Any]:
    return [
        n.participant
        for n in session.nominations.select_related("participant").exclude(status=NominationStatus.WITHDRAWN)
        if n.participant.is_active
    ]


def session_update(*, actor: Any, session: Session, trainers: Iterable[Any] | None = None, **changes: Any) -> Session:
    """Change a scheduled session: dates, venue or online, language, places, trainers, partners.

    A cancelled session cannot be changed; once it has started its first day stays, and its last
    day cannot move before a day with recorded attendance. Places cannot go below the number
    enrolled; added places go to the waiting list in order. Nominees are told by e-mail when the
    dates, the place or the language change.
    """
    policy.require(actor, policy.CHANGE, session)
    unknown = set(changes) - set(_SESSION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if session.cancelled_at is not None:
        raise ValidationError(_("This session has been cancelled: it can no longer be changed."))
    trainer_list = list(trainers) if trainers is not None else list(session.trainers.all())
    values = {name: getattr(session, name) for name in _SESSION_FIELDS} | changes
    errors = _session_errors(values, trainer_list)
    today = timezone.localdate()
    started = session.starts_on <= today
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk=session.pk))
        enrolled = session.nominations.filter(status=NominationStatus.ENROLLED).count()
        if not errors:
            if started and values["starts_on"] != session.starts_on:
                errors["starts_on"] = _("The session has started: its first day cannot change.")
            elif not started and values["starts_on"] <= today:
                errors["starts_on"] = _("The first day of a session still to come must be after today.")
            last_mark = (
                Attendance.objects.filter(nomination__session=session)
                .order_by("-day")
                .values_list("day", flat=True)
                .first()
            )
            if last_mark is not None and values["ends_on"] < last_mark:
                errors["ends_on"] = _("Attendance is recorded up to %(date)s: the last day cannot be earlier.") % {
                    "date": last_mark.isoformat()
                }
            if int(values["capacity"]) < enrolled:
                errors["capacity"] = _(
                    "%(n)d participants are enrolled: withdraw nominations before removing places."
                ) % {"n": enrolled}
        if errors:
            raise ValidationError(errors)
        cleaned: dict[str, Any] = {
            **values,
            "venue": _clean_text(values["venue"], 200),
            "partners": _clean_text(values["partners"], 300),
            "online": bool(values["online"]),
            "published": bool(values["published"]),
            "capacity": int(values["capacity"]),
        }
        changed = [name for name in _SESSION_FIELDS if getattr(session, name) != cleaned[name]]
        for name in changed:
            setattr(session, name, cleaned[name])
        if changed:
            session.save(update_fields=changed)
        before = {t.pk: t for t in session.trainers.all()}
        after = {t.pk: t for t in trainer_list}
        if trainers is not None and set(before) != set(after):
            session.trainers.set(trainer_list)
            changed.append("trainers")
        else:
            after = before
        promoted: list[int] = []
        free = session.capacity - enrolled
        if free > 0 and session.is_open:
            waiting = session.nominations.filter(status=NominationStatus.WAITLISTED).order_by("nominated_at", "pk")
            promoted = list(waiting.values_list("pk", flat=True)[:free])
            Nomination.objects.filter(pk__in=promoted).update(status=NominationStatus.ENROLLED)
        if changed or promoted:
            audit_record(
                actor=actor,
                action="training.session.change",
                obj=session,
                fields=changed,
                detail=f"promoted:{','.join(map(str, promoted))}" if promoted else "",
            )
        notify = {"starts_on", "ends_on", "venue", "online", "language"} & set(changed)
        if notify:
            transaction.on_commit(partial(_mail_session, session, _nominees(session), "nominee.changed"))
        added = [t for pk, t in after.items() if pk not in before]
        removed = [t for pk, t in before.items() if pk not in after]
        kept = [t for pk, t in after.items() if pk in before]
        for kind, people in (("added", added), ("removed", removed), ("changed", kept if notify else [])):
            if people:
                transaction.on_commit(partial(_mail_session, session, people, f"trainer.{kind}"))
        if promoted:
            enrolled_people = [
                n.participant for n in Nomination.objects.filter(pk__in=promoted).select_related("participant")
            ]
            transaction.on_commit(partial(_mail_session, session, enrolled_people, "nominee.enrolled"))
    return session


def session_cancel(*, actor: Any, session: Session, reason: str) -> Session:
    """Cancel a session with a stated reason; every nominee (enrolled or waiting) is told by e-mail.

    A session for which a certificate has been issued cannot be cancelled.
    """
    policy.require(actor, policy.CHANGE, session)
    reason = (reason or "").strip()
    if session.cancelled_at is not None:
        raise ValidationError(_("This session has already been cancelled."))
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("Give the reason for the cancellation (at least 10 characters).")})
    if Certificate.objects.filter(nomination__session=session).exists():
        raise ValidationError(_("Certificates have been issued for this session: it cannot be cancelled."))
    with transaction.atomic():
        session.cancelled_at = timezone.now()
        session.cancellation_reason = reason[:2000]
        session.save(update_fields=["cancelled_at", "cancellation_reason"])
        nominees = _nominees(session)
        audit_record(
            actor=actor,
            action="training.session.cancel",
            obj=session,
            fields=["cancelled_at", "cancellation_reason"],
            detail=f"notified:{len(nominees)}",
        )
        transaction.on_commit(partial(_mail_session, session, nominees, "nominee.cancelled"))
        trainers = [t for t in session.trainers.all() if t.is_active]
        if trainers:
            transaction.on_commit(partial(_mail_session, session, trainers, "trainer.cancelled"))
    return session


def _session_facts(session: Session) -> dict[str, str]:
    return {
        "course": session.course.title,
        "start": session.starts_on.isoformat(),
        "end": session.ends_on.isoformat(),
        "place": _("online") if session.online else session.venue,
        "language": str(SessionLanguage(session.language).label),
        "reason": session.cancellation_reason,
    }


# Subject and body of each e-mail about a session, by whom it is for and what happened.
def _session_texts(kind: str) -> tuple[str, str]:
    texts = {
        "nominee.changed": (
            _("Training session changed: %(course)s"),
            _(
                "The session of “%(course)s” you are nominated for has changed. It now runs from "
                "%(start)s to %(end)s, %(place)s, in %(language)s."
            ),
        ),
        "nominee.cancelled": (
            _("Training session cancelled: %(course)s"),
            _(
                "The session of “%(course)s” planned from %(start)s to %(end)s has been cancelled. "
                "Reason: %(reason)s. Your agency administrator can nominate you for another session."
            ),
        ),
        "nominee.enrolled": (
            _("A place is yours: %(course)s"),
            _(
                "A place came free in the session of “%(course)s” from %(start)s to %(end)s, %(place)s, "
                "in %(language)s: you are now enrolled."
            ),
        ),
        "trainer.added": (
            _("You are a trainer of a session: %(course)s"),
            _(
                "You have been added as a trainer of the session of “%(course)s” from %(start)s to %(end)s, "
                "%(place)s, in %(language)s."
            ),
        ),
        "trainer.removed": (
            _("You are no longer a trainer of a session: %(course)s"),
            _("You are no longer a trainer of the session of “%(course)s” from %(start)s to %(end)s."),
        ),
        "trainer.changed": (
            _("Training session changed: %(course)s"),
            _(
                "The session of “%(course)s” you train has changed. It now runs from %(start)s to %(end)s, "
                "%(place)s, in %(language)s."
            ),
        ),
        "trainer.cancelled": (
            _("Training session cancelled: %(course)s"),
            _(
                "The session of “%(course)s” you were to train from %(start)s to %(end)s has been "
                "cancelled. Reason: %(reason)s."
            ),
        ),
    }
    return texts[kind]


def _mail_session(session: Session, people: Sequence[Any], kind: str) -> None:
    """E-mail each active person about the session, in their own language (Arabic by default)."""
    for person in people:
        if not person.is_active:
            continue
        language = getattr(person, "language", "") or "ar"
        with override(language if language in ("ar", "en") else "ar"):
            facts = _session_facts(session)
            subject, body = _session_texts(kind)
            send_mail(subject % facts, body % facts, settings.DEFAULT_FROM_EMAIL, [person.email])


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
                session = nomination.session
                transaction.on_commit(partial(_mail_session, session, [promoted.participant], "nominee.enrolled"))
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
    """An enrolled participant of a session that has not been cancelled."""
    if nomination.status != NominationStatus.ENROLLED:
        raise ValidationError(_("This participant is not enrolled in the session."))
    if nomination.session.cancelled_at is not None:
        raise ValidationError(_("This session has been cancelled."))


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
    """E-mail holders whose certificate (not revoked, not renewed) expires soon: once when it
    comes within 90 days of expiry and once more within 30 days (`REMINDER_THRESHOLDS`).

    System action, run daily (`himaya training remind` or the periodic task); idempotent: each
    certificate gets at most one reminder per threshold however often it runs, and a certificate
    first seen inside the 30-day window gets one reminder, not two. Returns how many went out.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMINDER_THRESHOLDS))
    due = (
        Certificate.objects.select_related("participant", "course")
        .prefetch_related("reminders")
        .filter(
            revoked_at__isnull=True,
            renewed_by__isnull=True,
            expires_on__gte=today,
            expires_on__lte=horizon,
            participant__is_active=True,
        )
        .order_by("expires_on", "pk")
    )
    sent = 0
    for certificate in due:
        days_left = (certificate.expires_on - today).days
        reached = sorted(t for t in REMINDER_THRESHOLDS if days_left <= t)
        done = {r.threshold_days for r in certificate.reminders.all()}
        if reached[0] in done:
            continue
        now = timezone.now()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    # The tightest threshold first: a parallel run that got there before us wins.
                    CertificateReminder.objects.create(certificate=certificate, threshold_days=reached[0], sent_at=now)
            except IntegrityError:
                continue
            CertificateReminder.objects.bulk_create(
                [CertificateReminder(certificate=certificate, threshold_days=t, sent_at=now) for t in reached[1:]],
                ignore_conflicts=True,
            )
            Certificate.objects.filter(pk=certificate.pk).update(reminder_sent_at=now)
            audit_record(
                actor=None,
                action="training.certificate.remind",
                obj=certificate,
                owner_agency_id=certificate.participant.agency_id,
                fields=["reminder_sent_at"],
                detail=f"threshold:{reached[0]}",
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
