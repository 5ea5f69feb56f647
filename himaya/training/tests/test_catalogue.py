"""The centre's staff manage courses, question banks and sessions through the pages; participants'
evaluations are reported; certificate-expiry reminders go out once per threshold."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.training import documents, selectors, services
from himaya.training.models import Certificate, CertificateReminder, Course, Nomination, Question
from himaya.training.testing import complete, make_course, make_session, start_session


@pytest.fixture(autouse=True)
def _fresh_cache(client):
    cache.clear()
    client.cookies["django_language"] = "en"


COURSE_FORM = {
    "code": "VCI-201",
    "title_ar": "المقابلة المتمحورة حول الضحية",
    "title_en": "Victim-centred interviewing",
    "summary_en": "Interviewing without re-traumatising.",
    "level": "practitioner",
    "validity_months": "36",
    "attendance_threshold": "90",
    "pass_mark": "75",
    "qualifies_first_responder": "on",
    "modules-TOTAL_FORMS": "3",
    "modules-INITIAL_FORMS": "0",
    "modules-0-title_ar": "الإعداد للمقابلة",
    "modules-0-title_en": "Preparing the interview",
    "modules-0-outcomes_en": "Plans a safe interview",
    "modules-1-title_ar": "",
    "modules-1-title_en": "",
    "modules-2-title_ar": "الصدمة",
    "modules-2-title_en": "Trauma",
}


def test_an_officer_adds_a_course_with_modules_rules_and_prerequisites_through_the_page(client, centre):
    c = centre.cast
    login(client, c.tina)
    response = client.post("/training/courses/new/", {**COURSE_FORM, "prerequisites": [centre.course.pk]})
    course = Course.objects.get(code="vci-201")
    assert response.status_code == 302 and response["Location"] == f"/training/courses/{course.pk}/questions/"
    assert (course.title_ar, course.title_en, course.level) == (
        COURSE_FORM["title_ar"],
        COURSE_FORM["title_en"],
        "practitioner",
    )
    assert (course.validity_months, course.attendance_threshold, course.pass_mark) == (36, 90, 75)
    assert course.qualifies_first_responder and not course.requires_supervised_delivery
    assert list(course.prerequisites.all()) == [centre.course]
    assert [(m.position, m.title_en) for m in course.modules.all()] == [(1, "Preparing the interview"), (2, "Trauma")]
    assert AuditEvent.objects.filter(action="training.course.create", object_id=str(course.pk)).exists()


def test_a_bad_course_form_says_why_and_writes_nothing(client, centre):
    login(client, centre.cast.tina)
    response = client.post("/training/courses/new/", {**COURSE_FORM, "title_ar": "", "modules-2-title_en": ""})
    assert response.status_code == 400
    assert not Course.objects.filter(code="vci-201").exists()
    body = response.content.decode()
    assert "This field is required." in body


def test_an_officer_edits_a_course_and_the_change_is_audited(client, centre):
    c = centre.cast
    login(client, c.tina)
    page = client.get(f"/training/courses/{centre.course.pk}/edit/")
    assert page.status_code == 200 and "Indicators of trafficking" in page.content.decode()
    data = {
        **{k: v for k, v in COURSE_FORM.items() if k != "code" and not k.startswith("modules")},
        "level": "tot",
        "requires_supervised_delivery": "on",
        "is_active": "on",
        "modules-TOTAL_FORMS": "2",
        "modules-INITIAL_FORMS": "2",
        "modules-0-title_ar": "مؤشرات الاتجار",
        "modules-0-title_en": "Indicators of trafficking",
        "modules-1-title_ar": "إجراءات الإحالة",
        "modules-1-title_en": "Referral procedures",
        "modules-1-DELETE": "on",
    }
    response = client.post(f"/training/courses/{centre.course.pk}/edit/", data)
    assert response.status_code == 302
    course = Course.objects.get(pk=centre.course.pk)
    assert course.code == "frt-101"  # the code is printed in signed certificates: it stays
    assert (course.level, course.requires_supervised_delivery, course.pass_mark) == ("tot", True, 75)
    assert [m.title_en for m in course.modules.all()] == ["Indicators of trafficking"]
    event = AuditEvent.objects.get(action="training.course.change", object_id=str(course.pk))
    assert {"level", "pass_mark", "modules"} <= set(event.fields.split(","))


def test_a_course_cannot_require_itself_even_indirectly(centre):
    c = centre.cast
    advanced = make_course(c.tina, code="adv-201", prerequisites=[centre.course])
    with pytest.raises(ValidationError) as error:
        services.course_update(actor=c.tina, course=centre.course, prerequisites=[advanced])
    assert "prerequisites" in error.value.message_dict
    assert not centre.course.prerequisites.exists()


def test_only_the_centres_staff_change_courses(centre):
    from django.http import Http404

    for who in ("dora", "trent", "alice"):
        with pytest.raises(Http404):
            services.course_update(actor=getattr(centre.cast, who), course=centre.course, pass_mark=1)
    assert Course.objects.get(pk=centre.course.pk).pass_mark == 70


QUESTION_FORM = {
    "text_ar": "هل يجوز استجواب الضحية بحضور صاحب العمل؟",
    "text_en": "May the victim be interviewed with the employer present?",
    "option_ar_0": "نعم",
    "option_en_0": "Yes",
    "option_ar_2": "لا",
    "option_en_2": "No",
    "correct": "2",
    "points": "2",
}


def test_an_officer_manages_the_question_bank(client, centre):
    login(client, centre.cast.tina)
    bank = f"/training/courses/{centre.course.pk}/questions/"
    assert client.post(bank, QUESTION_FORM).status_code == 302
    question = centre.course.questions.order_by("-position").first()
    # The third row was the second filled one: the correct answer follows the filled rows.
    assert question.options == [["نعم", "Yes"], ["لا", "No"]] and question.correct == 1 and question.points == 2
    assert question.position == 5
    page = client.get(bank, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "May the victim be interviewed" in page
    edit = f"/training/questions/{question.pk}/edit/"
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**QUESTION_FORM, "correct": "0"}).status_code == 302
    question.refresh_from_db()
    assert question.correct == 0
    first = centre.course.questions.order_by("position").first()
    assert client.post(f"/training/questions/{first.pk}/delete/").status_code == 302
    assert list(centre.course.questions.values_list("position", flat=True)) == [1, 2, 3, 4]
    actions = set(AuditEvent.objects.filter(action__startswith="training.question.").values_list("action", flat=True))
    assert actions == {"training.question.create", "training.question.change", "training.question.delete"}


@pytest.mark.parametrize(
    "change",
    [
        {"option_ar_2": "", "option_en_2": ""},  # one option only
        {"option_en_2": ""},  # an option in one language only
        {"correct": "4"},  # the correct answer is an empty row
        {"text_en": ""},
    ],
)
def test_a_bad_question_is_refused_and_nothing_is_written(client, centre, change):
    login(client, centre.cast.tina)
    before = Question.objects.count()
    response = client.post(f"/training/courses/{centre.course.pk}/questions/", {**QUESTION_FORM, **change})
    assert response.status_code == 400
    assert Question.objects.count() == before


def test_the_question_bank_with_its_answers_is_hidden_from_everyone_else(client, centre):
    question = centre.course.questions.first()
    for who in ("trent", "dora", "alice"):
        client.logout()
        login(client, getattr(centre.cast, who))
        assert client.get(f"/training/courses/{centre.course.pk}/questions/").status_code == 404
        assert client.get(f"/training/questions/{question.pk}/edit/").status_code == 404
        assert client.post(f"/training/questions/{question.pk}/delete/").status_code == 404
    assert Question.objects.filter(pk=question.pk).exists()


# --- sessions -----------------------------------------------------------------------------------


def _edit_data(session, **changes):
    data = {
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "language": session.language,
        "capacity": str(session.capacity),
        "venue": session.venue,
        "partners": session.partners,
        "published": "on",
        "trainers": [t.pk for t in session.trainers.all()],
    }
    data.update(changes)
    return data


def test_an_officer_moves_a_session_and_the_nominees_are_told(client, centre, django_capture_on_commit_callbacks):
    c = centre.cast
    session = centre.session
    services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    login(client, c.tina)
    later = session.starts_on + dt.timedelta(days=7)
    data = _edit_data(session, starts_on=later.isoformat(), ends_on=(later + dt.timedelta(days=1)).isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/training/sessions/{session.pk}/edit/", {**data, "online": "on", "venue": ""})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_on, session.online, len(session.days())) == (later, True, 2)
    # The nominee and the session's trainer are told, each in their own words.
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", c.trent.email]
    assert all(later.isoformat() in m.body for m in mail.outbox)
    to_trainer = next(m for m in mail.outbox if m.to == [c.trent.email])
    to_nominee = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert to_trainer.body != to_nominee.body  # "the session you train", not "you are nominated for"
    assert AuditEvent.objects.filter(action="training.session.change", object_id=str(session.pk)).exists()


def test_added_places_go_to_the_waiting_list_and_places_cannot_drop_below_the_enrolled(centre):
    c = centre.cast
    session = make_session(c.tina, centre.course, capacity=1)
    services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    bob = services.nomination_create(actor=c.dora, session=session, participant=c.bob)
    assert bob.status == "waitlisted"
    services.session_update(actor=c.tina, session=session, capacity=2, partners="ILO")
    bob.refresh_from_db()
    assert bob.status == "enrolled"
    with pytest.raises(ValidationError) as error:
        services.session_update(actor=c.tina, session=session, capacity=1)
    assert "capacity" in error.value.message_dict
    assert not mail.outbox  # places and partners are not news for the nominees


def test_trainers_added_or_removed_are_told_and_a_promoted_nominee_learns_the_place_is_hers(
    centre, django_capture_on_commit_callbacks
):
    c = centre.cast
    session = make_session(c.tina, centre.course, capacity=1, trainers=[c.trent])
    services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    bob = services.nomination_create(actor=c.dora, session=session, participant=c.bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(actor=c.tina, session=session, trainers=[c.tina], capacity=2)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {c.tina.email, c.trent.email, "bob@example.org"}  # alice: nothing changed for her
    assert centre.course.title_ar in by_person[c.tina.email].subject  # in the trainer's language (Arabic)
    assert by_person[c.tina.email].subject != by_person[c.trent.email].subject  # added vs removed
    bob.refresh_from_db()
    assert bob.status == "enrolled" and session.starts_on.isoformat() in by_person["bob@example.org"].body
    # Nothing to tell when nothing a trainer or nominee cares about changes.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(actor=c.tina, session=session, trainers=[c.tina], partners="UNODC")
    assert not mail.outbox
    # A withdrawal that frees a place tells the next one waiting.
    carol = services.nomination_create(actor=c.dora, session=session, participant=c.carol)
    assert carol.status == "waitlisted"
    alice = session.nominations.get(participant=c.alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_withdraw(actor=c.dora, nomination=alice)
    carol.refresh_from_db()
    assert carol.status == "enrolled" and [m.to for m in mail.outbox] == [[c.carol.email]]


def test_a_started_session_keeps_its_first_day_and_its_recorded_days(centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    services.attendance_record(actor=c.trent, nomination=nomination, day=centre.session.ends_on, present=True)
    with pytest.raises(ValidationError) as error:
        services.session_update(
            actor=c.tina, session=centre.session, starts_on=centre.session.starts_on - dt.timedelta(days=1)
        )
    assert "starts_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.session_update(
            actor=c.tina, session=centre.session, ends_on=centre.session.ends_on - dt.timedelta(days=1)
        )
    assert "ends_on" in error.value.message_dict


def test_an_officer_cancels_a_session_and_every_nominee_is_told(client, centre, django_capture_on_commit_callbacks):
    c = centre.cast
    session = make_session(c.tina, centre.course, capacity=1)
    services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    services.nomination_create(actor=c.dora, session=session, participant=c.bob)  # waiting list
    login(client, c.tina)
    assert client.post(f"/training/sessions/{session.pk}/cancel/", {"reason": "short"}).status_code == 302
    session.refresh_from_db()
    assert session.cancelled_at is None  # the reason is too short
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/training/sessions/{session.pk}/cancel/", {"reason": "The trainers cannot travel."})
    session.refresh_from_db()
    assert session.cancelled_at is not None and session.cancellation_reason == "The trainers cannot travel."
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]
    assert all("The trainers cannot travel." in m.body for m in mail.outbox)
    assert session not in selectors.upcoming_sessions()
    page = client.get(f"/training/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This session has been cancelled." in page
    with pytest.raises(ValidationError):
        services.session_update(actor=c.tina, session=session, capacity=5)
    alice = session.nominations.get(participant=c.alice)
    with pytest.raises(ValidationError):  # nothing is delivered in a cancelled session
        services.assessment_submit(actor=c.alice, nomination=alice, kind="pre", answers={})
    client.logout()
    login(client, c.alice)
    client.cookies["django_language"] = "en"
    mine = client.get("/training/mine/").content.decode()
    assert "Session cancelled" in mine and f"/training/nominations/{alice.pk}/test/pre/" not in mine


def test_a_session_with_certificates_cannot_be_cancelled(centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    services.certificate_issue(actor=c.tina, nomination=nomination)
    with pytest.raises(ValidationError):
        services.session_cancel(actor=c.tina, session=centre.session, reason="Changed our minds entirely.")


# --- evaluations --------------------------------------------------------------------------------


@pytest.fixture
def evaluated(centre):
    c = centre.cast
    alice = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    pete = services.nomination_create(actor=c.paula, session=centre.session, participant=c.pete)
    start_session(centre.session)
    for nomination in (alice, pete):
        nomination.refresh_from_db()
        complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    services.evaluation_submit(actor=c.alice, nomination=alice, rating=5, relevance=4, comment="Very practical.")
    services.evaluation_submit(actor=c.pete, nomination=pete, rating=4, relevance=3)
    return centre


def test_the_session_page_reports_the_evaluations_and_only_officers_read_the_comments(client, evaluated):
    c = evaluated.cast
    path = f"/training/sessions/{evaluated.session.pk}/"
    login(client, c.tina)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    figures = response.context["evaluations"]
    assert figures["responses"] == 2
    assert [q["average"] for q in figures["questions"]] == [4.5, 3.5]
    assert figures["questions"][0]["distribution"] == [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1)]
    assert figures["comments"] == ["Very practical."]
    html = response.content.decode()
    assert "Very practical." in html
    # The report is on the page once, in its body, and the page's title is the course's title alone.
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith(evaluated.course.title_en) and "<" not in title
    assert html.count('id="evaluations"') == 1 and html.index('id="evaluations"') > html.index("<body")
    client.logout()
    login(client, c.trent)  # the session's trainer: the figures, not the comments
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["evaluations"]["responses"] == 2
    assert "comments" not in response.context["evaluations"]
    assert "Very practical." not in response.content.decode()
    client.logout()
    login(client, c.alice)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["evaluations"] is None
    assert "Very practical." not in response.content.decode()


def test_the_coverage_dashboard_and_annual_summary_report_the_evaluations(client, evaluated, tmp_path):
    from himaya.training.tests.test_documents import _text

    c = evaluated.cast
    login(client, c.adam)  # an analyst: the figures, never the comments
    response = client.get("/training/coverage/", HTTP_ACCEPT_LANGUAGE="en")
    row = response.context["f"]["courses"][0]
    assert (row["evaluations"], row["rating"], row["relevance"]) == (2, 4.5, 3.5)
    body = response.content.decode()
    assert "4.5 / 5" in body and "Very practical." not in body
    figures = selectors.coverage(actor=c.adam)
    text = _text(documents.annual_summary_pdf(figures, year=figures["year"], language="en"), tmp_path)
    assert "Participants' evaluations per course" in text and "4.5" in text and "3.5" in text


# --- reminders ----------------------------------------------------------------------------------


@pytest.fixture
def certificate(centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    return services.certificate_issue(actor=c.tina, nomination=nomination)


def _remind(on: dt.date, capture) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("training_remind", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


def test_the_daily_command_reminds_once_at_90_days_and_once_at_30(certificate, django_capture_on_commit_callbacks):
    expires = certificate.expires_on
    for days_before in (120, 91):
        assert "sent 0 " in _remind(expires - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)
    for days_before in range(90, 30, -1):  # every day from 90 to 31 days before: one reminder
        _remind(expires - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert "sent 1 " in _remind(expires - dt.timedelta(days=30), django_capture_on_commit_callbacks)
    for days_before in (29, 10, 0):
        assert "sent 0 " in _remind(expires - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and all(m.to == ["alice@example.org"] for m in mail.outbox)
    assert sorted(CertificateReminder.objects.values_list("threshold_days", flat=True)) == [30, 90]
    assert AuditEvent.objects.filter(action="training.certificate.remind").count() == 2


def test_a_certificate_first_seen_inside_30_days_gets_one_reminder(certificate, django_capture_on_commit_callbacks):
    on = certificate.expires_on - dt.timedelta(days=12)
    assert "sent 1 " in _remind(on, django_capture_on_commit_callbacks)
    assert "sent 0 " in _remind(on + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert set(CertificateReminder.objects.values_list("threshold_days", flat=True)) == {30, 90}


def test_no_reminder_for_a_revoked_or_renewed_certificate_or_a_deactivated_holder(certificate):
    c = certificate.participant
    on = certificate.expires_on - dt.timedelta(days=20)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    assert services.certificate_reminders_send(today=on) == 0
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None)
    type(c).objects.filter(pk=c.pk).update(is_active=False)
    assert services.certificate_reminders_send(today=on) == 0


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("training_remind", "--date", "tomorrow")


def test_the_periodic_task_runs_the_same_reminders(certificate, django_capture_on_commit_callbacks):
    from himaya.training.tasks import send_certificate_expiry_reminders

    on = (certificate.expires_on - dt.timedelta(days=60)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_certificate_expiry_reminders.call(on) == 1
        assert send_certificate_expiry_reminders.call(on) == 0
    assert len(mail.outbox) == 1
    assert Nomination.objects.count() == 1
