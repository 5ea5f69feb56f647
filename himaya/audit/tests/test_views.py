"""The auditor's pages: filters, paging, detail, break-glass openings, and 404 for everyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from himaya.access.break_glass import break_glass_open
from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.audit.selectors import PAGE_SIZE
from himaya.audit.services import audit_record
from himaya.people.models import Person
from himaya.people.services import person_create


@pytest.fixture
def log(cast):
    audit_record(actor=cast.bob, action="people.person.view", object_type="people.person", object_id="41")
    audit_record(actor=cast.pete, action="auth.login", outcome="failed")
    audit_record(actor=cast.alice, action="people.person.update", object_type="people.person", object_id="42")
    return cast


def _seqs(response) -> list[int]:
    return [row["event"].seq for row in response.context["rows"]]


def _actions(response) -> list[str]:
    return [row["event"].action for row in response.context["rows"]]


def test_an_auditor_sees_the_log_newest_first(client, log) -> None:
    login(client, log.audrey)
    response = client.get(reverse("audit:events"))
    assert response.status_code == 200
    assert _actions(response)[:3] == ["people.person.update", "auth.login", "people.person.view"]
    assert "Alice" in response.content.decode()


@pytest.mark.parametrize("who", ["bob", "dora", "adam", "sysop", "sam", "paula"])
def test_the_log_is_404_for_everyone_but_auditors(client, log, who) -> None:
    login(client, log.users[who])
    first = AuditEvent.objects.order_by("seq").first()
    assert client.get(reverse("audit:events")).status_code == 404
    assert client.get(reverse("audit:event", args=[first.seq])).status_code == 404


def test_it_filters_by_action_staff_member_and_outcome(client, log) -> None:
    login(client, log.audrey)
    url = reverse("audit:events")
    assert _actions(client.get(url, {"action": "person"})) == ["people.person.update", "people.person.view"]
    assert _actions(client.get(url, {"actor": "BOB@example.org"})) == ["people.person.view"]
    assert _actions(client.get(url, {"actor": str(log.pete.pk)})) == ["auth.login"]
    assert _actions(client.get(url, {"outcome": "failed"})) == ["auth.login"]
    assert _actions(client.get(url, {"object_type": "people.person", "object_id": "42"})) == ["people.person.update"]


def test_it_filters_by_agency(client, log) -> None:
    login(client, log.audrey)
    police = log.agencies["police"]
    assert _actions(client.get(reverse("audit:events"), {"agency": police.pk})) == ["auth.login"]


def test_it_filters_by_date(client, log) -> None:
    login(client, log.audrey)
    url = reverse("audit:events")
    today = dt.date.today()
    assert (
        len(
            _seqs(client.get(url, {"date_from": today - dt.timedelta(days=1), "date_to": today + dt.timedelta(days=1)}))
        )
        >= 3
    )
    assert _seqs(client.get(url, {"date_to": today - dt.timedelta(days=3)})) == []


def test_bad_filters_get_a_clear_error_and_no_results(client, log) -> None:
    login(client, log.audrey)
    client.cookies["django_language"] = "en"  # the message is checked in English; Arabic is the default
    response = client.get(reverse("audit:events"), {"actor": "not an address", "date_from": "2026-02-30"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a staff id (digits) or an e-mail address." in body
    assert _seqs(response) == []


def test_htmx_requests_get_just_the_results(client, log) -> None:
    login(client, log.audrey)
    response = client.get(reverse("audit:events"), {"outcome": "failed"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "auth.login" in body


def test_it_pages_by_sequence_without_counting(client, log) -> None:
    for i in range(PAGE_SIZE + 5):
        audit_record(actor=None, action="bulk.event", object_id=str(i))
    login(client, log.audrey)
    url = reverse("audit:events")
    first = client.get(url, {"action": "bulk"})
    page = first.context["page"]
    assert len(_seqs(first)) == PAGE_SIZE
    assert page.older is not None and page.newer is None
    second = client.get(url, {"action": "bulk", "before": page.older})
    assert len(_seqs(second)) == 5
    assert set(_seqs(first)).isdisjoint(_seqs(second))
    back = client.get(url, {"action": "bulk", "after": second.context["page"].newer})
    assert _seqs(back) == _seqs(first)


def test_an_auditor_sees_one_event_with_its_hashes(client, log) -> None:
    login(client, log.audrey)
    event = AuditEvent.objects.get(action="people.person.update")
    response = client.get(reverse("audit:event", args=[event.seq]))
    assert response.status_code == 200
    body = response.content.decode()
    assert event.hash in body and event.prev_hash in body
    assert client.get(reverse("audit:event", args=[999_999])).status_code == 404


def test_browsing_the_log_is_itself_audited_with_filter_names_only(client, log) -> None:
    login(client, log.audrey)
    client.get(reverse("audit:events"), {"actor": "bob@example.org", "outcome": "ok"})
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_id) == ("audit.browse", log.audrey.pk)
    assert event.fields == "actor,outcome"
    assert "bob@example.org" not in event.detail
    viewed = AuditEvent.objects.filter(action="auth.login").get()
    client.get(reverse("audit:event", args=[viewed.seq]))
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_id) == ("audit.browse", str(viewed.seq))


def test_a_refused_browse_is_audited_as_a_denial(client, log) -> None:
    login(client, log.bob)
    client.get(reverse("audit:events"))
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.outcome, event.actor_id) == ("audit.browse", "denied", log.bob.pk)


@pytest.fixture
def opened(cast):
    police_person = person_create(actor=cast.pete, given_name_latin="Rina", family_name_latin="Secretname")
    grant = break_glass_open(
        actor=cast.carol, model=Person, pk=police_person.pk, reason="Urgent shelter placement tonight"
    )
    return cast, police_person, grant


def test_the_owning_agency_sees_who_opened_its_record_and_why(client, opened) -> None:
    cast, *_ = opened
    for who in ("paula", "audrey"):
        login(client, cast.users[who])
        response = client.get(reverse("audit:break_glass"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Urgent shelter placement tonight" in body
        assert "Carol" in body
        assert "Secretname" not in body and "Rina" not in body


def test_other_agencies_do_not_see_the_opening(client, opened) -> None:
    cast, *_ = opened
    for who in ("dora", "sam"):
        login(client, cast.users[who])
        response = client.get(reverse("audit:break_glass"))
        assert response.status_code == 200
        assert "Urgent shelter placement tonight" not in response.content.decode()


@pytest.mark.parametrize("who", ["bob", "carol", "pete", "adam", "sysop"])
def test_the_break_glass_page_is_404_for_others(client, opened, who) -> None:
    cast, *_ = opened
    login(client, cast.users[who])
    assert client.get(reverse("audit:break_glass")).status_code == 404
