"""Session policy: idle and absolute timeouts, deactivation on the next request, user language."""

from __future__ import annotations

import time

from django.test import Client, override_settings
from django.urls import reverse

from himaya.accounts import sessionkeys
from himaya.accounts.backends import StaffBackend
from himaya.accounts.roles import Role
from himaya.accounts.services import staff_deactivate
from himaya.accounts.testing import login
from himaya.accounts.tests.helpers import actions


def _age_session(client: Client, *, started_ago: int, last_seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[sessionkeys.STARTED] = now - started_ago
    session[sessionkeys.LAST_SEEN] = now - last_seen_ago
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=600, SESSION_ABSOLUTE_TIMEOUT=3600)
def test_an_idle_session_ends_with_a_message(client, cast) -> None:
    login(client, cast.bob)
    _age_session(client, started_ago=700, last_seen_ago=601)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?expired=1"
    page = client.get(response["Location"])
    assert 'id="login-notice"' in page.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302  # really signed out
    events = actions(action="auth.session_expired", actor_id=cast.bob.pk)
    assert events == [("auth.session_expired", "ok")]


@override_settings(SESSION_IDLE_TIMEOUT=600, SESSION_ABSOLUTE_TIMEOUT=3600)
def test_an_active_session_still_ends_at_the_absolute_timeout(client, cast) -> None:
    login(client, cast.bob)
    _age_session(client, started_ago=3500, last_seen_ago=10)
    assert client.get(reverse("accounts:profile")).status_code == 200
    _age_session(client, started_ago=3601, last_seen_ago=10)
    assert client.get(reverse("accounts:profile")).status_code == 302


@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_activity_keeps_a_session_alive(client, cast) -> None:
    login(client, cast.bob)
    _age_session(client, started_ago=500, last_seen_ago=500)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session[sessionkeys.LAST_SEEN] >= int(time.time()) - 5


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_an_expired_htmx_request_is_told_where_to_go(client, cast) -> None:
    login(client, cast.bob)
    _age_session(client, started_ago=100, last_seen_ago=100)
    response = client.get(reverse("accounts:profile"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("accounts:login") + "?expired=1"


def test_the_backend_refuses_to_load_a_deactivated_user(cast) -> None:
    assert StaffBackend().get_user(cast.gone.pk) is None
    assert StaffBackend().get_user(cast.bob.pk) == cast.bob
    assert StaffBackend().get_user("not a number") is None


def test_a_request_user_comes_with_agency_and_roles_in_one_query(cast, django_assert_num_queries) -> None:
    expected_roles = frozenset(Role(r) for r in cast.bob.roles.values_list("role", flat=True))
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(cast.bob.pk)
        assert user is not None
        assert user.agency.name_en == cast.bob.agency.name_en
        assert user.role_set == expected_roles and expected_roles
    cast.bob.roles.all().delete()
    loaded = StaffBackend().get_user(cast.bob.pk)
    assert loaded is not None and loaded.role_set == frozenset()


def test_deactivation_takes_effect_on_the_next_request(client, cast) -> None:
    login(client, cast.bob)
    assert client.get(reverse("accounts:profile")).status_code == 200
    staff_deactivate(actor=cast.dora, target=cast.bob)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert ("accounts.staff.deactivate", "ok") in actions(actor_id=cast.dora.pk)


def test_pages_use_the_users_language_without_a_cookie(client, cast) -> None:
    cast.bob.language = "en"
    cast.bob.save()
    login(client, cast.bob)
    page = client.get(reverse("accounts:profile"))
    assert '<html lang="en" dir="ltr">' in page.content.decode()
    cast.bob.language = "ar"
    cast.bob.save()
    page = client.get(reverse("accounts:profile"))
    assert '<html lang="ar" dir="rtl">' in page.content.decode()


def test_switching_language_saves_the_preference(client, cast) -> None:
    login(client, cast.bob)
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/profile/"})
    cast.bob.refresh_from_db()
    assert cast.bob.language == "en"
    client.cookies.clear()
    login(client, cast.bob)
    assert '<html lang="en"' in client.get(reverse("accounts:profile")).content.decode()


def test_the_profile_saves_language_and_calendar(client, cast) -> None:
    login(client, cast.bob)
    response = client.post(reverse("accounts:profile"), {"language": "en", "calendar": "gregorian"})
    assert response.status_code == 302
    cast.bob.refresh_from_db()
    assert (cast.bob.language, cast.bob.calendar) == ("en", "gregorian")
    bad = client.post(reverse("accounts:profile"), {"language": "xx", "calendar": "lunar"})
    assert bad.status_code == 400
    cast.bob.refresh_from_db()
    assert (cast.bob.language, cast.bob.calendar) == ("en", "gregorian")


def test_an_integration_account_never_keeps_a_page_session(client, cast) -> None:
    cast.adam.is_integration = True
    cast.adam.save()
    login(client, cast.adam)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
