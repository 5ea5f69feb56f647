"""The agency directory: search in either language, services, and editing by the agency's administrators."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from himaya.accounts.testing import login
from himaya.agencies.models import AgencyService, ServiceType
from himaya.audit.models import AuditEvent


def _client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


def _codes(response) -> list[str]:
    return sorted(a.code for a in response.context["page"].object_list)


def test_search_finds_agencies_by_arabic_or_english_name(cast) -> None:
    client = _client(cast.pete)
    assert _codes(client.get(reverse("agencies:list"), {"q": "سفارة"})) == ["embassy_in", "embassy_ph"]
    assert _codes(client.get(reverse("agencies:list"), {"q": "shelter"})) == ["shelter"]
    assert _codes(client.get(reverse("agencies:list"), {"q": "nobody by this name"})) == []


def test_the_directory_filters_by_type(cast) -> None:
    response = _client(cast.alice).get(reverse("agencies:list"), {"type": "embassy"})
    assert _codes(response) == ["embassy_in", "embassy_ph"]
    assert _client(cast.alice).get(reverse("agencies:list"), {"type": "not-a-type"}).status_code == 400


def test_the_detail_shows_contacts_and_services(cast) -> None:
    shelter = cast.agencies["shelter"]
    AgencyService.objects.create(
        agency=shelter,
        service_type=ServiceType.SHELTER,
        languages="ar,en,hi",
        opening_hours="24/7",
        capacity_note="12 beds",
    )
    html = _client(cast.pete).get(reverse("agencies:detail", args=[shelter.pk])).content.decode()
    for text in ("Dar Al Aman Shelter", "Shelter", "Hindi", "24/7", "12 beds"):
        assert text in html, text
    assert reverse("agencies:edit", args=[shelter.pk]) not in html


def test_the_agency_admin_edits_their_agency_and_the_change_is_audited(cast) -> None:
    epc = cast.agencies["epc"]
    response = _client(cast.dora).post(
        reverse("agencies:edit", args=[epc.pk]),
        {"name_ar": epc.name_ar, "name_en": epc.name_en, "phone": "+973 1700 0000", "email": "epc@example.org"},
    )
    assert response.status_code == 302
    epc.refresh_from_db()
    assert (epc.phone, epc.email) == ("+973 1700 0000", "epc@example.org")
    event = AuditEvent.objects.get(action="agencies.agency.update")
    assert set(event.fields.split(",")) == {"phone", "email"}


def test_only_that_agencys_admin_or_a_system_admin_may_edit(cast) -> None:
    epc = cast.agencies["epc"]
    for name in ("paula", "alice", "sam", "carol"):
        response = _client(cast.users[name]).post(
            reverse("agencies:edit", args=[epc.pk]), {"name_ar": "x", "name_en": "x"}
        )
        assert response.status_code == 404, name
    epc.refresh_from_db()
    assert epc.name_en == "Expatriate Workers Protection Centre"
    police = cast.agencies["police"]
    assert _client(cast.sysop).get(reverse("agencies:edit", args=[police.pk])).status_code == 200


def test_bad_input_is_explained_and_changes_nothing(cast) -> None:
    epc = cast.agencies["epc"]
    response = _client(cast.dora).post(
        reverse("agencies:edit", args=[epc.pk]), {"name_ar": "", "name_en": epc.name_en, "email": "not-an-email"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name_ar", "email"}
    epc.refresh_from_db()
    assert epc.name_ar == "مركز حماية العمالة الوافدة"
    assert not AuditEvent.objects.filter(action="agencies.agency.update").exists()


def test_the_admin_adds_edits_and_removes_a_service(cast) -> None:
    epc = cast.agencies["epc"]
    client = _client(cast.dora)
    response = client.post(
        reverse("agencies:service_add", args=[epc.pk]),
        {
            "service_type": "interpretation",
            "languages": "AR, en ,hi",
            "opening_hours": "Sun–Thu 7–14",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    service = AgencyService.objects.get(agency=epc)
    assert service.languages == "ar,en,hi"

    response = client.post(
        reverse("agencies:service_edit", args=[epc.pk, service.pk]),
        {"languages": "ar,en,hi,ur", "opening_hours": "Sun–Thu 7–14", "capacity_note": "3 interpreters"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.languages, service.capacity_note, service.is_active) == ("ar,en,hi,ur", "3 interpreters", False)

    assert client.post(reverse("agencies:service_remove", args=[epc.pk, service.pk])).status_code == 302
    assert not AgencyService.objects.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="agencies.service.").values_list("action", flat=True))
    assert sorted(actions) == ["agencies.service.add", "agencies.service.remove", "agencies.service.update"]


def test_unknown_language_codes_are_refused(cast) -> None:
    epc = cast.agencies["epc"]
    response = _client(cast.dora).post(
        reverse("agencies:service_add", args=[epc.pk]), {"service_type": "legal_aid", "languages": "arabic; english"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["languages"]
    assert not AgencyService.objects.exists()


def test_another_agencys_service_cannot_be_removed(cast) -> None:
    police = cast.agencies["police"]
    service = AgencyService.objects.create(agency=police, service_type=ServiceType.INVESTIGATION)
    epc = cast.agencies["epc"]
    # Neither through the police's URL (not dora's agency) nor through her own agency's URL.
    assert _client(cast.dora).post(reverse("agencies:service_remove", args=[police.pk, service.pk])).status_code == 404
    assert _client(cast.dora).post(reverse("agencies:service_remove", args=[epc.pk, service.pk])).status_code == 404
    assert AgencyService.objects.filter(pk=service.pk).exists()


def test_live_search_returns_just_the_results(cast) -> None:
    response = _client(cast.alice).get(reverse("agencies:list"), {"q": "embassy"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Embassy of India" in html and "Shelter" not in html
    assert "HX-Request" in response["Vary"]
