"""Pages: the public verification page leaks nothing but status, name, course and dates; it is
throttled; the catalogue is public; rosters, tests and the coverage dashboard work end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.training import services
from himaya.training.models import Certificate
from himaya.training.testing import answers, complete, start_session


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def certificate(centre):
    c = centre.cast
    c.alice.job_title = "Senior labour inspector"
    c.alice.save()
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    return services.certificate_issue(actor=c.tina, nomination=nomination)


def _page(client, certificate, language="en"):
    client.cookies["django_language"] = language
    response = client.get(f"/training/verify/{certificate.token}/", HTTP_ACCEPT_LANGUAGE=language)
    return response, response.content.decode()


def test_the_public_page_shows_a_valid_certificate_without_signing_in(client, certificate):
    response, html = _page(client, certificate)
    assert response.status_code == 200
    assert 'id="verify-status">Valid<' in html
    assert "Alice" in html
    assert certificate.course.title_en in html


def test_the_public_page_leaks_nothing_else(client, certificate):
    revoked_reason = "Issued by mistake to the wrong participant."
    services.certificate_revoke(actor=certificate.issued_by, certificate=certificate, reason=revoked_reason)
    certificate.refresh_from_db()
    for language in ("en", "ar"):
        response, html = _page(client, certificate, language)
        assert response.status_code == 200
        private = [
            certificate.participant.email,
            "Senior labour inspector",
            certificate.participant.agency.name_en,
            certificate.participant.agency.name_ar,
            certificate.number,
            revoked_reason,
            certificate.signature,
            certificate.key_id,
            "tina@example.org",
            "Tina",
            "Trent",
            "Isa Town",
            "UNODC",
            "Dora",
            "%",  # no scores or attendance
        ]
        for value in private:
            assert value not in html, (language, value)
        assert response["X-Robots-Tag"] == "noindex"
    assert 'id="verify-status">Revoked<' in _page(client, certificate)[1]


def test_the_public_page_says_expired(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert 'id="verify-status">Expired<' in _page(client, certificate)[1]


def test_the_public_page_answers_an_unknown_token_with_404(client, db):
    response = client.get("/training/verify/nothing-here/")
    assert response.status_code == 404
    assert 'id="verify-missing"' in response.content.decode()


@override_settings(HIMAYA_TRAINING_VERIFY_PER_MINUTE=3)
def test_the_public_page_is_throttled_per_address(client, certificate):
    statuses = [client.get(f"/training/verify/{certificate.token}/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    other = client.get(f"/training/verify/{certificate.token}/", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


@override_settings(HIMAYA_TRAINING_VERIFY_PER_MINUTE=3)
def test_behind_a_proxy_the_throttle_counts_each_client_not_the_proxy(client, certificate, settings):
    url = f"/training/verify/{certificate.token}/"

    def get(client_address, forged=""):
        chain = f"{forged}, {client_address}" if forged else client_address
        return client.get(url, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=chain).status_code

    settings.HIMAYA_PROXY_HOPS = 1
    assert [get("203.0.113.9") for _ in range(4)] == [200, 200, 200, 429]
    assert get("198.51.100.1") == 200  # another client through the same proxy
    assert get("203.0.113.9", forged="192.0.2.1") == 429  # a forged entry on the left does not help
    cache.clear()
    settings.HIMAYA_PROXY_HOPS = 0  # not configured: every client behind the proxy shares one count
    assert [get(f"203.0.113.{i}") for i in range(4)] == [200, 200, 200, 429]


def test_the_public_page_records_each_check_in_the_audit_log(client, certificate):
    _page(client, certificate)
    assert AuditEvent.objects.filter(action="training.certificate.verify", actor_id__isnull=True).count() == 1


def test_the_public_catalogue_lists_upcoming_published_sessions_only(client, centre):
    from himaya.training.testing import make_session

    make_session(centre.cast.tina, centre.course, published=False, venue="Hidden hall")
    html = client.get("/training/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Training hall, Isa Town" in html
    assert "Hidden hall" not in html


def test_a_participant_takes_the_post_test_in_the_browser(client, centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    login(client, c.alice)
    sheet = {f"q{pk}": str(v) for pk, v in answers(centre.session).items()}
    response = client.post(f"/training/nominations/{nomination.pk}/test/post/", sheet)
    assert response.status_code == 302
    assert nomination.assessments.get(kind="post").score == 100
    incomplete = client.post(f"/training/nominations/{nomination.pk}/test/pre/", {})
    assert incomplete.status_code == 400
    assert not nomination.assessments.filter(kind="pre").exists()


def test_the_certificate_pdf_downloads_and_is_audited(client, certificate):
    login(client, certificate.participant)
    response = client.get(f"/training/certificates/{certificate.pk}/pdf/ar/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="training.certificate.download").exists()


def test_the_coverage_dashboard_counts_trained_front_line_staff(client, certificate):
    c = certificate.issued_by  # tina
    login(client, c)
    response = client.get("/training/coverage/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    figures = response.context["f"]
    epc = next(r for r in figures["agencies"] if r["agency"] == certificate.participant.agency.name)
    assert epc["trained"] == 1 and epc["staff"] >= 2  # alice of alice, bob (first responder, case worker)
    assert figures["totals"]["sessions_delivered"] == 1
    course = figures["courses"][0]
    assert course["pre"] == 25 and course["post"] == 100 and course["gain"] == 75
    assert "<svg" in response.content.decode()
    pdf = client.get("/training/coverage/summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize("required", [False, True])
def test_the_jurisdiction_can_require_a_first_responder_certificate(centre, required, settings):
    from himaya.access import policy
    from himaya.cases.rules import DECIDE, SCREEN
    from himaya.cases.services import case_open

    c = centre.cast
    settings.HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE = required
    case = case_open(
        actor=c.alice,
        person=_person(c),
        category="trafficking_suspicion",
        channel="hotline",
        occurred_at=timezone.now(),
    )
    assert policy.can(c.alice, SCREEN, case) is (not required)
    assert policy.can(c.alice, policy.CHANGE, case)  # everything else on the case is unaffected
    # once alice holds a valid certificate she may screen either way
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    cert = services.certificate_issue(actor=c.tina, nomination=nomination)
    assert policy.can(c.alice, SCREEN, case)
    # a revoked certificate no longer qualifies
    services.certificate_revoke(actor=c.tina, certificate=cert, reason="Course attended by someone else.")
    assert policy.can(c.alice, SCREEN, case) is (not required)
    assert not policy.can(c.alice, DECIDE, case)  # deciding stays the coordinators'


def test_the_screening_service_refuses_an_uncertified_responder_when_required(centre, settings):
    from django.http import Http404

    from himaya.cases.services import case_open
    from himaya.screening.services import screening_record

    c = centre.cast
    settings.HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE = True
    case = case_open(
        actor=c.alice,
        person=_person(c),
        category="trafficking_suspicion",
        channel="hotline",
        occurred_at=timezone.now(),
    )
    with pytest.raises(Http404):
        screening_record(actor=c.alice, case=case, profile="adult-labour", indicators=["DR01"])
    settings.HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE = False
    assert screening_record(actor=c.alice, case=case, profile="adult-labour", indicators=["DR01"]).pk


def _person(c):
    from himaya.people.services import person_create

    return person_create(actor=c.alice, given_name_latin="Lina", nationality="PH")


def test_the_rule_also_asks_coordinators_for_a_certificate_before_deciding(centre, settings):
    from himaya.access import policy
    from himaya.cases.models import Case
    from himaya.cases.rules import DECIDE

    carol = centre.cast.carol
    assert policy.conditions_hold(carol, Case, DECIDE)
    settings.HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE = True
    assert not policy.conditions_hold(carol, Case, DECIDE)
    assert policy.scope_q(carol, Case, DECIDE) is None
    assert policy.scope_q(carol, Case, policy.VIEW) is not None  # reading cases is not affected
