"""Browser sessions reach the API only after the second factor; anonymous callers get 401."""

from __future__ import annotations

from django.test import Client

from himaya.accounts import sessionkeys
from himaya.accounts.testing import login

ME = "/api/v1/me/"


def test_anonymous_gets_401_in_the_error_shape(db, client) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["error"]["code"] == "not_authenticated"
    assert body["request_id"] == response["X-Request-ID"]


def test_a_session_that_passed_mfa_is_accepted(cast, client) -> None:
    login(client, cast.bob)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["roles"] == ["case_worker"]


def test_a_session_without_the_second_factor_is_refused(cast, client) -> None:
    client.force_login(cast.bob)  # password checked, second factor not yet
    assert client.get(ME).status_code == 401


def test_a_session_of_a_role_without_mfa_needs_no_second_factor(cast, client) -> None:
    assert not cast.adam.mfa_required  # analysts see no personal data
    client.force_login(cast.adam)
    assert client.get(ME).status_code == 200


def test_a_voluntarily_enrolled_second_factor_must_be_passed_too(cast, client) -> None:
    from himaya.accounts.mfa import enrol_for_fixture
    from himaya.testing import CAST_TOTP_SECRET

    enrol_for_fixture(cast.adam, CAST_TOTP_SECRET)
    client.force_login(cast.adam)
    assert client.get(ME).status_code == 401


def test_a_session_whose_mfa_flag_is_false_is_refused(cast, client) -> None:
    login(client, cast.bob)
    session = client.session
    session[sessionkeys.MFA_VERIFIED] = False
    session.save()
    assert client.get(ME).status_code == 401


def test_session_writes_need_the_csrf_token(cast) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, cast.alice)
    response = client.post("/api/v1/people/", {"given_name_latin": "Ana"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_the_deactivated_user_is_refused(cast, client) -> None:
    login(client, cast.gone)
    assert client.get(ME).status_code == 401


def test_me_describes_the_caller(cast, client, bearer) -> None:
    body = client.get(ME, **bearer(cast.dora)).json()
    assert body == {
        "id": cast.dora.pk,
        "email": "dora@example.org",
        "full_name": "Dora",
        "agency": cast.dora.agency_id,
        "roles": ["agency_admin"],
        "language": "ar",
    }
