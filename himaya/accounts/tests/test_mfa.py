"""The second factor: required before any page, forced enrolment, replay refused, recovery codes."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from himaya.accounts import mfa, sessionkeys
from himaya.accounts.models import RecoveryCode, TotpDevice, User, UserRole
from himaya.accounts.roles import Role
from himaya.accounts.tests.helpers import (
    actions,
    codes_on_page,
    post_password,
    secret_on_page,
    sign_in,
    totp_now,
)
from himaya.testing import CAST_PASSWORD


def _new_case_worker(cast) -> User:
    user = User(email="newbie@example.org", full_name="Newbie", agency=cast.agencies["epc"])
    user.set_password(CAST_PASSWORD)
    user.save()
    UserRole.objects.create(user=user, role=Role.CASE_WORKER)
    return user


def test_the_dashboard_is_out_of_reach_between_password_and_code(cast) -> None:
    client = Client()
    response = post_password(client, cast.bob.email)
    assert response["Location"] == reverse("accounts:mfa_verify")
    for url in (reverse("dashboard:home"), reverse("accounts:profile"), reverse("accounts:staff")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert not client.session.get(sessionkeys.MFA_VERIFIED)


def test_a_session_without_the_second_factor_is_sent_to_verify(cast) -> None:
    client = Client()
    client.force_login(cast.bob)  # signed in, but MFA never checked
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    htmx = client.get(reverse("accounts:profile"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("accounts:mfa_verify")
    client.post(reverse("accounts:mfa_verify"), {"code": totp_now()})
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_enrolment_is_forced_at_first_sign_in_and_shows_codes_once(cast) -> None:
    user = _new_case_worker(cast)
    client = Client()
    response = post_password(client, user.email)
    assert response["Location"] == reverse("accounts:mfa_setup")
    assert client.get(reverse("dashboard:home")).status_code == 302
    page = client.get(reverse("accounts:mfa_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and 'style="' not in page.content.decode()
    secret = secret_on_page(page)
    assert (
        client.get(reverse("accounts:mfa_setup")).content == page.content
        or secret_on_page(client.get(reverse("accounts:mfa_setup"))) == secret
    )  # reloading keeps the same secret
    wrong = client.post(reverse("accounts:mfa_setup"), {"code": "000000" if totp_now(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and 'id="mfa-error"' in wrong.content.decode()
    done = client.post(reverse("accounts:mfa_setup"), {"code": totp_now(secret)})
    codes = codes_on_page(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # stored hashed
    assert client.session[sessionkeys.MFA_VERIFIED] is True
    assert client.get(reverse("dashboard:home")).status_code == 200
    # The codes are never shown again: the setup page now sends the user to their profile.
    assert client.get(reverse("accounts:mfa_setup"))["Location"] == reverse("accounts:profile")
    assert ("auth.mfa.enrol", "ok") in actions(actor_id=user.pk)


def test_the_secret_is_stored_encrypted(cast) -> None:
    from django.db import connection

    device = mfa.confirmed_device(cast.bob)
    assert device is not None and device.secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert device.secret not in raw


def test_a_totp_code_is_accepted_only_once(cast) -> None:
    code = totp_now()
    first = Client()
    post_password(first, cast.bob.email)
    assert first.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    second = Client()
    post_password(second, cast.bob.email)
    replay = second.post(reverse("accounts:mfa_verify"), {"code": code})
    assert replay.status_code == 200
    assert not second.session.get(sessionkeys.MFA_VERIFIED)
    assert second.get(reverse("dashboard:home")).status_code == 302
    assert ("auth.mfa.verify", "failed") in actions(actor_id=cast.bob.pk)


def test_a_recovery_code_works_once(cast) -> None:
    codes = mfa.replace_recovery_codes(cast.bob)
    client = Client()
    post_password(client, cast.bob.email)
    response = client.post(reverse("accounts:mfa_verify"), {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200
    again = Client()
    post_password(again, cast.bob.email)
    assert again.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 200
    assert not again.session.get(sessionkeys.MFA_VERIFIED)
    assert again.get(reverse("dashboard:home")).status_code == 302
    assert mfa.remaining_recovery_codes(cast.bob) == 9


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_second_factor(cast) -> None:
    client = Client()
    post_password(client, cast.bob.email)
    good = totp_now()
    bad = "000000" if good != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("accounts:mfa_verify"), {"code": bad})
    refused = client.post(reverse("accounts:mfa_verify"), {"code": good})
    assert refused.status_code == 200
    assert not client.session.get(sessionkeys.MFA_VERIFIED)
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_profile_regenerates_recovery_codes_with_the_password(cast) -> None:
    old = mfa.replace_recovery_codes(cast.bob)
    client = Client()
    sign_in(client, cast.bob)
    refused = client.post(reverse("accounts:recovery_codes"), {"recovery-password": "not my password"})
    assert refused.status_code == 400
    response = client.post(reverse("accounts:recovery_codes"), {"recovery-password": CAST_PASSWORD})
    new = codes_on_page(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert not RecoveryCode.objects.filter(user=cast.bob, code_hash=mfa.recovery_hash(cast.bob.pk, old[0])).exists()


def test_resetting_mfa_needs_the_password_and_forces_a_new_enrolment(cast) -> None:
    client = Client()
    sign_in(client, cast.bob)
    assert client.post(reverse("accounts:mfa_reset"), {"reset-password": "nope nope nope"}).status_code == 400
    assert TotpDevice.objects.filter(user=cast.bob).exists()
    response = client.post(reverse("accounts:mfa_reset"), {"reset-password": CAST_PASSWORD})
    assert response["Location"] == reverse("accounts:mfa_setup")
    assert not TotpDevice.objects.filter(user=cast.bob, confirmed_at__isnull=False).exists()
    blocked = client.get(reverse("dashboard:home"))
    assert blocked["Location"].startswith(reverse("accounts:mfa_setup"))
    assert ("auth.mfa.reset", "ok") in actions(actor_id=cast.bob.pk)


def test_an_analyst_without_mfa_signs_in_with_the_password_alone(cast) -> None:
    client = Client()
    response = post_password(client, cast.adam.email)
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200
