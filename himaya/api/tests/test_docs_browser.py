"""The API docs in a real browser: Swagger UI from our own static files, under our strict CSP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from himaya.accounts.testing import login
from himaya.testing import make_cast

CHROMIUM = os.environ.get("HIMAYA_CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not Path(CHROMIUM).is_file() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def test_the_docs_render_with_no_csp_violation_and_no_outside_request(live_server, browser_context) -> None:
    cast = make_cast(mfa=False)
    client = Client()
    login(client, cast.bob)
    browser_context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Himaya API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator("text=/api/v1/people/").first.wait_for()
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "api-docs.png"))

    assert problems == [], problems  # a CSP violation shows up here as "Refused to …"
    assert outside == [], outside
