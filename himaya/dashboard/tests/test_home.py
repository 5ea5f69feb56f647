"""The home page: each role sees its own cards; the analyst sees counts only, small ones suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from himaya.access import policy
from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.core.templatetags.himaya import hijri_text
from himaya.people.services import person_create


def _client(user, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    login(client, user)
    return client


def _cards(response) -> set[str]:
    html = response.content.decode()
    names = ("people", "break-glass", "opened", "statistics", "audit", "admin", "staff", "nothing")
    return {name for name in names if f'id="card-{name}"' in html}


def test_each_role_gets_the_cards_for_its_work(cast) -> None:
    expected = {
        "alice": {"people"},
        "pete": {"people"},
        "carol": {"people", "break-glass", "statistics"},
        "sam": {"people", "opened", "statistics"},
        "dora": {"opened", "staff"},
        "adam": {"statistics"},
        "audrey": {"audit"},
        "sysop": {"admin", "staff"},
    }
    for name, cards in expected.items():
        response = _client(cast.users[name]).get(reverse("dashboard:home"))
        assert response.status_code == 200, name
        assert _cards(response) == cards, name


def test_an_empty_dashboard_says_what_to_do_next(cast) -> None:
    html = _client(cast.alice).get(reverse("dashboard:home")).content.decode()
    assert "use “Record a person” to start their record" in html
    assert reverse("people:create") in html
    html = _client(cast.paula).get(reverse("dashboard:home")).content.decode()
    assert "No other agency has opened your agency's records" in html


def test_recent_people_are_the_agencys_own_and_their_display_is_audited(cast) -> None:
    maria = person_create(actor=cast.alice, given_name_latin="Maria")
    person_create(actor=cast.pete, given_name_latin="Rina")
    response = _client(cast.bob).get(reverse("dashboard:home"))
    assert response.context["recent_people"] == [maria]
    assert "Rina" not in response.content.decode()
    event = AuditEvent.objects.get(action="people.person.list", actor_id=cast.bob.pk)
    assert event.detail == f"ids:{maria.pk}"


def test_the_analyst_sees_counts_only_with_small_numbers_suppressed(cast) -> None:
    for i in range(12):
        person_create(actor=cast.alice, given_name_latin=f"Maria{i}", nationality="PH", gender="Feminine")
    for i in range(3):
        person_create(
            actor=cast.pete, given_name_latin=f"Secret{i}", nationality="IN", gender="Masculine", phone="+97333123456"
        )
    response = _client(cast.adam).get(reverse("dashboard:home"))
    html = response.content.decode()
    stats = response.context["statistics"]
    assert stats.total == 15
    assert [(b.key, b.count) for b in stats.by_nationality] == [("PH", 12), ("IN", None)]
    assert [(b.key, b.count) for b in stats.by_gender] == [("Female", 12), ("Male", None)]
    assert "Philippines" in html and "India" in html and "&lt;10" in html
    for secret in ("Maria", "Secret", "+973", "P-0"):
        assert secret not in html, secret
    assert response.context["recent_people"] == []
    # The analyst's statistics are not a read of anyone's record.
    assert not AuditEvent.objects.filter(actor_id=cast.adam.pk, action__startswith="people.").exists()


def test_a_total_below_ten_is_suppressed_too(cast) -> None:
    person_create(actor=cast.alice, given_name_latin="Maria", nationality="PH")
    stats = _client(cast.adam).get(reverse("dashboard:home")).context["statistics"]
    assert stats.total is None
    assert [(b.key, b.count) for b in stats.by_nationality] == [("PH", None)]


def test_the_auditor_sees_todays_denied_accesses_and_the_log(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    _client(cast.pete).get(reverse("people:detail", args=[person.pk]))
    _client(cast.pete).get(reverse("people:detail", args=[person.pk]))
    response = _client(cast.audrey).get(reverse("dashboard:home"))
    assert response.context["denied_today"] == 2
    assert reverse("audit:events") in response.content.decode()


def test_the_system_admin_sees_agency_and_staff_counts(cast) -> None:
    response = _client(cast.sysop).get(reverse("dashboard:home"))
    counts = response.context["admin_counts"]
    from himaya.testing import AGENCIES, USERS

    assert (counts.agencies, counts.staff) == (len(AGENCIES), len(USERS) - 1)  # the deactivated user does not count


def test_the_menu_offers_only_what_the_policy_allows(cast) -> None:
    def links(name: str) -> set[str]:
        html = _client(cast.users[name]).get(reverse("dashboard:home")).content.decode()
        ids = ("nav-people", "nav-agencies", "nav-break-glass", "nav-staff", "nav-audit", "nav-break-glass-log")
        return {i for i in ids if f'id="{i}"' in html}

    assert links("alice") == {"nav-people", "nav-agencies"}
    assert links("carol") == {"nav-people", "nav-agencies", "nav-break-glass"}
    assert links("dora") == {"nav-agencies", "nav-staff", "nav-break-glass-log"}
    assert links("audrey") == {"nav-agencies", "nav-audit"}
    assert links("adam") == {"nav-agencies"}
    assert policy.has_permission(cast.audrey, "audit.browse")


def test_sign_out_is_a_post_form_in_the_user_menu(cast) -> None:
    html = _client(cast.alice).get(reverse("dashboard:home")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in html


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_pages_follow_the_language_direction(cast, language: str, direction: str) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    client = _client(cast.alice, language)
    for url in (
        reverse("dashboard:home"),
        reverse("people:list"),
        reverse("people:create"),
        reverse("people:detail", args=[person.pk]),
        reverse("agencies:list"),
        reverse("agencies:detail", args=[cast.agencies["epc"].pk]),
    ):
        html = client.get(url).content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html, url


def test_the_hijri_date_is_umm_al_qura_in_the_readers_language() -> None:
    assert hijri_text(dt.date(2026, 11, 29), "en") == "19 Jumada al-Akhirah 1448 AH"
    assert hijri_text(dt.date(2026, 11, 29), "ar") == "19 جمادى الآخرة 1448 هـ"
    assert hijri_text(dt.date(1800, 1, 1), "en") == ""  # outside the Umm al-Qura tables
    assert hijri_text(None, "en") == ""


def test_the_hijri_date_appears_only_for_users_who_want_it() -> None:
    template = Template("{% load himaya %}{% date_with_hijri when %}")
    when = dt.date(2026, 11, 29)
    with translation.override("en"):
        both = template.render(Context({"when": when, "user": type("U", (), {"calendar": "gregorian_hijri"})()}))
        plain = template.render(Context({"when": when, "user": type("U", (), {"calendar": "gregorian"})()}))
    assert "29 November 2026" in both and "Jumada al-Akhirah 1448" in both
    assert "29 November 2026" in plain and "1448" not in plain


def test_a_first_responder_finds_her_unfinished_intake_on_the_home_page(cast) -> None:
    from himaya.intake.services import draft_create

    response = _client(cast.alice).get(reverse("dashboard:home"))
    assert 'id="drafts-empty"' in response.content.decode()
    draft = draft_create(actor=cast.alice)
    draft_create(actor=cast.bob)  # a colleague's draft is not "mine"
    html = _client(cast.alice).get(reverse("dashboard:home")).content.decode()
    assert reverse("intake:step", args=[draft.pk, 1]) in html
    assert html.count("Resume at step") == 1
    assert 'id="card-drafts"' not in _client(cast.adam).get(reverse("dashboard:home")).content.decode()


def test_the_referral_card_counts_the_agency_inbox_and_outbox(cast, monkeypatch) -> None:
    from django.utils import timezone

    from himaya.cases.services import case_open
    from himaya.consent.models import Consent
    from himaya.referrals.services import referral_send

    shelter = cast.agencies["shelter"]
    shelter.services.create(service_type="shelter")
    person = person_create(actor=cast.bob, given_name_latin="Maria")
    Consent.objects.create(
        person=person,
        purpose="referral_services",
        given=True,
        explained_by=cast.bob,
        language="ar",
        recorded_at=timezone.now(),
    )
    case = case_open(actor=cast.bob, person=person, category="abuse", channel="walk_in", occurred_at=timezone.now())
    referral_send(actor=cast.bob, case=case, to_agency=shelter, service_type="shelter", urgency="urgent", reason="")

    shelter_home = _client(cast.sheila).get(reverse("dashboard:home")).content.decode()
    assert 'id="referrals-inbox">1<' in shelter_home
    sender_home = _client(cast.bob).get(reverse("dashboard:home")).content.decode()
    assert 'id="referrals-outbox">1<' in sender_home and 'id="referrals-inbox">0<' in sender_home
    police_home = _client(cast.pete).get(reverse("dashboard:home")).content.decode()
    assert 'id="referrals-inbox">0<' in police_home and 'id="referrals-outbox">0<' in police_home
    assert 'id="card-referrals"' not in _client(cast.adam).get(reverse("dashboard:home")).content.decode()

    # The figures stop counting at the cap, so the home page costs the same at any scale.
    from himaya.core import pagination

    again = case_open(actor=cast.bob, person=person, category="abuse", channel="walk_in", occurred_at=timezone.now())
    referral_send(actor=cast.bob, case=again, to_agency=shelter, service_type="shelter", urgency="normal", reason="")
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    assert 'id="referrals-inbox">1+<' in _client(cast.sheila).get(reverse("dashboard:home")).content.decode()
    assert 'id="referrals-outbox">1+<' in _client(cast.bob).get(reverse("dashboard:home")).content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    assert 'id="referrals-inbox">2<' in _client(cast.sheila).get(reverse("dashboard:home")).content.decode()


def test_the_national_counts_are_grouped_once_for_every_viewer_and_labelled_in_theirs(
    cast, django_assert_num_queries
) -> None:
    from himaya.dashboard.selectors import people_statistics

    for i in range(11):
        person_create(actor=cast.alice, given_name_latin=f"Maria{i}", nationality="PH", gender="Feminine")
    first = people_statistics(actor=cast.adam)
    assert first is not None and first.total == 11
    person_create(actor=cast.alice, given_name_latin="Late", nationality="PH", gender="Feminine")
    with django_assert_num_queries(0), translation.override("ar"):
        again = people_statistics(actor=cast.carol)  # another viewer, within the five minutes
    assert again is not None and again.total == 11
    assert [b.key for b in first.by_gender] == ["Female"] and [b.key for b in again.by_gender] == ["أنثى"]
