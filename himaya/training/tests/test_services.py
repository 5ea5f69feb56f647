"""Nominations, waiting list, delivery, assessments and certificates through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from himaya.audit.models import AuditEvent
from himaya.training import services
from himaya.training.models import Certificate, Level, Nomination
from himaya.training.testing import answers, complete, make_course, make_session, start_session


def test_it_lets_an_agency_admin_nominate_their_own_staff(centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.paula, session=centre.session, participant=c.pete)
    assert nomination.status == "enrolled"
    assert nomination.agency == c.agencies["police"]
    assert AuditEvent.objects.filter(action="training.nomination.create", object_id=str(nomination.pk)).exists()


def test_it_refuses_to_nominate_another_agencys_staff(centre):
    c = centre.cast
    with pytest.raises(ValidationError):
        services.nomination_create(actor=c.paula, session=centre.session, participant=c.alice)
    assert not Nomination.objects.exists()


def test_it_lets_a_partner_country_admin_nominate_their_staff(centre):
    from himaya.accounts.models import User, UserRole

    c = centre.cast
    officer_jo = User.objects.create(email="rami@example.org", full_name="Rami", agency=c.agencies["partner"])
    UserRole.objects.create(user=officer_jo, role="first_responder")
    nomination = services.nomination_create(actor=c.jamal, session=centre.session, participant=officer_jo)
    assert nomination.agency.country == "JO"


def test_it_hides_nominations_from_staff_who_are_not_admins(centre):
    c = centre.cast
    with pytest.raises(Http404):
        services.nomination_create(actor=c.alice, session=centre.session, participant=c.alice)


def test_it_puts_nominations_beyond_capacity_on_the_waiting_list_and_promotes_on_withdrawal(centre):
    c = centre.cast
    session = make_session(c.tina, centre.course, capacity=1)
    first = services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    second = services.nomination_create(actor=c.dora, session=session, participant=c.bob)
    assert (first.status, second.status) == ("enrolled", "waitlisted")
    services.nomination_withdraw(actor=c.dora, nomination=first)
    second.refresh_from_db()
    assert second.status == "enrolled"


def test_it_refuses_a_second_nomination_of_the_same_person(centre):
    c = centre.cast
    services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    with pytest.raises(ValidationError):
        services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    assert Nomination.objects.count() == 1


def test_it_refuses_nominations_once_the_session_has_started(centre):
    c = centre.cast
    start_session(centre.session)
    with pytest.raises(ValidationError):
        services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)


def test_it_requires_the_prerequisite_certificate(centre):
    c = centre.cast
    tot = make_course(c.tina, code="tot-201", level=Level.TRAINING_OF_TRAINERS, prerequisites=[centre.course])
    session = make_session(c.tina, tot, trainers=[c.trent])
    with pytest.raises(ValidationError) as error:
        services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    assert "prerequisites" in str(error.value)


def _enrolled_and_started(centre, who="alice"):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=getattr(c, who))
    start_session(centre.session)
    nomination.refresh_from_db()
    return nomination


def test_it_issues_a_certificate_when_the_rules_are_met(centre):
    c = centre.cast
    nomination = complete(officer=c.tina, trainer=c.trent, nomination=_enrolled_and_started(centre))
    certificate = services.certificate_issue(actor=c.tina, nomination=nomination)
    assert certificate.number.startswith(f"HTC-{timezone.localdate().year}-")
    assert certificate.holder_name == "Alice"
    assert certificate.expires_on.year == certificate.issued_on.year + 2
    assert certificate.status == "valid"


def test_it_refuses_a_certificate_with_every_unmet_rule_named(centre):
    c = centre.cast
    nomination = complete(
        officer=c.tina, trainer=c.trent, nomination=_enrolled_and_started(centre), present_days=1, right=1
    )
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(actor=c.tina, nomination=nomination)
    assert len(error.value.messages) == 2
    assert not Certificate.objects.exists()


def test_it_lets_only_officers_issue_certificates(centre):
    c = centre.cast
    nomination = complete(officer=c.tina, trainer=c.trent, nomination=_enrolled_and_started(centre))
    for actor in (c.trent, c.dora, c.alice):
        with pytest.raises(Http404):
            services.certificate_issue(actor=actor, nomination=nomination)


def test_it_asks_trainers_of_trainers_for_a_supervised_delivery(centre):
    c = centre.cast
    tot = make_course(c.tina, code="tot-201", level=Level.TRAINING_OF_TRAINERS)
    session = make_session(c.tina, tot, trainers=[c.trent])
    nomination = services.nomination_create(actor=c.dora, session=session, participant=c.alice)
    start_session(session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=c.tina, nomination=nomination)
    services.supervised_delivery_record(actor=c.trent, nomination=nomination, delivered_on=timezone.localdate())
    assert services.certificate_issue(actor=c.tina, nomination=nomination).course == tot


def test_it_lets_only_the_sessions_trainers_record_attendance(centre):
    c = centre.cast
    nomination = _enrolled_and_started(centre)
    other = make_session(c.tina, centre.course)  # trent does not train this one
    with pytest.raises(Http404):
        services.attendance_record(actor=c.pete, nomination=nomination, day=nomination.session.starts_on, present=True)
    record = services.attendance_record(
        actor=c.trent, nomination=nomination, day=nomination.session.starts_on, present=True
    )
    assert record.present
    assert other.trainers.count() == 0


def test_it_refuses_attendance_outside_the_sessions_days(centre):
    c = centre.cast
    nomination = _enrolled_and_started(centre)
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=c.trent, nomination=nomination, day=nomination.session.ends_on + dt.timedelta(days=1), present=True
        )


def test_it_scores_a_test_once_and_only_for_the_participant(centre):
    c = centre.cast
    nomination = _enrolled_and_started(centre)
    with pytest.raises(Http404):
        services.assessment_submit(actor=c.bob, nomination=nomination, kind="pre", answers=answers(centre.session))
    pre = services.assessment_submit(
        actor=c.alice, nomination=nomination, kind="pre", answers=answers(centre.session, right=2)
    )
    assert pre.score == 50
    with pytest.raises(ValidationError):
        services.assessment_submit(actor=c.alice, nomination=nomination, kind="pre", answers=answers(centre.session))


def test_it_refuses_an_incomplete_answer_sheet(centre):
    c = centre.cast
    nomination = _enrolled_and_started(centre)
    sheet = answers(centre.session)
    sheet.popitem()
    with pytest.raises(ValidationError):
        services.assessment_submit(actor=c.alice, nomination=nomination, kind="post", answers=sheet)
    assert not nomination.assessments.exists()


def test_it_takes_one_evaluation_per_participant(centre):
    c = centre.cast
    nomination = _enrolled_and_started(centre)
    services.evaluation_submit(actor=c.alice, nomination=nomination, rating=5, relevance=4, comment="Useful.")
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=c.alice, nomination=nomination, rating=4, relevance=4)
    with pytest.raises(Http404):
        services.evaluation_submit(actor=c.bob, nomination=nomination, rating=4, relevance=4)


def test_it_refuses_a_rating_outside_one_to_five(centre):
    nomination = _enrolled_and_started(centre)
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=centre.cast.alice, nomination=nomination, rating=9, relevance=4)
    assert not hasattr(nomination, "evaluation")


def _certified(centre, who="alice"):
    c = centre.cast
    nomination = complete(officer=c.tina, trainer=c.trent, nomination=_enrolled_and_started(centre, who))
    return services.certificate_issue(actor=c.tina, nomination=nomination)


def test_it_revokes_a_certificate_with_a_reason(centre):
    c = centre.cast
    certificate = _certified(centre)
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=c.tina, certificate=certificate, reason="short")
    services.certificate_revoke(actor=c.tina, certificate=certificate, reason="Issued to the wrong participant.")
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=c.tina, certificate=certificate, reason="Issued to the wrong participant.")


def test_it_renews_a_certificate_from_a_later_session(centre):
    c = centre.cast
    first = _certified(centre)
    refresher = make_session(c.tina, centre.course, trainers=[c.trent])
    nomination = services.nomination_create(actor=c.dora, session=refresher, participant=c.alice)
    start_session(refresher)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    second = services.certificate_issue(actor=c.tina, nomination=nomination)
    assert second.renews == first


def test_it_reminds_holders_once_before_expiry(centre, django_capture_on_commit_callbacks):
    certificate = _certified(centre)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_reminders_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_reminders_send() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert certificate.number in mail.outbox[0].body


def test_it_does_not_remind_about_a_certificate_far_from_expiry(centre):
    _certified(centre)
    assert services.certificate_reminders_send() == 0
