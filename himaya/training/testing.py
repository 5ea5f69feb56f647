"""Test and demo builders for the training centre (through the services, by the cast's officer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from himaya.training import services
from himaya.training.models import Course, Level, Nomination, Session

QUESTIONS = [
    {
        "text_ar": "أي مما يلي مؤشر قوي على العمل الجبري؟",
        "text_en": "Which of these is a strong indicator of forced labour?",
        "options": [
            ["مصادرة جواز السفر", "Confiscation of the passport"],
            ["العمل ساعات إضافية مدفوعة", "Paid overtime"],
        ],
        "correct": 0,
    },
    {
        "text_ar": "من يتخذ قرار الأسباب المعقولة؟",
        "text_en": "Who takes the reasonable-grounds decision?",
        "options": [
            ["السلطة المختصة", "The competent authority"],
            ["صاحب العمل", "The employer"],
            ["السفارة", "The embassy"],
        ],
        "correct": 0,
    },
    {
        "text_ar": "ما أول ما يجب ضمانه في المقابلة؟",
        "text_en": "What comes first in an interview?",
        "options": [["سلامة الشخص", "The person's safety"], ["سرعة الإجراءات", "Speed"]],
        "correct": 0,
    },
    {
        "text_ar": "هل تكفي موافقة الضحية لنفي الاتجار؟",
        "text_en": "Does the victim's consent rule out trafficking?",
        "options": [["نعم", "Yes"], ["لا", "No"]],
        "correct": 1,
    },
]
ALL_RIGHT = {0: 0, 1: 0, 2: 0, 3: 1}  # by question position (0-based)


def make_course(officer: Any, *, code: str = "frt-101", level: str = Level.PRACTITIONER, **options: Any) -> Course:
    values: dict[str, Any] = {
        "title_ar": "تحديد ضحايا الاتجار بالأشخاص والتعامل معهم",
        "title_en": "Identifying and assisting victims of trafficking",
        "level": level,
        "validity_months": 24,
        "attendance_threshold": 80,
        "pass_mark": 70,
        "qualifies_first_responder": True,
        "modules": [
            {
                "title_ar": "مؤشرات الاتجار",
                "title_en": "Indicators of trafficking",
                "outcomes_ar": "يتعرف على المؤشرات التشغيلية",
                "outcomes_en": "Recognises the operational indicators",
            },
            {"title_ar": "إجراءات الإحالة", "title_en": "Referral procedures"},
        ],
        "questions": QUESTIONS,
    }
    values.update(options)
    return services.course_create(actor=officer, code=code, **values)


def make_session(
    officer: Any, course: Course, *, trainers: Sequence[Any] = (), days: int = 3, capacity: int = 20, **options: Any
) -> Session:
    start = timezone.localdate() + dt.timedelta(days=14)
    values: dict[str, Any] = {
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=days - 1),
        "language": "ar-en",
        "capacity": capacity,
        "venue": "Training hall, Isa Town",
        "trainers": list(trainers),
        "partners": "UNODC, IOM",
    }
    values.update(options)
    return services.session_create(actor=officer, course=course, **values)


def start_session(session: Session, *, days_ago: int | None = None) -> Session:
    """Move a session into the past so it has been delivered (a fixture shortcut for time passing)."""
    length = (session.ends_on - session.starts_on).days
    ago = days_ago if days_ago is not None else length
    start = timezone.localdate() - dt.timedelta(days=ago)
    Session.objects.filter(pk=session.pk).update(starts_on=start, ends_on=start + dt.timedelta(days=length))
    session.refresh_from_db()
    return session


def answers(session: Session, *, right: int | None = None) -> dict[int, int]:
    """An answer sheet for the course's bank: all right, or only the first `right` questions."""
    sheet = {}
    for index, question in enumerate(session.course.questions.order_by("position")):
        correct = question.correct
        wrong = (correct + 1) % len(question.options)
        sheet[question.pk] = correct if right is None or index < right else wrong
    return sheet


def complete(
    *, officer: Any, trainer: Any, nomination: Nomination, present_days: int | None = None, right: int | None = None
) -> Nomination:
    """Run a started session for one participant: pre-test, attendance, post-test."""
    session = nomination.session
    services.assessment_submit(
        actor=nomination.participant, nomination=nomination, kind="pre", answers=answers(session, right=1)
    )
    days = session.days()
    present = len(days) if present_days is None else present_days
    for index, day in enumerate(days):
        services.attendance_record(actor=trainer, nomination=nomination, day=day, present=index < present)
    services.assessment_submit(
        actor=nomination.participant, nomination=nomination, kind="post", answers=answers(session, right=right)
    )
    return nomination
