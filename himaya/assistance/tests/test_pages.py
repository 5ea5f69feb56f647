"""Care pages: the care plan on the case page, forms that refuse bad input with 400 and save nothing,
the closure criteria where the case is closed, and the immigration, embassy and report pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from himaya.access.matrix import World
from himaya.accounts.testing import login
from himaya.assistance import needs, services
from himaya.assistance.access_matrix import care_setup
from himaya.assistance.models import NeedsAssessment, ServiceDelivery


def _english(client) -> None:
    client.cookies["django_language"] = "en"  # messages are checked in English; Arabic is the default


def _needs_post(level: int | None = 2, **extra: str) -> dict[str, str]:
    data = {"needs-occasion": "first_contact", "needs-assessed_on": timezone.localdate().isoformat()}
    for d in needs.DOMAINS:
        if level is not None:
            data[f"needs-level_{d}"] = str(level)
    return {**data, **extra}


def test_the_case_page_shows_the_care_plan_to_the_owning_agency(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.bob)
    _english(client)
    html = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert 'id="case-care-plan"' in html
    assert "Social care" in html and "Dar Al Aman Shelter" in html


def test_the_needs_form_refuses_a_missing_level_and_saves_nothing(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.bob)
    response = client.post(f"/assistance/case/{s.case.pk}/needs/", _needs_post(level=None))
    assert response.status_code == 400
    assert not NeedsAssessment.objects.exists()


def test_a_second_assessment_shows_what_improved(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.bob)
    first = _needs_post(level=3, **{"needs-assessed_on": (timezone.localdate() - dt.timedelta(days=7)).isoformat()})
    assert client.post(f"/assistance/case/{s.case.pk}/needs/", first).status_code == 302
    assert client.post(f"/assistance/case/{s.case.pk}/needs/", _needs_post(level=1)).status_code == 302
    html = client.get(f"/assistance/case/{s.case.pk}/").content.decode()
    assert html.count('data-direction="improved"') == len(needs.DOMAINS)


def test_an_action_for_another_agency_sends_the_referral_from_the_care_page(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.bob)
    data = {
        "action-goal": s.goal.pk,
        "action-type": "SocialCare",
        "action-responsible_agency": w.cast.agencies["shelter"].pk,
        "action-due_on": timezone.localdate().isoformat(),
        "action-urgency": "urgent",
    }
    response = client.post(f"/assistance/case/{s.case.pk}/actions/", data)
    assert response.status_code == 400  # the shelter offers "shelter", and social care asks for "other"
    assert s.case.care_actions.count() == 2


def test_the_delivering_agency_logs_a_service_from_its_list(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.sheila)
    listing = client.get("/assistance/deliveries/").content.decode()
    assert f'data-action="{s.shelter.pk}"' in listing and f'data-action="{s.own.pk}"' not in listing
    data = {
        "svc-delivered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "svc-duration_minutes": "30",
        "svc-language": "tl",
        "svc-outcome": "Bed and toiletries given.",
    }
    response = client.post(f"/assistance/actions/{s.shelter.pk}/services/", data)
    assert response.status_code == 302 and response["Location"] == "/assistance/deliveries/"
    assert ServiceDelivery.objects.get().agency == w.cast.agencies["shelter"]


def test_closing_from_the_case_page_lists_the_unmet_criteria(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.alice)
    _english(client)
    client.post(f"/cases/{s.case.pk}/transition/", {"event": "route_labour"})
    response = client.post(f"/cases/{s.case.pk}/transition/", {"event": "close", "reasons": "Wages paid"})
    assert response.status_code == 400
    assert "Care actions are still planned or in progress" in response.content.decode()
    s.case.refresh_from_db()
    assert s.case.stage == "labour_grievance"


def test_the_closure_criteria_are_shown_in_arabic(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.bob)
    html = client.get(f"/assistance/case/{s.case.pk}/").content.decode()
    assert 'id="closure-unmet"' in html
    assert "Care actions are still planned" not in html


def test_the_immigration_page_shows_the_flag_and_no_case(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.ivan)
    html = client.get("/assistance/non-removal/", {"nr-document": "P1234567"}).content.decode()
    assert 'data-protected="no"' in html
    assert s.case.reference not in html and "Maria" not in html


def test_the_legal_page_refuses_a_claim_in_an_unknown_currency(client, w: World) -> None:
    s = care_setup(w, exited=False)
    login(client, w.bob)
    data = {"claim-party": s.employer.pk, "claim-kind": "unpaid_wages", "claim-amount": "10", "claim-currency": "XX1"}
    assert client.post(f"/assistance/case/{s.case.pk}/legal/claim/", data).status_code == 400
    assert s.case.labour_claims.count() == 1


def test_the_reports_count_services_and_exits(client, w: World) -> None:
    s = care_setup(w)
    services.service_log(
        actor=w.bob, action=s.own, delivered_at=timezone.now(), duration_minutes=120, language="ar", outcome="Checked."
    )
    login(client, w.adam)
    _english(client)
    html = client.get("/assistance/reports/").content.decode()
    assert 'data-type="medical"' in html and 'data-pathway="local_integration"' in html
    assert "Checked." not in html


def test_the_care_plan_prints_as_a_pdf_with_arabic_text(client, w: World, tmp_path) -> None:
    import shutil
    import subprocess

    import pytest

    s = care_setup(w)
    login(client, w.bob)
    response = client.get(f"/assistance/case/{s.case.pk}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "care.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    assert "ملخص خطة الرعاية" in text  # shaped Arabic comes back as the same logical text
    assert s.case.reference in text


def test_the_reports_draw_charts(client, w: World) -> None:
    care_setup(w)
    login(client, w.adam)
    html = client.get("/assistance/reports/").content.decode()
    assert html.count("<svg") == 3 and 'role="img"' in html
