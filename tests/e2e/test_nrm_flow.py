"""The NRM core end to end, in a real browser, in Arabic (right-to-left) and in English.

A first responder records an intake over two sittings, opens the case, records consent, screens
for indicators, refers the case for a reasonable-grounds decision; the NRM coordinator decides;
the shelter receives a referral, accepts, starts and completes it; the referring side sees the
loop closed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from himaya.agencies.models import AgencyService, ServiceType
from himaya.testing import make_cast
from tests.e2e import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = re.compile(r"[\u0600-\u06FF]")
STAGE_AFTER = {"document": "documentation", "refer": "rg_pending"}
ADULT_VICTIM = ["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"]


class Flow:
    def __init__(self, browser: Any, base: str, lang: str, folder: Path) -> None:
        self.browser, self.base, self.lang, self.folder = browser, base, lang, folder
        self.count = 0

    def sign_in(self, user: Any) -> Any:
        page = steps.sign_in(self.browser, self.base, user, self.lang)
        self.check_language(page)
        return page

    def go(self, page: Any, url: str) -> None:
        page.goto(self.base + url)
        self.check_language(page)

    def check_language(self, page: Any) -> None:
        html = page.locator("html")
        assert html.get_attribute("lang") == self.lang
        if self.lang == "ar":
            assert html.get_attribute("dir") == "rtl"
            assert ARABIC.search(page.locator("main").inner_text())
        else:
            assert html.get_attribute("dir") == "ltr"

    def shot(self, page: Any, name: str) -> None:
        self.count += 1
        self.check_language(page)
        page.screenshot(path=str(self.folder / f"{self.lang}-{self.count:02d}-{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_case_goes_from_intake_to_a_closed_shelter_referral(live_server, browser, artifacts, lang):
    cast = make_cast()
    shelter = cast.agencies["shelter"]
    AgencyService.objects.create(agency=shelter, service_type=ServiceType.SHELTER, languages="ar en")
    folder = artifacts / "nrm-flow"
    folder.mkdir(exist_ok=True)
    flow = Flow(browser, live_server.url, lang, folder)

    # --- Alice, a first responder at the protection centre, starts an intake.
    alice = flow.sign_in(cast.alice)
    flow.go(alice, reverse("intake:start"))
    flow.shot(alice, "intake-start")
    alice.locator("#intake-start button[type=submit]").click()
    alice.locator("#id_occurred_at").wait_for()
    when = timezone.localtime() - dt.timedelta(hours=2)
    alice.fill("#id_occurred_at", when.strftime("%Y-%m-%dT%H:%M"))
    alice.fill("#id_location", "Sitra")
    alice.select_option("#id_channel", "walk_in")
    flow.shot(alice, "intake-step1")
    alice.locator("button[name=next]").click()
    alice.locator("#id_full_name_arabic").wait_for()
    alice.fill("#id_full_name_arabic", "فاطمة أحمد")
    alice.fill("#id_given_name_latin", "Fatima")
    flow.shot(alice, "intake-step2")
    alice.locator("button[name=save_exit]").click()
    alice.wait_for_load_state()

    # She leaves, then comes back to "My drafts" and resumes where she stopped.
    flow.go(alice, reverse("dashboard:home"))
    flow.go(alice, reverse("intake:drafts"))
    flow.shot(alice, "intake-drafts")
    drafts = alice.locator("#drafts-table tbody tr")
    assert drafts.count() == 1
    drafts.first.get_by_role("link").click()
    alice.wait_for_url(re.compile(r"/intake/\d+/step/3/$"))
    alice.locator("input[name=category][value=trafficking_suspicion]").check()
    alice.locator("input[name=exploitation_types]").first.check()
    flow.shot(alice, "intake-step3")
    alice.locator("button[name=next]").click()
    alice.wait_for_url(re.compile(r"/step/4/$"))
    flow.shot(alice, "intake-step4")
    alice.locator("button[name=next]").click()
    alice.wait_for_url(re.compile(r"/step/5/$"))
    alice.locator("#id_medical_urgent").check()
    flow.shot(alice, "intake-step5")
    alice.locator("button[name=next]").click()
    alice.wait_for_url(re.compile(r"/step/6/$"))
    flow.shot(alice, "intake-review")
    alice.locator("#intake-submit button[type=submit]").click()
    alice.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = alice.url.removeprefix(live_server.url)
    flow.shot(alice, "case-opened")

    # Consent to referral to services, recorded from the case page.
    alice.locator("#action-consent").click()
    alice.locator("#consent-form").wait_for()
    for box in alice.locator("#consent-form input[type=checkbox][name^=explained]").all():
        box.check()
    alice.select_option("#id_purpose", "referral_services")
    alice.locator("#consent-form input[name=given][value=yes]").check()
    flow.shot(alice, "consent-form")
    alice.locator("#consent-record").click()
    alice.locator("#consent-list tbody tr").first.wait_for()
    flow.shot(alice, "consent-recorded")

    # Screening: the live outcome panel follows the ticks (htmx), then she saves.
    flow.go(alice, case_url)
    alice.locator("#action-screening").click()
    alice.locator("#screening-form").wait_for()
    for indicator in ADULT_VICTIM:
        with alice.expect_response(lambda r: r.url.endswith(reverse("screening:evaluate_partial"))):
            alice.locator(f"#ind-{indicator}").check()
    outcome = alice.locator("#outcome-panel #outcome")
    outcome.wait_for()
    assert outcome.get_attribute("data-outcome") == "victim"
    flow.shot(alice, "screening-victim")
    alice.locator("#screening-save").click()
    alice.wait_for_load_state()
    flow.shot(alice, "screening-saved")

    # Forward: documentation, then referred for a reasonable-grounds decision.
    for event in ("document", "refer"):
        flow.go(alice, case_url)
        alice.select_option("#transition-event", event)
        alice.locator("#transition-form button[type=submit]").click()
        alice.wait_for_load_state()
        assert not alice.locator("#transition-error").count()
        flow.go(alice, case_url)
        assert alice.locator("#case-header [data-stage]").get_attribute("data-stage") == STAGE_AFTER[event]
    flow.go(alice, case_url)
    assert alice.locator("#case-header [data-stage]").get_attribute("data-stage") == "rg_pending"
    flow.shot(alice, "case-rg-pending")

    # --- Carol, the NRM coordinator, records a positive reasonable-grounds decision.
    carol = flow.sign_in(cast.carol)
    flow.go(carol, case_url)
    carol.locator("#decision-form").wait_for()
    carol.select_option("#decision-form select[name=kind]", "rg")
    carol.locator("#decision-form input[name=outcome][value=positive]").check()
    carol.fill("#decision-form textarea[name=reasons]", "Indicators of deception and exploitation are credible.")
    flow.shot(carol, "decision-form")
    carol.locator("#decision-form button[type=submit]").click()
    carol.locator("#case-decisions").get_by_text("Indicators of deception").wait_for()
    flow.shot(carol, "decision-recorded")

    # --- Alice sends a shelter referral.
    flow.go(alice, case_url)
    alice.locator("#action-refer").click()
    alice.locator("#referral-send-form").wait_for()
    alice.select_option("#referral-send-form select[name=service_type]", "shelter")
    alice.select_option("#referral-send-form select[name=to_agency]", str(shelter.pk))
    alice.fill("#referral-send-form textarea[name=reason]", "Safe accommodation needed tonight.")
    flow.shot(alice, "referral-send")
    alice.locator("#referral-send-form button[type=submit]").click()
    alice.locator("#referral-state[data-state=sent]").wait_for()
    referral_url = alice.url.removeprefix(live_server.url)
    flow.shot(alice, "referral-sent")

    # --- Sheila at the shelter: inbox, accept, start, complete with an outcome.
    sheila = flow.sign_in(cast.sheila)
    flow.go(sheila, reverse("referrals:inbox"))
    flow.shot(sheila, "shelter-inbox")
    rows = sheila.locator("#referral-list tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link").first.click()
    sheila.locator("#referral-actions").wait_for()
    for action, state in (("accept", "accepted"), ("start", "in_progress"), ("complete", "completed")):
        form = sheila.locator(f"#referral-actions form[action$='/{action}/']")
        if action == "complete":
            form.locator("textarea[name=text]").fill("Placed at the shelter; medical check done.")
            flow.shot(sheila, "shelter-complete")
        form.locator("button[type=submit]").click()
        sheila.locator(f"#referral-state[data-state={state}]").wait_for()
    flow.shot(sheila, "shelter-completed")

    # --- The referring side sees the loop closed.
    flow.go(alice, reverse("referrals:outbox"))
    assert alice.locator("#referral-list tbody tr [data-state]").first.get_attribute("data-state") == "completed"
    flow.shot(alice, "outbox-completed")
    flow.go(alice, referral_url)
    assert alice.locator("#referral-state").get_attribute("data-state") == "completed"
    assert alice.locator("main").get_by_text("medical check done").count() == 1
    events = alice.locator("#referral-events li")
    assert events.count() >= 4
    flow.shot(alice, "referral-completed")
