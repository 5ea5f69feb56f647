"""A new staff member's first sign-in, in a real browser: password, forced MFA enrolment,
recovery codes, the Arabic (right-to-left) dashboard, then English."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.urls import reverse

from himaya.testing import CAST_PASSWORD, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = re.compile(r"[\u0600-\u06FF]")


def wrong_code(secret: str) -> str:
    """A 6-digit code the server cannot accept now (not the code of this or a neighbouring step)."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    near = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555") if code not in near)


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"signin-mfa-{name}.png"), full_page=True)


def test_a_new_staff_member_enrols_mfa_and_reaches_the_arabic_dashboard(live_server, page, artifacts):
    cast = make_cast(mfa=False)  # bob: a case worker at the protection centre, no authenticator yet
    bob = cast.bob
    assert bob.mfa_required

    page.goto(live_server.url + reverse("accounts:login"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("input[name=email]", bob.email)
    page.fill("input[name=password]", CAST_PASSWORD)
    shot(page, artifacts, "1-login")
    page.locator("form[action$='/login/'] button[type=submit]").click()

    # Signed in with a password only: the second factor must be set up before anything else.
    page.wait_for_url(re.compile(re.escape(reverse("accounts:mfa_setup"))))
    secret = page.locator("#mfa-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    shot(page, artifacts, "2-mfa-setup")
    page.goto(live_server.url + reverse("dashboard:home"))
    page.wait_for_url(re.compile(re.escape(reverse("accounts:mfa_setup"))))

    page.fill("input[name=code]", wrong_code(secret))
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    assert page.locator("#mfa-error").is_visible()
    assert page.locator("#mfa-secret").inner_text().strip() == secret  # same secret, try again

    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()

    codes = page.locator("#recovery-codes .recovery-code")
    codes.first.wait_for()
    assert codes.count() >= 8
    assert len(set(codes.all_inner_texts())) == codes.count()
    shot(page, artifacts, "3-recovery-codes")
    page.locator("#recovery-continue").click()

    page.wait_for_url(live_server.url + reverse("dashboard:home"))
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert ARABIC.search(page.locator("body").inner_text())
    shot(page, artifacts, "4-dashboard-ar")

    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert html.get_attribute("dir") == "ltr"
    assert page.url.startswith(live_server.url + reverse("dashboard:home"))
    assert "Himaya" in page.locator("nav").inner_text()
    assert page.locator("button[name=language][value=ar]").is_visible()
    bob.refresh_from_db()
    assert bob.language == "en"  # remembered for the next sign-in
    shot(page, artifacts, "5-dashboard-en")
