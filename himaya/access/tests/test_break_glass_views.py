"""Break-glass pages: only coordinators, a mandatory reason, one record, time-limited, seen by the owner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from himaya.access.models import BreakGlassGrant
from himaya.access.views import parse_reference
from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.people.services import person_create

REASON = "Urgent shelter placement tonight"


def _client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


@pytest.fixture
def police_people(cast):
    return (
        person_create(actor=cast.pete, given_name_latin="Rina", document_number="R1111111"),
        person_create(actor=cast.pete, given_name_latin="Other"),
    )


def test_only_coordinators_have_the_page(cast) -> None:
    for name in ("alice", "bob", "sam", "dora", "paula", "sysop", "audrey", "adam"):
        assert _client(cast.users[name]).get(reverse("access:break_glass")).status_code == 404, name
        assert _client(cast.users[name]).get(reverse("access:my_grants")).status_code == 404, name
    assert _client(cast.carol).get(reverse("access:break_glass")).status_code == 200


def test_a_non_coordinator_posting_gets_404_and_no_grant(cast, police_people) -> None:
    rina, _ = police_people
    response = _client(cast.bob).post(reverse("access:break_glass"), {"person": rina.reference, "reason": REASON})
    assert response.status_code == 404
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "urgent"])
def test_the_reason_is_mandatory(cast, police_people, reason: str) -> None:
    rina, _ = police_people
    client = _client(cast.carol)
    response = client.post(reverse("access:break_glass"), {"person": rina.reference, "reason": reason})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert not BreakGlassGrant.objects.exists()
    assert client.get(reverse("people:detail", args=[rina.pk])).status_code == 404


def test_opening_gives_access_to_that_record_only_and_shows_the_banner(cast, police_people) -> None:
    rina, other = police_people
    client = _client(cast.carol)
    response = client.post(reverse("access:break_glass"), {"person": rina.reference, "reason": REASON})
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[rina.pk])

    page = client.get(response["Location"])
    assert page.status_code == 200
    grant = BreakGlassGrant.objects.get()
    until = timezone.localtime(grant.expires_at).strftime("%H:%M")
    html = page.content.decode()
    assert f"Opened by break-glass until {until}" in html and REASON in html
    assert "Rina" in html
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
    # View only: break-glass never lets the coordinator change the record.
    assert client.get(reverse("people:edit", args=[rina.pk])).status_code == 404
    assert grant.expires_at - grant.granted_at == dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES)
    event = AuditEvent.objects.get(action="break_glass.open")
    assert (event.owner_agency_id, event.object_id) == (cast.agencies["police"].pk, str(rina.pk))
    assert REASON not in event.detail


def test_access_ends_when_the_grant_expires(cast, police_people) -> None:
    rina, _ = police_people
    client = _client(cast.carol)
    client.post(reverse("access:break_glass"), {"person": str(rina.pk), "reason": REASON})
    assert client.get(reverse("people:detail", args=[rina.pk])).status_code == 200
    BreakGlassGrant.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("people:detail", args=[rina.pk])).status_code == 404
    mine = client.get(reverse("access:my_grants")).content.decode()
    assert "Expired" in mine and rina.reference in mine


def test_the_owning_agencys_admin_sees_who_opened_the_record_and_why(cast, police_people) -> None:
    rina, _ = police_people
    _client(cast.carol).post(reverse("access:break_glass"), {"person": rina.reference, "reason": REASON})
    paula_home = _client(cast.paula).get(reverse("dashboard:home"))
    html = paula_home.content.decode()
    assert [row.grant.object_id for row in paula_home.context["opened_grants"]] == [str(rina.pk)]
    assert REASON in html and cast.carol.full_name in html and rina.reference in html
    # The EPC's supervisor sees no openings: the record is not the EPC's.
    assert _client(cast.sam).get(reverse("dashboard:home")).context["opened_grants"] == []


def test_an_opened_record_is_not_listed_as_one_of_the_coordinators_agency(cast, police_people) -> None:
    rina, _ = police_people
    client = _client(cast.carol)
    client.post(reverse("access:break_glass"), {"person": rina.reference, "reason": REASON})
    assert client.get(reverse("dashboard:home")).context["recent_people"] == []


def test_a_record_the_coordinator_already_sees_needs_no_grant(cast) -> None:
    own = person_create(actor=cast.alice, given_name_latin="Maria")
    response = _client(cast.carol).post(reverse("access:break_glass"), {"person": own.reference, "reason": REASON})
    assert response.status_code == 302
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("reference", ["P-999999", "hello", "P-0"])
def test_an_unknown_or_malformed_reference_is_a_form_error(cast, reference: str) -> None:
    response = _client(cast.carol).post(reverse("access:break_glass"), {"person": reference, "reason": REASON})
    assert response.status_code == 400
    assert response.context["form"].errors["person"]
    assert not BreakGlassGrant.objects.exists()


def test_references_are_read_in_every_usual_spelling() -> None:
    for raw in ("P-000123", "p123", "123", " P 000123 ", "٠٠٠١٢٣", "P–123"):
        assert parse_reference(raw) == 123, raw
    for raw in ("", "P-", "Q-123", "12a", "P-000000"):
        assert parse_reference(raw) is None, raw


def test_my_grants_lists_the_coordinators_own_openings(cast, police_people) -> None:
    rina, _ = police_people
    client = _client(cast.carol)
    assert "You have not opened any record" in client.get(reverse("access:my_grants")).content.decode()
    client.post(reverse("access:break_glass"), {"person": rina.reference, "reason": REASON})
    html = client.get(reverse("access:my_grants")).content.decode()
    assert REASON in html and reverse("people:detail", args=[rina.pk]) in html
