"""Who gets what on the training centre's URLs (see himaya/access/matrix.py for the format).

Built inside each request's rolled-back savepoint, through the services, by tina (the centre's
training officer): a practitioner course and an upcoming session trained by trent (an NGO
trainer); alice (EPC) nominated by dora (EPC admin) for it; pete (police) nominated by paula
(police admin) for a session that has started; and a certificate issued to alice.
jamal is a partner country's agency administrator: he nominates his own staff, nothing else.
"""

from __future__ import annotations

from typing import Any

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}
NOMINATORS = {"dora", "paula", "jamal", "tina"}
COVERAGE = {"tina", "carol", "adam"}
# The centre's staff: courses, question banks (with the answers), session changes.
MANAGERS = {"tina"}


def _course(w: Any) -> Any:
    # Built once per request: the URL's kwargs and its form data may both ask for it.
    from himaya.training.models import Course
    from himaya.training.testing import make_course

    return Course.objects.filter(code="frt-101").first() or make_course(w.tina)


def _upcoming(w: Any) -> Any:
    from himaya.training.testing import make_session

    return _course(w).sessions.order_by("pk").first() or make_session(w.tina, _course(w), trainers=[w.trent])


def session(w: Any) -> dict[str, Any]:
    return {"pk": _upcoming(w).pk}


def alice_nominated(w: Any) -> dict[str, Any]:
    from himaya.training.services import nomination_create

    return {"pk": nomination_create(actor=w.dora, session=_upcoming(w), participant=w.alice).pk}


def _pete_started(w: Any) -> Any:
    from himaya.training.services import nomination_create
    from himaya.training.testing import start_session

    upcoming = _upcoming(w)
    nomination = nomination_create(actor=w.paula, session=upcoming, participant=w.pete)
    start_session(upcoming)
    nomination.refresh_from_db()
    return nomination


def pete_started(w: Any) -> dict[str, Any]:
    return {"pk": _pete_started(w).pk}


def pete_started_test(w: Any) -> dict[str, Any]:
    return {"pk": _pete_started(w).pk, "kind": "pre"}


def _alice_certificate(w: Any) -> Any:
    from himaya.training.services import certificate_issue, nomination_create
    from himaya.training.testing import complete, start_session

    upcoming = _upcoming(w)
    nomination = nomination_create(actor=w.dora, session=upcoming, participant=w.alice)
    start_session(upcoming)
    nomination.refresh_from_db()
    complete(officer=w.tina, trainer=w.trent, nomination=nomination)
    return certificate_issue(actor=w.tina, nomination=nomination)


def certificate(w: Any) -> dict[str, Any]:
    return {"pk": _alice_certificate(w).pk}


def certificate_pdf(w: Any) -> dict[str, Any]:
    return {"pk": _alice_certificate(w).pk, "language": "en"}


def certificate_token(w: Any) -> dict[str, Any]:
    return {"token": _alice_certificate(w).token}


def course(w: Any) -> dict[str, Any]:
    return {"pk": _course(w).pk}


def question(w: Any) -> dict[str, Any]:
    return {"pk": _course(w).questions.first().pk}


def _course_data(w: Any) -> dict[str, Any]:
    return {
        "code": "vci-201",
        "title_ar": "المقابلة المتمحورة حول الضحية",
        "title_en": "Victim-centred interviewing",
        "level": "practitioner",
        "validity_months": "24",
        "attendance_threshold": "80",
        "pass_mark": "70",
        "modules-TOTAL_FORMS": "1",
        "modules-INITIAL_FORMS": "0",
        "modules-0-title_ar": "الإعداد للمقابلة",
        "modules-0-title_en": "Preparing the interview",
    }


def _course_edit_data(w: Any) -> dict[str, Any]:
    data = _course_data(w)
    del data["code"]
    return {**data, "is_active": "on"}


def _question_data(w: Any) -> dict[str, Any]:
    return {
        "text_ar": "هل يجوز استجواب الضحية بحضور صاحب العمل؟",
        "text_en": "May the victim be interviewed with the employer present?",
        "option_ar_0": "نعم",
        "option_en_0": "Yes",
        "option_ar_1": "لا",
        "option_en_1": "No",
        "correct": "1",
        "points": "1",
    }


def _session_edit_data(w: Any) -> dict[str, Any]:
    upcoming = _upcoming(w)
    return {
        "starts_on": upcoming.starts_on.isoformat(),
        "ends_on": upcoming.ends_on.isoformat(),
        "language": "ar-en",
        "capacity": "25",
        "venue": "Manama training centre",
        "trainers": [w.trent.pk],
        "published": "on",
    }


