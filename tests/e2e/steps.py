"""Steps the browser flows share."""

from __future__ import annotations

from typing import Any

import pyotp
from django.urls import reverse

from himaya.testing import CAST_PASSWORD, CAST_TOTP_SECRET


def sign_in(browser: Any, base: str, user: Any, lang: str) -> Any:
    """A new browser context (own cookies) signed in as `user` with password and TOTP, on the
    dashboard, switched to English when `lang` is "en" (Arabic is the default)."""
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", CAST_PASSWORD)
    page.locator("form[action$='/login/'] button[type=submit]").click()
    page.locator("input[name=code]").wait_for()
    page.fill("input[name=code]", pyotp.TOTP(CAST_TOTP_SECRET).now())
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    page.wait_for_url(base + reverse("dashboard:home"))
    if lang == "en":
        page.locator("button[name=language][value=en]").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
    return page
