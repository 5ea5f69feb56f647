"""Shared helpers for the accounts tests."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from django.urls import reverse

from himaya.accounts import mfa
from himaya.audit.models import AuditEvent
from himaya.testing import CAST_PASSWORD, CAST_TOTP_SECRET


def totp_now(secret: str = CAST_TOTP_SECRET) -> str:
    return mfa.code_at_step(secret, mfa.current_step())


def post_password(client: Any, email: str, password: str = CAST_PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, **extra)


def sign_in(client: Any, user: Any, *, secret: str = CAST_TOTP_SECRET) -> Any:
    """The whole sign-in through the pages: password, then a TOTP code."""
    response = post_password(client, user.email)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")
    return client.post(reverse("accounts:mfa_verify"), {"code": totp_now(secret)})


def login_error(response: Any) -> str:
    match = re.search(r'id="login-error">([^<]*)<', response.content.decode())
    return match.group(1).strip() if match else ""


def secret_on_page(response: Any) -> str:
    match = re.search(r'id="mfa-secret"[^>]*>([A-Z2-7]+)<', response.content.decode())
    assert match, "the setup page shows the secret in #mfa-secret"
    return match.group(1)


def codes_on_page(response: Any) -> list[str]:
    return re.findall(r'class="recovery-code[^"]*">([a-z2-9-]+)<', response.content.decode())


def actions(**filters: Any) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(**filters).order_by("seq").values_list("action", "outcome"))


def pyotp_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()
