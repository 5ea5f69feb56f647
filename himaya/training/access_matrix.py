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


def _course(w: Any) -> Any:
    from himaya.training.testing import make_course

    return make_course(w.tina)


def _upcoming(w: Any) -> Any:
    from himaya.training.testing import make_session

    return make_session(w.tina, _course(w), trainers=[w.trent])


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
    "api:training-course-list": Expect(ok=EVERYONE, api=True),
    "api:training-session-list": Expect(ok=EVERYONE, api=True),
    "api:training-session-detail": Expect(kwargs=session, ok=EVERYONE, api=True),
    "api:training-nomination-list": Expect(kwargs=session, ok=EVERYONE, api=True),
    "api:training-verify": Expect(kwargs=certificate_token, ok=EVERYONE, api=True),
    "training:coverage-pdf": Expect(ok=COVERAGE),
}
