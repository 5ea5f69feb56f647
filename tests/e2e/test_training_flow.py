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
from tests.e2e.test_nrm_flow import Flow, browser  # noqa: F401 (the browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_nomination_attendance_test_certificate_and_verification(live_server, browser, artifacts, lang):  # noqa: F811
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


def _anonymous(browser: Any, lang: str) -> Any:  # noqa: F811
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": lang, "url": "http://localhost"}])
    return context.new_page()