def session_edit(w: Any) -> dict[str, Any]:
    return {"pk": _upcoming(w).pk}


def _api_session_data(w: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    start = timezone.localdate() + dt.timedelta(days=20)
    return {
        "course": _course(w).code,
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=1)).isoformat(),
        "language": "ar",
        "capacity": 10,
        "online": True,
        "trainers": [w.trent.pk],
    }


def _attendance(w: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"day": timezone.localdate().isoformat(), "present": "1"}


EXPECTATIONS = {
    "training:catalogue": Expect(public=True),
    "training:verify": Expect(kwargs=certificate_token, public=True),
    "training:mine": Expect(ok=EVERYONE),
    "training:sessions": Expect(ok=EVERYONE),
    "training:session-create": Expect(ok={"tina"}),
    "training:session": Expect(kwargs=session, ok=EVERYONE),
    "training:nominate": Expect(
        method="post", kwargs=session, data=lambda w: {"participant": w.alice.pk}, ok=NOMINATORS, ok_status=302
    ),
    "training:nominations": Expect(ok=NOMINATORS),
    "training:withdraw": Expect(method="post", kwargs=alice_nominated, ok={"tina", "dora"}, ok_status=302),
    "training:attendance": Expect(
        method="post", kwargs=pete_started, data=_attendance, ok={"tina", "trent"}, ok_status=302
    ),
    "training:delivery": Expect(
        method="post",
        kwargs=pete_started,
        data=lambda w: {"delivered_on": "2026-01-01"},
        ok={"tina", "trent"},
        ok_status=302,
    ),
    "training:certify": Expect(method="post", kwargs=pete_started, ok={"tina"}, ok_status=302),
    "training:test": Expect(kwargs=pete_started_test, ok={"pete"}),
    "training:evaluate": Expect(
        method="post", kwargs=pete_started, data=lambda w: {"rating": "5", "relevance": "4"}, ok={"pete"}, ok_status=302
    ),
    "training:certificate": Expect(kwargs=certificate, ok={"tina", "alice", "dora"}),
    "training:certificate-pdf": Expect(kwargs=certificate_pdf, ok={"tina", "alice", "dora"}),
    "training:certificate-revoke": Expect(
        method="post",
        kwargs=certificate,
        data=lambda w: {"reason": "Issued to the wrong participant."},
        ok={"tina"},
        ok_status=302,
    ),
    "training:coverage": Expect(ok=COVERAGE),
    "training:courses": Expect(ok=MANAGERS),
    "training:course-create": Expect(method="post", data=_course_data, ok=MANAGERS, ok_status=302),
    "training:course-edit": Expect(method="post", kwargs=course, data=_course_edit_data, ok=MANAGERS, ok_status=302),
    "training:questions": Expect(method="post", kwargs=course, data=_question_data, ok=MANAGERS, ok_status=302),
    "training:question-edit": Expect(kwargs=question, ok=MANAGERS),
    "training:question-delete": Expect(method="post", kwargs=question, ok=MANAGERS, ok_status=302),
    "training:session-edit": Expect(
        method="post", kwargs=session_edit, data=_session_edit_data, ok=MANAGERS, ok_status=302
    ),
    "training:session-cancel": Expect(
        method="post",
        kwargs=session,
        data=lambda w: {"reason": "The trainers cannot travel this week."},
        ok=MANAGERS,
        ok_status=302,
    ),
    "api:training-course-detail": Expect(kwargs=course, ok=EVERYONE, api=True),
    "api:training-question-list": Expect(kwargs=course, ok=MANAGERS, api=True),
    "api:training-question-detail": Expect(
        method="patch",
        kwargs=lambda w: {"pk": _course(w).pk, "question": _course(w).questions.first().pk},
        data=lambda w: {"points": 2},
        ok=MANAGERS,
        api=True,
        format="json",
    ),
    "api:training-session-cancel": Expect(
        method="post",
        kwargs=session,
        data=lambda w: {"reason": "The venue is closed for repairs."},
        ok=MANAGERS,
        api=True,
        format="json",
    ),
    "api:training-course-list": Expect(ok=EVERYONE, api=True),
    "api:training-session-list": Expect(ok=EVERYONE, api=True),
    "api:training-session-detail": Expect(kwargs=session, ok=EVERYONE, api=True),
    "api:training-nomination-list": Expect(kwargs=session, ok=EVERYONE, api=True),
    "api:training-session-evaluations": Expect(kwargs=session, ok={"tina", "trent"}, api=True),
    "api:training-verify": Expect(kwargs=certificate_token, ok=EVERYONE, api=True),
    "training:coverage-pdf": Expect(ok=COVERAGE),
}
