"""Shelter pages as staff use them: the board, admission, the loser of a race, discharge, PDF, reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.accounts.testing import login as sign_in
from himaya.agencies.models import Agency
from himaya.audit.models import AuditEvent
from himaya.shelters import services
from himaya.shelters.models import Bed, Stay
from himaya.shelters.tests.conftest import build_shelter, free_bed

pytestmark = pytest.mark.django_db


def login(client, user, language: str = "en") -> None:
    """Sign in; pages follow the user's language (English here unless a test asks for Arabic)."""
    type(user).objects.filter(pk=user.pk).update(language=language)
    sign_in(client, user)


def _staff(agency, name: str, role: Role) -> User:
    user = User.objects.create(email=f"{name}@example.org", full_name=name, agency=agency)
    UserRole.objects.create(user=user, role=role)
    return user


def test_the_board_shows_each_bed_and_its_resident_and_refreshes_itself(client, cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    login(client, cast.sheila)
    page = client.get(f"/shelters/{shelter.pk}/board/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Resident1" in html and f"/shelters/stays/{stay.pk}/" in html
    assert 'hx-trigger="every 30s"' in html and f'hx-get="/shelters/{shelter.pk}/board/live/"' in html
    assert "<script>" not in html  # CSP: no inline script
    assert 'id="bed-maintenance"' not in html  # a service provider does not manage beds
    live = client.get(f"/shelters/{shelter.pk}/board/live/")
    assert live.status_code == 200 and live.content.decode().startswith('<div id="board"')
    assert AuditEvent.objects.filter(action="shelters.stay.list", actor_id=cast.sheila.pk).exists()


def test_another_shelters_staff_get_404_on_the_board_and_the_stay(client, cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    rival = Agency.objects.create(code="haven", name_ar="ملاذ", name_en="Haven", type="shelter_operator")
    build_shelter(rival, code="haven-house")
    login(client, _staff(rival, "rhea", Role.SERVICE_PROVIDER))
    assert client.get(f"/shelters/{shelter.pk}/board/").status_code == 404
    assert client.get(f"/shelters/stays/{stay.pk}/").status_code == 404
    assert client.get("/shelters/").status_code == 200  # their own (empty) shelter day


def test_the_referring_agency_sees_the_status_but_not_the_resident_details(
    client, cast, shelter, make_referral
) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    login(client, cast.bob)
    html = client.get(f"/shelters/stays/{stay.pk}/").content.decode()
    assert 'id="status-only"' in html and 'id="person-fields"' not in html and "discharge-form" not in html


def test_admitting_through_the_page_and_losing_the_race_for_the_bed(client, cast, shelter, make_referral) -> None:
    first, second = make_referral(), make_referral()
    bed = free_bed(shelter)
    login(client, cast.sheila)
    assert client.get(f"/shelters/admit/{first.pk}/").status_code == 200
    response = client.post(f"/shelters/admit/{first.pk}/", {"bed": bed.pk})
    stay = Stay.objects.get(referral=first)
    assert response.status_code == 302 and response["Location"] == f"/shelters/stays/{stay.pk}/"
    lost = client.post(f"/shelters/admit/{second.pk}/", {"bed": bed.pk})
    assert lost.status_code == 409
    assert "This bed has just been taken" in lost.content.decode()
    assert not Stay.objects.filter(referral=second).exists()


def test_the_bed_gone_message_is_arabic_for_an_arabic_user(client, cast, shelter, make_referral) -> None:
    first, second = make_referral(), make_referral()
    bed = free_bed(shelter)
    services.stay_admit(actor=cast.sheila, referral=first, bed=bed)
    login(client, cast.sheila, language="ar")
    lost = client.post(f"/shelters/admit/{second.pk}/", {"bed": bed.pk})
    assert lost.status_code == 409
    assert "This bed has just been taken" not in lost.content.decode()
    assert "السرير" in lost.content.decode()


def test_discharge_through_the_page_then_print_the_summary(client, cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    login(client, cast.sheila)
    bad = client.post(f"/shelters/stays/{stay.pk}/discharge/", {"reason": "bored", "destination": "moon"})
    assert bad.status_code == 400 and Stay.objects.get(pk=stay.pk).is_open
    done = client.post(
        f"/shelters/stays/{stay.pk}/discharge/", {"reason": "voluntary_return", "destination": "country_of_origin"}
    )
    assert done.status_code == 302 and not Stay.objects.get(pk=stay.pk).is_open
    pdf = client.get(f"/shelters/stays/{stay.pk}/discharge.pdf", HTTP_ACCEPT_LANGUAGE="ar")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="shelters.stay.download", object_id=str(stay.pk)).exists()


def test_the_discharge_summary_reads_in_arabic_with_the_arabic_name_shaped(
    cast, shelter, make_referral, tmp_path
) -> None:
    from himaya.core.tests.test_pdf import _pdftotext
    from himaya.shelters.documents import discharge_summary

    referral = make_referral()
    person = referral.case.person
    person.full_name_arabic = "مريم حسن"
    person.save()
    stay = services.stay_admit(actor=cast.sheila, referral=referral, bed=free_bed(shelter))
    stay = services.stay_discharge(actor=cast.sheila, stay=stay, reason="family", destination="family_or_friends")
    text = re.sub("[\u200e\u200f\u202a-\u202e]", "", _pdftotext(discharge_summary(stay, language="ar"), tmp_path))
    assert "مريم حسن" in text and "Resident1" in text
    assert "ملخص الخروج" in text  # the title, translated


def test_an_absence_with_a_return_before_leaving_is_refused_on_the_page(client, cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    login(client, cast.sheila)
    past = (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/shelters/stays/{stay.pk}/absence/", {"reason": "hospital", "expected_back": past})
    assert response.status_code == 400 and "expected return must be after leaving" in response.content.decode()
    assert not stay.absences.exists()


def test_a_shelter_supervisor_closes_and_reopens_a_bed(client, cast, shelter) -> None:
    supervisor = _staff(cast.agencies["shelter"], "sara", Role.SUPERVISOR)
    bed = free_bed(shelter)
    login(client, supervisor)
    board = client.get(f"/shelters/{shelter.pk}/board/").content.decode()
    assert 'id="bed-maintenance"' in board and f"/shelters/beds/{bed.pk}/close/" in board
    assert client.post(f"/shelters/beds/{bed.pk}/close/", {"reason": "Leaking roof"}).status_code == 302
    assert Bed.objects.get(pk=bed.pk).is_closed
    assert 'data-state="closed"' in client.get(f"/shelters/{shelter.pk}/board/").content.decode()
    assert client.post(f"/shelters/beds/{bed.pk}/reopen/").status_code == 302
    assert not Bed.objects.get(pk=bed.pk).is_closed


def test_the_national_view_counts_beds_without_naming_anyone(client, cast, shelter, make_referral) -> None:
    services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    login(client, cast.pete)
    html = client.get("/shelters/national/").content.decode()
    assert shelter.name_en in html and "Resident1" not in html
    assert f'href="/shelters/{shelter.pk}/board/"' not in html


def test_the_report_draws_svg_charts_of_occupancy_and_length_of_stay(client, cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    Stay.objects.filter(pk=stay.pk).update(admitted_at=timezone.now() - dt.timedelta(days=10))
    services.stay_discharge(
        actor=cast.sheila, stay=Stay.objects.get(pk=stay.pk), reason="family", destination="unknown"
    )
    login(client, cast.carol)
    response = client.get("/shelters/reports/", {"days": 30})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 2 and "Average length of stay" in html
    assert '<td class="text-end">10.0</td>' in html
    assert client.get("/shelters/reports/", {"days": "7000"}).status_code == 400


def test_the_emergency_page_places_and_flags_for_review(client, cast, shelter) -> None:
    from himaya.cases.services import case_open
    from himaya.consent.models import Consent
    from himaya.people.services import person_create

    person = person_create(actor=cast.alice, given_name_latin="Night", gender="Feminine")
    Consent.objects.create(
        person=person,
        purpose="referral_services",
        recipient_agency=shelter.operator,
        given=True,
        explained_by=cast.alice,
        language="en",
        recorded_at=timezone.now(),
    )
    case = case_open(actor=cast.alice, person=person, category="abuse", channel="hotline", occurred_at=timezone.now())
    login(client, cast.alice)
    assert (
        client.post(f"/shelters/emergency/{case.pk}/", {"bed": free_bed(shelter).pk, "reason": ""}).status_code == 400
    )
    response = client.post(f"/shelters/emergency/{case.pk}/", {"bed": free_bed(shelter).pk, "reason": "Night"})
    stay = Stay.objects.get(case=case)
    assert response.status_code == 302 and stay.needs_review
    client.logout()
    login(client, cast.sheila)
    assert "tasks-review" in (home := client.get("/shelters/").content.decode()) and "Night" in home


def test_the_referring_agency_lists_the_stays_of_its_referrals_only(client, cast, shelter, make_referral) -> None:
    stay = services.stay_admit(actor=cast.sheila, referral=make_referral(), bed=free_bed(shelter))
    login(client, cast.bob)
    html = client.get("/shelters/referred/").content.decode()
    assert f"/shelters/stays/{stay.pk}/" in html and stay.referral.reference in html
    client.logout()
    login(client, cast.pete)  # the police referred nobody here
    html = client.get("/shelters/referred/").content.decode()
    assert stay.referral.reference not in html and 'id="referred-stays"' not in html
