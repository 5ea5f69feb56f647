"""Demo data for the training centre, through the services (validated and audited like a user's action).

Four courses (awareness, first-responder practitioner, labour inspection for forced labour, training
of trainers), three delivered sessions with attendance, scored pre/post-tests, evaluations and
certificates, and two
upcoming sessions in the public catalogue with nominations. Session dates of delivered sessions are
moved into the past afterwards (fixture rows only, never the audit events).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.training import services
from himaya.training.models import Certificate, Course, Level, Nomination, Session
from himaya.training.testing import QUESTIONS

COURSES: list[dict[str, Any]] = [
    {
        "code": "aw-100",
        "title_ar": "التوعية بالاتجار بالأشخاص للعاملين في الخطوط الأمامية",
        "title_en": "Trafficking awareness for front-line workers",
        "level": Level.AWARENESS,
        "validity_months": 36,
        "attendance_threshold": 100,
        "pass_mark": 60,
        "summary_ar": "ما هو الاتجار بالأشخاص، وكيف نتعرف على المؤشرات، وإلى من نحيل.",
        "summary_en": "What trafficking is, how to notice the indicators, and whom to call.",
        "modules": [
            {
                "title_ar": "الإطار القانوني",
                "title_en": "Legal framework",
                "outcomes_en": "Knows Law 1/2008 and the Palermo Protocol",
                "outcomes_ar": "يعرف القانون 1/2008 وبروتوكول باليرمو",
            },
        ],
    },
    {
        "code": "frt-200",
        "title_ar": "تحديد ضحايا الاتجار بالأشخاص والمقابلة المتمحورة حول الضحية",
        "title_en": "Identifying victims and victim-centred interviewing",
        "level": Level.PRACTITIONER,
        "qualifies_first_responder": True,
        "summary_ar": "المؤشرات التشغيلية، والمقابلة المراعية للصدمات، وإجراءات الإحالة الوطنية.",
        "summary_en": "Operational indicators, trauma-informed interviewing and the national referral procedures.",
        "modules": [
            {
                "title_ar": "مؤشرات الاتجار",
                "title_en": "Identifying indicators",
                "outcomes_en": "Applies the ILO/EC operational indicators",
                "outcomes_ar": "يطبق المؤشرات التشغيلية لمنظمة العمل الدولية والمفوضية الأوروبية",
            },
            {
                "title_ar": "المقابلة المتمحورة حول الضحية",
                "title_en": "Victim-centred interviewing",
                "outcomes_en": "Conducts a safe first interview",
                "outcomes_ar": "يجري مقابلة أولى آمنة",
            },
            {
                "title_ar": "إجراءات الإحالة",
                "title_en": "Referral procedures",
                "outcomes_en": "Refers through the NRM",
                "outcomes_ar": "يحيل عبر آلية الإحالة الوطنية",
            },
            {"title_ar": "الرعاية المراعية للصدمات", "title_en": "Trauma-informed care"},
        ],
    },
    {
        "code": "li-210",
        "title_ar": "التفتيش العمالي لكشف العمل الجبري",
        "title_en": "Labour inspection for forced labour",
        "level": Level.PRACTITIONER,
        "qualifies_first_responder": True,
        "modules": [
            {"title_ar": "مؤشرات العمل الجبري الأحد عشر", "title_en": "The eleven forced-labour indicators"},
            {"title_ar": "التفتيش في مواقع العمل والسكن", "title_en": "Inspecting workplaces and housing"},
        ],
    },
    {
        "code": "tot-300",
        "title_ar": "تدريب المدربين: مكافحة الاتجار بالأشخاص",
        "title_en": "Training of trainers: combating trafficking in persons",
        "level": Level.TRAINING_OF_TRAINERS,
        "attendance_threshold": 100,
        "pass_mark": 80,
        "validity_months": 24,
        "modules": [
            {"title_ar": "تصميم الجلسات التدريبية", "title_en": "Designing a training session"},
            {"title_ar": "التدريب تحت الإشراف", "title_en": "Supervised delivery"},
        ],
    },
]


def _one(role: Role, agency_code: str | None = None) -> User | None:
    users = User.objects.filter(roles__role=role.value, is_active=True)
    if agency_code:
        users = users.filter(agency__code=agency_code)
    return users.order_by("pk").first()


def _shift(session: Session, *, ends_days_ago: int) -> None:
    length = (session.ends_on - session.starts_on).days
    end = timezone.localdate() - dt.timedelta(days=ends_days_ago)
    Session.objects.filter(pk=session.pk).update(starts_on=end - dt.timedelta(days=length), ends_on=end)
    session.refresh_from_db()


def demo_training(*, seed: int) -> int:
    """Create the training demo data unless courses exist already. Returns the certificates issued."""
    if Course.objects.exists():
        return 0
    officer = _one(Role.TRAINING_OFFICER, "epc") or _one(Role.TRAINING_OFFICER)
    trainer = _one(Role.TRAINER, "epc") or _one(Role.TRAINER)
    if officer is None or trainer is None:
        return 0
    rng = random.Random(f"{seed}:training")  # fictional data, not security
    courses: dict[str, Course] = {}
    for spec in COURSES:
        values = dict(spec)
        code = values.pop("code")
        prerequisites = [courses["frt-200"]] if code == "tot-300" else []
        courses[code] = services.course_create(
            actor=officer, code=code, questions=QUESTIONS, prerequisites=prerequisites, **values
        )
    participants = list(
        User.objects.filter(
            is_active=True,
            roles__role__in=[Role.FIRST_RESPONDER.value, Role.CASE_WORKER.value, Role.SERVICE_PROVIDER.value],
        )
        .select_related("agency")
        .distinct()
        .order_by("pk")
    )
    issued = 0
    delivered = [("aw-100", 200, 1), ("frt-200", 120, 3), ("li-210", 40, 2)]
    for code, ends_days_ago, days in delivered:
        session = _session(officer, trainer, courses[code], days=days, partners="UNODC, IOM")
        group = rng.sample(participants, k=min(len(participants), 8))
        nominations = [_nominate(officer, session, person) for person in group]
        _shift(session, ends_days_ago=ends_days_ago)
        for nomination in nominations:
            nomination.refresh_from_db()
            issued += _deliver(rng, officer, trainer, nomination)
    for code, starts_in in (("frt-200", 21), ("tot-300", 45)):
        session = _session(officer, trainer, courses[code], days=3, starts_in=starts_in, partners="UNODC, ILO")
        certified = set(Certificate.objects.filter(course=courses["frt-200"]).values_list("participant_id", flat=True))
        for person in participants[:4]:
            if code == "tot-300" and person.pk not in certified:
                continue
            _nominate(officer, session, person)
    return issued


def _session(officer: User, trainer: User, course: Course, *, days: int, starts_in: int = 10, partners: str) -> Session:
    start = timezone.localdate() + dt.timedelta(days=starts_in)
    return services.session_create(
        actor=officer,
        course=course,
        starts_on=start,
        ends_on=start + dt.timedelta(days=days - 1),
        language="ar-en",
        capacity=20,
        venue="قاعة التدريب، مدينة عيسى / Training hall, Isa Town",
        trainers=[trainer],
        partners=partners,
    )


def _nominate(officer: User, session: Session, person: User) -> Nomination:
    admin = _one(Role.AGENCY_ADMIN, person.agency.code) or officer
    return services.nomination_create(actor=admin, session=session, participant=person)


def _deliver(rng: random.Random, officer: User, trainer: User, nomination: Nomination) -> int:
    session = nomination.session
    questions = list(session.course.questions.order_by("position"))

    def sheet(right: int) -> dict[int, int]:
        return {q.pk: (q.correct if i < right else (q.correct + 1) % len(q.options)) for i, q in enumerate(questions)}

    services.assessment_submit(
        actor=nomination.participant, nomination=nomination, kind="pre", answers=sheet(rng.randint(0, 2))
    )
    present_all = rng.random() < 0.85
    for index, day in enumerate(session.days()):
        services.attendance_record(actor=trainer, nomination=nomination, day=day, present=present_all or index % 2 == 0)
    services.assessment_submit(
        actor=nomination.participant, nomination=nomination, kind="post", answers=sheet(rng.randint(2, len(questions)))
    )
    services.evaluation_submit(
        actor=nomination.participant, nomination=nomination, rating=rng.randint(3, 5), relevance=rng.randint(3, 5)
    )
    if services.certification_outcome(nomination).eligible:
        services.certificate_issue(actor=officer, nomination=nomination)
        return 1
    return 0
