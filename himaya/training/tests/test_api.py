"""The training API answers as its schema says, scoped by the same policy as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache

from himaya.api.services import token_issue
from himaya.api.tests import test_contract as contract_module
from himaya.training import services
from himaya.training.testing import complete, start_session


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


def bearer(user: Any) -> dict[str, str]:
    _, plaintext = token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_training_api_is_scoped_and_answers_as_its_schema_says(
    centre, client, django_capture_on_commit_callbacks
) -> None:
    c = centre.cast
    contract = contract_module.Contract(contract_module.generate_schema())
    dora, paula, alice, tina = (bearer(u) for u in (c.dora, c.paula, c.alice, c.tina))
    session = centre.session

    courses = contract.check(client.get("/api/v1/training/courses/", **alice))
    assert [row["code"] for row in courses["results"]] == ["frt-101"]
    assert courses["results"][0]["modules"][0]["title_en"] == "Indicators of trafficking"
    listing = contract.check(client.get("/api/v1/training/sessions/", **alice))
    assert [row["id"] for row in listing["results"]] == [session.pk]
    contract.check(client.get(f"/api/v1/training/sessions/{session.pk}/", **alice))
    contract.check(client.get("/api/v1/training/sessions/999999/", **alice))  # 404
    contract.check(client.get("/api/v1/training/sessions/"))  # 401

    path = f"/api/v1/training/sessions/{session.pk}/nominations/"
    made = contract.check(post(client, path, {"participant": c.alice.pk}, dora), "post")
    assert made["status"] == "enrolled"
    contract.check(post(client, path, {"participant": c.alice.pk}, paula), "post")  # 400: not paula's staff
    contract.check(post(client, path, {"participant": c.bob.pk}, alice), "post")  # 404: not a nominator
    contract.check(post(client, path, {"participant": c.alice.pk}, dora), "post")  # 400: already nominated
    assert [r["participant"] for r in contract.check(client.get(path, **dora))["results"]] == [c.alice.pk]
    assert contract.check(client.get(path, **paula))["results"] == []  # another agency's nomination

    nomination = session.nominations.get()
    start_session(session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    certificate = services.certificate_issue(actor=c.tina, nomination=nomination)
    verified = contract.check(client.get(f"/api/v1/training/verify/{certificate.token}/", **paula))
    assert verified == {
        "status": "valid",
        "holder": "Alice",
        "course_ar": centre.course.title_ar,
        "course_en": centre.course.title_en,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
    }
    contract.check(client.get("/api/v1/training/verify/not-a-token/", **tina))  # 404

    services.evaluation_submit(actor=c.alice, nomination=nomination, rating=4, relevance=5, comment="Useful cases.")
    path = f"/api/v1/training/sessions/{session.pk}/evaluations/"
    figures = contract.check(client.get(path, **tina, HTTP_ACCEPT_LANGUAGE="en"))
    assert figures["responses"] == 1 and figures["comments"] == ["Useful cases."]
    assert [(q["question"], q["average"]) for q in figures["questions"]] == [
        ("Overall rating", 4.0),
        ("Relevance to the participant's work", 5.0),
    ]
    assert figures["questions"][0]["distribution"][3] == {"score": 4, "count": 1}
    by_trainer = contract.check(client.get(path, **bearer(c.trent)))
    assert by_trainer["responses"] == 1 and "comments" not in by_trainer  # the trainer: figures, not comments
    for outsider in (alice, dora, paula):  # a participant, the nominating admins: not found
        contract.check(client.get(path, **outsider))
    _manage_the_catalogue(client, contract, centre, django_capture_on_commit_callbacks)

    ours = {(t, m) for t, ops in contract.schema["paths"].items() if t.startswith("/api/v1/training/") for m in ops}
    exercised = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    assert ours <= exercised
    assert {s for _, _, s in contract.checked} >= {"200", "201", "400", "401", "404"}


def _manage_the_catalogue(client: Any, contract: Any, centre: Any, on_commit: Any) -> None:
    """The centre's staff add and change courses, question banks and sessions; nobody else can."""
    from django.core import mail

    from himaya.training.models import Course, Nomination, Session

    c = centre.cast
    tina, dora, trent = bearer(c.tina), bearer(c.dora), bearer(c.trent)
    body = {
        "code": "tot-301",
        "title_ar": "تدريب المدربين",
        "title_en": "Training of trainers",
        "level": "tot",
        "prerequisites": ["frt-101"],
        "modules": [{"title_ar": "تصميم الجلسة", "title_en": "Designing a session"}],
        "questions": [{"text_ar": "س", "text_en": "Q", "options": [["نعم", "Yes"], ["لا", "No"]], "correct": 1}],
    }
    made = contract.check(post(client, "/api/v1/training/courses/", body, tina), "post")
    assert made["requires_supervised_delivery"] is True  # training of trainers
    assert made["prerequisites"] == ["frt-101"]
    contract.check(post(client, "/api/v1/training/courses/", body, tina), "post")  # 400: the code exists
    contract.check(post(client, "/api/v1/training/courses/", {**body, "code": "x-1"}, dora), "post")  # 404
    assert not Course.objects.filter(code="x-1").exists()

    course_path = f"/api/v1/training/courses/{made['id']}/"
    assert contract.check(client.get(course_path, **dora))["code"] == "tot-301"
    changed = contract.check(
        client.patch(
            course_path, json.dumps({"pass_mark": 85, "modules": []}), content_type="application/json", **tina
        ),
        "patch",
    )
    assert (changed["pass_mark"], changed["modules"]) == (85, [])
    cycle = client.patch(
        f"/api/v1/training/courses/{centre.course.pk}/",
        json.dumps({"prerequisites": ["tot-301"]}),
        content_type="application/json",
        **tina,
    )
    assert contract.check(cycle, "patch") and cycle.status_code == 400  # frt-101 <- tot-301 <- frt-101
    contract.check(
        client.patch(course_path, json.dumps({"pass_mark": 1}), content_type="application/json", **trent), "patch"
    )  # 404

    questions = f"{course_path}questions/"
    assert len(contract.check(client.get(questions, **tina))["results"]) == 1
    contract.check(client.get(questions, **dora))  # 404: the bank holds the answers
    question = {"text_ar": "سؤال", "text_en": "Question", "options": [["أ", "A"], ["ب", "B"], ["ج", "C"]], "correct": 2}
    added = contract.check(post(client, questions, question, tina), "post")
    assert (added["position"], added["correct"]) == (2, 2)
    contract.check(post(client, questions, {**question, "correct": 3}, tina), "post")  # 400: no 4th option
    fixed = contract.check(
        client.patch(f"{questions}{added['id']}/", json.dumps({"correct": 0}), content_type="application/json", **tina),
        "patch",
    )
    assert fixed["correct"] == 0 and fixed["options"] == question["options"]
    gone = client.delete(f"{questions}{added['id']}/", **tina)
    contract.check(gone, "delete")
    assert gone.status_code == 204
    assert len(contract.check(client.get(questions, **tina))["results"]) == 1

    import datetime as dt

    from django.utils import timezone

    start = timezone.localdate() + dt.timedelta(days=10)
    new_session = {
        "course": "frt-101",
        "starts_on": start.isoformat(),
        "ends_on": start.isoformat(),
        "language": "en",
        "capacity": 1,
        "online": True,
        "trainers": [c.trent.pk],
        "partners": "IOM",
    }
    scheduled = contract.check(post(client, "/api/v1/training/sessions/", new_session, tina), "post")
    assert scheduled["partners"] == "IOM" and scheduled["capacity"] == 1
    contract.check(post(client, "/api/v1/training/sessions/", {**new_session, "trainers": [c.alice.pk]}, tina), "post")
    contract.check(post(client, "/api/v1/training/sessions/", new_session, dora), "post")  # 404
    session_path = f"/api/v1/training/sessions/{scheduled['id']}/"
    nominations = f"{session_path}nominations/"
    post(client, nominations, {"participant": c.alice.pk}, dora)
    post(client, nominations, {"participant": c.bob.pk}, dora)
    assert Nomination.objects.get(participant=c.bob, session_id=scheduled["id"]).status == "waitlisted"
    mail.outbox.clear()
    with_room = contract.check(
        client.patch(
            session_path, json.dumps({"capacity": 2, "venue": "Manama"}), content_type="application/json", **tina
        ),
        "patch",
    )
    assert with_room["enrolled"] == 2  # bob came off the waiting list
    contract.check(
        client.patch(session_path, json.dumps({"capacity": 0}), content_type="application/json", **tina), "patch"
    )  # 400
    with on_commit(execute=True):
        cancelled = contract.check(
            post(client, f"{session_path}cancel/", {"reason": "The trainers cannot travel."}, tina), "post"
        )
    assert cancelled["cancelled_at"]
    trainers = sorted(Session.objects.get(pk=scheduled["id"]).trainers.values_list("email", flat=True))
    assert trainers  # the nominees and the session's trainers are told
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["alice@example.org", "bob@example.org", *trainers])
    contract.check(post(client, f"{session_path}cancel/", {"reason": "Twice is once too many."}, tina), "post")  # 400
