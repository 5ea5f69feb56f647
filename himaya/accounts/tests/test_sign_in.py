"""Sign-in: one generic answer for every failure, lockout, timing, integration accounts, audit."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings
from django.urls import reverse

from himaya.accounts.models import TotpDevice, User
from himaya.accounts.tests.helpers import actions, login_error, post_password, sign_in
from himaya.audit.models import AuditEvent
from himaya.testing import CAST_PASSWORD


def test_the_sign_in_page_is_open_to_anonymous_visitors(client, cast) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_unknown_wrong_locked_and_deactivated_get_the_same_message(cast) -> None:
    unknown = login_error(post_password(Client(), "nobody@example.org"))
    wrong = login_error(post_password(Client(), cast.bob.email, "wrong password here"))
    deactivated = login_error(post_password(Client(), cast.gone.email))  # right password, deactivated
    for _ in range(2):
        post_password(Client(), cast.bob.email, "wrong password here")
    locked_client = Client()
    locked = post_password(locked_client, cast.bob.email)  # right password, but locked out
    assert locked.status_code == 200
    assert "_auth_user_id" not in locked_client.session
    assert unknown and unknown == wrong == deactivated == login_error(locked)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_an_unknown_email_locks_out_like_a_real_account(cast) -> None:
    responses = [post_password(Client(), "nobody@example.org", "guess number one") for _ in range(4)]
    assert len({login_error(r) for r in responses}) == 1
    assert ("auth.lockout", "denied") in actions(action="auth.lockout")


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=900)
def test_a_locked_account_signs_in_again_after_the_lockout(cast) -> None:
    for _ in range(3):
        post_password(Client(), cast.bob.email, "wrong password here")
    assert post_password(Client(), cast.bob.email).status_code == 200
    from himaya.accounts.models import LoginThrottle

    LoginThrottle.objects.update(locked_until=None)  # the lockout period has passed
    response = post_password(Client(), cast.bob.email)
    assert response.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=100, LOGIN_IP_FAILURE_LIMIT=4)
def test_many_failures_from_one_address_lock_that_address(cast) -> None:
    for i in range(4):
        post_password(Client(), f"someone{i}@example.org", "wrong password here")
    blocked = post_password(Client(), cast.bob.email)
    assert blocked.status_code == 200 and login_error(blocked)
    other_address = post_password(Client(), cast.bob.email, REMOTE_ADDR="10.9.8.7")
    assert other_address.status_code == 302


def test_the_password_hasher_runs_for_unknown_deactivated_and_locked_accounts(cast) -> None:
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as encode:
        post_password(Client(), "nobody@example.org")
        assert encode.call_count >= 1
        encode.reset_mock()
        post_password(Client(), cast.gone.email)
        assert encode.call_count >= 1
        encode.reset_mock()
        with override_settings(LOGIN_FAILURE_LIMIT=1):
            post_password(Client(), cast.bob.email, "wrong password here")
            encode.reset_mock()
            post_password(Client(), cast.bob.email)  # locked
        assert encode.call_count >= 1


def test_an_integration_account_cannot_sign_in_to_pages(cast) -> None:
    robot = User(email="robot@example.org", full_name="Robot", agency=cast.agencies["epc"], is_integration=True)
    robot.set_password(CAST_PASSWORD)
    robot.save()
    response = post_password(Client(), robot.email)
    assert response.status_code == 200
    assert login_error(response) == login_error(post_password(Client(), "nobody@example.org"))


def test_signing_in_with_both_factors_reaches_the_dashboard(cast) -> None:
    client = Client()
    response = sign_in(client, cast.bob)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(cast) -> None:
    client = Client()
    client.post(
        reverse("accounts:login"), {"email": cast.bob.email, "password": CAST_PASSWORD, "next": "/accounts/profile/"}
    )
    from himaya.accounts.tests.helpers import totp_now

    response = client.post(reverse("accounts:mfa_verify"), {"code": totp_now()})
    assert response["Location"] == "/accounts/profile/"
    TotpDevice.objects.filter(user=cast.bob).update(last_used_step=None)  # a later code (no replay)
    client = Client()
    client.post(
        reverse("accounts:login"), {"email": cast.bob.email, "password": CAST_PASSWORD, "next": "https://evil.example/"}
    )
    response = client.post(reverse("accounts:mfa_verify"), {"code": totp_now()})
    assert response["Location"] == reverse("dashboard:home")


def test_sign_in_success_and_failure_are_audited_without_the_email_typed(cast) -> None:
    post_password(Client(), "stranger@example.org", "wrong password here")
    post_password(Client(), cast.bob.email, "wrong password here")
    sign_in(Client(), cast.bob)
    failed = AuditEvent.objects.filter(action="auth.login", outcome="failed").order_by("seq")
    assert [(e.actor_id, e.object_id, e.detail) for e in failed] == [
        (None, "", "bad_credentials"),
        (None, str(cast.bob.pk), "bad_credentials"),
    ]
    ok = AuditEvent.objects.get(action="auth.login", outcome="ok")
    assert ok.actor_id == cast.bob.pk
    assert ("auth.mfa.verify", "ok") in actions(actor_id=cast.bob.pk)
    for event in AuditEvent.objects.all():
        blob = " ".join([event.fields, event.detail, event.object_id])
        assert "stranger" not in blob and "example.org" not in blob


def test_logout_needs_a_post_and_ends_the_session(cast) -> None:
    client = Client()
    sign_in(client, cast.bob)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert ("auth.logout", "ok") in actions(actor_id=cast.bob.pk)
