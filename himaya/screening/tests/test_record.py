"""Saving a screening on a case: versions stored, on the timeline, audited, through the policy."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases.models import TimelineEntry
from himaya.indicators import engine
from himaya.screening.models import Screening
from himaya.screening.services import screening_record

pytestmark = pytest.mark.django_db

VICTIM = ["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"]


def test_it_stores_the_outcome_and_the_versions_used(cast, epc_case) -> None:
    case = epc_case()
    screening = screening_record(
        actor=cast.bob, case=case, profile="adult-labour", indicators=VICTIM, forced_labour=["fl07"], note="Said so"
    )
    screening.refresh_from_db()
    assert screening.outcome == "victim"
    assert screening.indicator_list == VICTIM
    assert screening.forced_labour_list == ["FL07"]
    assert screening.dimensions["CD"] == {"strong": 2, "medium": 0, "weak": 0, "positive": True}
    assert screening.catalogue_version == engine.load_catalogue().version
    assert screening.rule_set_version == engine.load_rule_set().version
    assert screening.performed_by == cast.bob
    assert screening.note == "Said so"


def test_it_lands_on_the_case_timeline_and_in_the_audit_log(cast, epc_case) -> None:
    case = epc_case()
    screening = screening_record(actor=cast.bob, case=case, profile="adult-labour", indicators=["EX01", "EX02"])
    entry = TimelineEntry.objects.get(case=case, kind="screening")
    assert entry.object_id == str(screening.pk) and entry.summary == "exploited_no_means"
    event = AuditEvent.objects.get(action="screening.screening.create")
    assert event.object_id == str(screening.pk)
    assert event.owner_agency_id == case.owner_agency_id
    assert "Ravi" not in (event.detail or "")


def test_it_refuses_an_actor_who_cannot_change_the_case(cast, epc_case) -> None:
    case = epc_case()
    for outsider in (cast.pete, cast.emil, cast.adam):
        with pytest.raises(Http404):
            screening_record(actor=outsider, case=case, profile="adult-labour", indicators=["DR01"])
    assert not Screening.objects.exists()


def test_a_childs_case_needs_a_child_profile(cast, epc_case) -> None:
    case = epc_case(child=True)
    with pytest.raises(ValidationError) as error:
        screening_record(actor=cast.bob, case=case, profile="adult-labour", indicators=["DR01"])
    assert "profile" in error.value.message_dict
    screening = screening_record(
        actor=cast.bob, case=case, profile="child-labour", indicators=["DR01", "DR02", "EX01", "EX02"]
    )
    assert screening.outcome == "victim"


def test_bad_indicators_change_nothing(cast, epc_case) -> None:
    case = epc_case()
    with pytest.raises(ValidationError) as error:
        screening_record(actor=cast.bob, case=case, profile="adult-labour", indicators=["DR01", "QQ1"])
    assert "QQ1" in error.value.message_dict["indicators"][0]
    with pytest.raises(ValidationError) as error:
        screening_record(actor=cast.bob, case=case, profile="adult-labour", indicators=["DR01"], forced_labour=["X"])
    assert "forced_labour" in error.value.message_dict
    assert not Screening.objects.exists()
    assert not TimelineEntry.objects.filter(kind="screening").exists()


def test_the_page_shows_the_checklist_in_the_page_language(cast, client, epc_case) -> None:
    case = epc_case()
    login(client, cast.bob)
    client.cookies["django_language"] = "en"
    response = client.get(f"/screening/case/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deceived about the nature of the job, location or employer" in html
    assert 'hx-post="/screening/evaluate/"' in html
    client.cookies["django_language"] = "ar"
    html = client.get(f"/screening/case/{case.pk}/").content.decode()
    assert "خُدع بشأن طبيعة العمل أو مكانه أو صاحب العمل" in html


def test_a_childs_case_page_offers_only_child_profiles(cast, client, epc_case) -> None:
    case = epc_case(child=True)
    login(client, cast.bob)
    html = client.get(f"/screening/case/{case.pk}/").content.decode()
    assert 'value="child-labour" selected' in html
    assert 'value="adult-labour"' not in html


def test_the_live_panel_says_a_person_decides(cast, client) -> None:
    login(client, cast.bob)
    client.cookies["django_language"] = "en"
    response = client.post("/screening/evaluate/", {"profile": "adult-labour", "indicators": VICTIM})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Decision support: a person decides." in html
    assert 'data-outcome="victim"' in html
    bad = client.post("/screening/evaluate/", {"profile": "adult-labour", "indicators": ["ZZ1"]})
    assert bad.status_code == 200 and "ZZ1" in bad.content.decode()


def test_saving_from_the_page_creates_the_screening_and_shows_it(cast, client, epc_case) -> None:
    case = epc_case()
    login(client, cast.bob)
    response = client.post(
        f"/screening/case/{case.pk}/", {"profile": "adult-labour", "indicators": VICTIM, "note": "n"}
    )
    screening = Screening.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == f"/screening/{screening.pk}/"
    client.cookies["django_language"] = "en"
    page = client.get(f"/screening/{screening.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert screening.catalogue_version in html
    assert "Decision support: a person decides." in html
    assert "Every element holds" in html  # the reasons, re-derived from the stored versions
    assert AuditEvent.objects.filter(action="screening.screening.view", object_id=str(screening.pk)).exists()


def test_a_bad_save_from_the_page_says_why_and_changes_nothing(cast, client, epc_case) -> None:
    case = epc_case()
    login(client, cast.bob)
    client.cookies["django_language"] = "en"
    response = client.post(f"/screening/case/{case.pk}/", {"profile": "adult-labour", "indicators": ["NOPE1"]})
    assert response.status_code == 400
    assert "NOPE1" in response.content.decode()
    assert not Screening.objects.exists()


def test_another_agency_cannot_open_the_screening(cast, client, epc_case) -> None:
    screening = screening_record(actor=cast.bob, case=epc_case(), profile="adult-labour", indicators=["DR01"])
    login(client, cast.pete)
    assert client.get(f"/screening/{screening.pk}/").status_code == 404
    assert client.get(f"/screening/case/{screening.case_id}/").status_code == 404
