"""The training centre end to end in a real browser, in Arabic and in English: an agency
administrator nominates a staff member, the trainer records attendance, the participant passes
the post-test, the training officer issues the certificate, and anyone verifies it — on the
public page (no sign-in) and offline from the downloaded PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from himaya.testing import make_cast
from himaya.training import signing
from himaya.training.testing import make_course, make_session, start_session
from tests.e2e.test_nrm_flow import Flow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_nomination_attendance_test_certificate_and_verification(live_server, browser, artifacts, lang):
    cast = make_cast()
    course = make_course(cast.tina)
    session = make_session(cast.tina, course, trainers=[cast.trent], days=2)
    folder = artifacts / "training-flow"
    folder.mkdir(exist_ok=True)
    flow = Flow(browser, live_server.url, lang, folder)
    session_url = reverse("training:session", kwargs={"pk": session.pk})

    # --- Dora, the protection centre's administrator, nominates Alice.
    dora = flow.sign_in(cast.dora)
    flow.go(dora, reverse("training:sessions"))
    flow.shot(dora, "sessions")
    flow.go(dora, session_url)
    dora.select_option("#nominate-form select[name=participant]", str(cast.alice.pk))
    dora.locator("#nominate-submit").click()
    dora.locator("#roster tbody tr").first.wait_for()
    assert "Alice" in dora.locator("#roster").inner_text()
    flow.shot(dora, "nominated")
    nomination = session.nominations.get()

    # Two weeks pass: the session takes place.
    start_session(session)

    # --- Trent, the trainer, marks Alice present on both days.
    trent = flow.sign_in(cast.trent)
    flow.go(trent, session_url)
    row = f"#roster-{nomination.pk}"
    for _ in session.days():
        trent.locator(f"{row} .attendance-mark").first.click()
        trent.wait_for_load_state()
    assert trent.locator(f"{row} .attendance-mark").count() == 0
    assert trent.locator(f"{row} button:has-text('✓')").count() == 2
    flow.shot(trent, "attendance")

    # --- Alice takes the post-test and answers every question right.
    alice = flow.sign_in(cast.alice)
    flow.go(alice, reverse("training:mine"))
    flow.shot(alice, "my-training")
    alice.locator(f"#take-post-{nomination.pk}").click()
    alice.locator("#test-form").wait_for()
    for question in course.questions.all():
        alice.locator(f"#q{question.pk}-{question.correct}").check()
    flow.shot(alice, "post-test")
    alice.locator("#test-submit").click()
    alice.wait_for_url(re.compile(r"/training/mine/$"))
    assert "100%" in alice.locator(f"#my-nomination-{nomination.pk}").inner_text()

    # --- Tina, the training officer, sees the rules met and issues the certificate.
    tina = flow.sign_in(cast.tina)
    flow.go(tina, session_url)
    flow.shot(tina, "roster-rules-met")
    tina.locator(f"#certify-{nomination.pk}").click()
    tina.wait_for_url(re.compile(r"/training/certificates/\d+/$"))
    flow.shot(tina, "certificate")
    verify_url = tina.locator("#verify-link").get_attribute("href")
    with tina.expect_download() as download:
        tina.locator("#pdf-ar" if lang == "ar" else "#pdf-en").click()
    pdf = Path(download.value.path()).read_bytes()
    offline = signing.verify_pdf(pdf, signing.signing_key().public_key(), today=timezone.localdate())
    assert offline.ok, offline.reason
    assert offline.payload["holder"] == "Alice"

    # The coverage dashboard now counts Alice as trained, with its charts.
    flow.go(tina, reverse("training:coverage"))
    assert tina.locator("svg[role=img]").count() == 3
    flow.shot(tina, "coverage")
    flow.go(dora, reverse("training:nominations"))
    assert "Alice" in dora.locator("#agency-certificates").inner_text()
    flow.shot(dora, "agency-nominations")

    # --- Anyone (no sign-in) opens the QR code's address.
    visitor = _anonymous(browser, lang)
    path = re.sub(r"^https?://[^/]+", "", verify_url)
    visitor.goto(live_server.url + path)
    assert visitor.locator("#verify-status").inner_text().strip() == ("صالحة" if lang == "ar" else "Valid")
    assert visitor.locator("#verify-holder").inner_text().strip() == "Alice"
    assert "alice@example.org" not in visitor.content()
    flow.shot(visitor, "public-verification")
    make_session(cast.tina, course, trainers=[cast.trent], venue="Manama training hall")
    visitor.goto(live_server.url + reverse("training:catalogue"))
    assert "Manama training hall" in visitor.locator("#catalogue").inner_text()
    flow.shot(visitor, "public-catalogue")


def _anonymous(browser: Any, lang: str) -> Any:
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": lang, "url": "http://localhost"}])
    return context.new_page()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_officer_builds_a_course_and_runs_its_session_through_the_pages(live_server, browser, artifacts, lang):
    """Tina adds a course (modules, rules, a prerequisite) and a question to its bank, schedules a
    session, adds places, reads the participants' evaluations, and cancels another session."""
    from himaya.training import services
    from himaya.training.models import Course

    cast = make_cast()
    basics = make_course(cast.tina)
    folder = artifacts / "training-officer"
    folder.mkdir(exist_ok=True)
    flow = Flow(browser, live_server.url, lang, folder)
    tina = flow.sign_in(cast.tina)

    flow.go(tina, reverse("training:courses"))
    tina.locator("#course-new").click()
    tina.fill("#id_code", "vci-201")
    tina.fill("#id_title_ar", "المقابلة المتمحورة حول الضحية")
    tina.fill("#id_title_en", "Victim-centred interviewing")
    tina.select_option("#id_level", "practitioner")
    tina.select_option("#id_prerequisites", str(basics.pk))
    tina.fill("#id_pass_mark", "75")
    tina.fill("#id_modules-0-title_ar", "الإعداد للمقابلة")
    tina.fill("#id_modules-0-title_en", "Preparing the interview")
    tina.fill("#id_modules-0-outcomes_en", "Plans a safe, private interview with an interpreter")
    flow.shot(tina, "course-form")
    tina.locator("#course-save").click()
    tina.wait_for_url(re.compile(r"/training/courses/\d+/questions/$"))
    course = Course.objects.get(code="vci-201")
    assert list(course.prerequisites.all()) == [basics] and course.pass_mark == 75

    tina.fill("#id_text_ar", "هل يجوز إجراء المقابلة بحضور صاحب العمل؟")
    tina.fill("#id_text_en", "May the interview take place with the employer present?")
    tina.fill("#id_option_ar_0", "نعم")
    tina.fill("#id_option_en_0", "Yes")
    tina.fill("#id_option_ar_1", "لا")
    tina.fill("#id_option_en_1", "No")
    tina.select_option("#id_correct", index=1)  # the second option (a value of "1" also matches the label "1")
    assert tina.locator("#id_correct").input_value() == "1"
    tina.locator("#question-add").click()
    tina.locator("#questions li[id^=question-]").first.wait_for()
    assert course.questions.get().correct == 1
    flow.shot(tina, "question-bank")
    flow.go(tina, reverse("training:courses"))
    flow.shot(tina, "courses")

    # A session (of the basic course: nobody holds the new one's prerequisite yet) gets more places.
    session = make_session(cast.tina, basics, trainers=[cast.trent], capacity=1)
    services.nomination_create(actor=cast.dora, session=session, participant=cast.alice)
    services.nomination_create(actor=cast.dora, session=session, participant=cast.bob)
    flow.go(tina, reverse("training:session-edit", kwargs={"pk": session.pk}))
    tina.fill("#id_capacity", "12")
    tina.fill("#id_partners", "UNODC, IOM, ILO")
    flow.shot(tina, "session-edit")
    tina.locator("#session-save").click()
    tina.wait_for_url(re.compile(rf"/training/sessions/{session.pk}/$"))
    assert session.nominations.filter(status="enrolled").count() == 2

    # The session takes place and both participants evaluate it.
    start_session(session)
    for person, rating, comment in ((cast.alice, 5, "Very practical role plays."), (cast.bob, 4, "")):
        nomination = session.nominations.get(participant=person)
        services.evaluation_submit(actor=person, nomination=nomination, rating=rating, relevance=4, comment=comment)
    flow.go(tina, reverse("training:session", kwargs={"pk": session.pk}))
    assert "4.5" in tina.locator("#evaluation-figures").inner_text().replace("٫", ".").replace(",", ".")
    assert "Very practical role plays." in tina.locator("#evaluation-comments").inner_text()
    flow.shot(tina, "session-evaluations")

    # Another session is cancelled with a reason.
    later = make_session(cast.tina, basics, trainers=[cast.trent], venue="Manama training hall")
    flow.go(tina, reverse("training:session", kwargs={"pk": later.pk}))
    tina.locator("#session-edit").click()
    tina.fill("#id_reason", "The trainers cannot travel that week.")
    tina.locator("#session-cancel").click()
    tina.locator("#session-cancelled").wait_for()
    flow.shot(tina, "session-cancelled")
    later.refresh_from_db()
    assert later.cancelled_at is not None
