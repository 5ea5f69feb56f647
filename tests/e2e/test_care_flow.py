"""Care end to end, in a real browser, in Arabic (right to left) and in English.

A case worker at the protection centre assesses needs twice (the change shows), builds a care plan,
logs a service, asks the embassy for a travel document; the embassy (its national consented to
sharing) sees the return request and completes the travel-document referral; the case worker
records the exit plan and the first follow-up contact, and prints the care-plan summary.
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
from himaya.assistance import needs
from himaya.testing import make_cast
from tests.e2e import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = re.compile(r"[\u0600-\u06FF]")
REASONS = "Indicators of deception and exploitation are credible."


class Flow:
    def __init__(self, browser: Any, base: str, lang: str, folder: Path) -> None:
        self.browser, self.base, self.lang, self.folder = browser, base, lang, folder
        self.count = 0

    def sign_in(self, user: Any) -> Any:
        page = steps.sign_in(self.browser, self.base, user, self.lang)
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


def _case_in_protection(cast: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A case of an Indian national at the EPC, through RG and CG decisions to voluntary return."""
    from himaya.cases import selectors as case_selectors
    from himaya.cases import services as case_services
    from himaya.consent.services import consent_record
    from himaya.people.services import person_create

    person = person_create(actor=cast.alice, given_name_latin="Lakshmi", nationality="IN", document_number="Z7654321")
    consent_record(actor=cast.alice, person=person, purpose="share_embassy", given=True, language="ml")
    case = case_services.case_open(
        actor=cast.alice,
        person=person,
        category="trafficking_suspicion",
        channel="walk_in",
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        is_child=True,
    )
    case = case_services.case_transition(actor=cast.alice, case=case, event="document")
    case = case_services.case_transition(actor=cast.alice, case=case, event="refer")
    case_services.decision_record(
        actor=cast.carol, case=case, kind="rg", outcome="positive", reasons=REASONS, deciding_org="Police"
    )
    case.refresh_from_db()
    real_today = timezone.localdate()
    # The recovery period is over before the conclusive decision; then back to today for the care work.
    monkeypatch.setattr(case_selectors, "today", lambda: case.recovery_ends + dt.timedelta(days=1))
    case_services.decision_record(
        actor=cast.carol, case=case, kind="cg", outcome="positive", reasons=REASONS, deciding_org="Police"
    )
    monkeypatch.setattr(case_selectors, "today", lambda: real_today)
    case.refresh_from_db()
    return case_services.case_transition(actor=cast.alice, case=case, event="return_home")


def _assess(flow: Flow, page: Any, care_url: str, level: int, occasion: str, on: dt.date) -> None:
    page.locator("#needs-new").click()
    page.locator("#needs-form").wait_for()
    page.select_option("#needs-occasion", occasion)
    page.fill("#needs-assessed-on", on.isoformat())
    for domain in needs.DOMAINS:
        page.select_option(f"#needs-level-{domain.replace('_', '-')}", str(level))
    page.fill("#needs-note-safety", "Former employer calls her phone.")
    flow.shot(page, f"needs-{occasion}")
    page.locator("#needs-save").click()
    page.wait_for_url(flow.base + care_url)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_case_goes_from_needs_to_a_voluntary_return_and_follow_up(live_server, browser, artifacts, lang, monkeypatch):
    cast = make_cast()
    AgencyService.objects.create(agency=cast.agencies["embassy_in"], service_type=ServiceType.TRAVEL_DOCUMENTS)
    case = _case_in_protection(cast, monkeypatch)
    folder = artifacts / "care-flow"
    folder.mkdir(exist_ok=True)
    flow = Flow(browser, live_server.url, lang, folder)
    today = timezone.localdate()
    case_url = reverse("cases:detail", kwargs={"pk": case.pk})
    care_url = reverse("assistance:care", kwargs={"case_id": case.pk})

    # --- Bob, a case worker at the protection centre, opens the care page from the case.
    bob = flow.sign_in(cast.bob)
    flow.go(bob, case_url)
    bob.locator("#case-care-plan").wait_for()
    flow.shot(bob, "case-page")
    bob.locator("#action-care").click()
    bob.wait_for_url(live_server.url + care_url)

    # Needs on first contact, and again at review: every need went down.
    _assess(flow, bob, care_url, 3, "first_contact", today - dt.timedelta(days=14))
    _assess(flow, bob, care_url, 1, "review", today)
    latest = bob.locator("#care-needs details").first
    assert latest.locator("tr[data-direction=improved]").count() == len(needs.DOMAINS)
    flow.shot(bob, "needs-change")

    # A goal, an action the centre delivers itself, a service logged on it.
    bob.fill("#goal-description", "Return home safely")
    bob.locator("#goal-form button[type=submit]").click()
    bob.locator("[data-goal]").wait_for()
    bob.select_option("#action-type", "medical")
    bob.select_option("#action-responsible-agency", str(cast.agencies["epc"].pk))
    bob.fill("#action-due-on", (today + dt.timedelta(days=7)).isoformat())
    bob.fill("#action-description", "Fit-to-fly check")
    bob.locator("#action-form button[type=submit]").click()
    bob.locator("[data-action][data-status=planned]").wait_for()
    bob.locator("[data-action] a[href$='/services/']").click()
    bob.locator("#service-form").wait_for()
    bob.fill("#svc-delivered-at", (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    bob.fill("#svc-duration-minutes", "40")
    bob.select_option("#svc-language", "ml")
    bob.locator("#svc-interpreter-used").check()
    bob.fill("#svc-outcome", "Fit to fly.")
    flow.shot(bob, "service-form")
    bob.locator("#service-save").click()
    bob.wait_for_url(live_server.url + care_url)
    bob.locator("[data-action][data-status=in_progress] [data-service]").wait_for()
    bob.locator("[data-action] form:has(input[value=done]) button").click()
    bob.locator("[data-action][data-status=done]").wait_for()

    # Voluntary return: the travel document is asked of the embassy through a referral.
    bob.fill("#travel-note", "Passport held by the former employer.")
    bob.locator("#travel-request").click()
    bob.locator("#exit-plan-pathway").wait_for()
    flow.shot(bob, "travel-document-requested")

    # --- Emil at the Embassy of India: his national consented, so he sees the return request.
    emil = flow.sign_in(cast.emil)
    flow.go(emil, reverse("assistance:returns"))
    rows = emil.locator("#return-requests tbody tr[data-case]")
    assert rows.count() == 1
    flow.shot(emil, "embassy-returns")
    rows.first.locator("a").click()
    emil.locator("#referral-actions").wait_for()
    for action, state in (("accept", "accepted"), ("start", "in_progress"), ("complete", "completed")):
        form = emil.locator(f"#referral-actions form[action$='/{action}/']")
        if action == "complete":
            form.locator("textarea[name=text]").fill("Emergency certificate issued.")
        form.locator("button[type=submit]").click()
        emil.locator(f"#referral-state[data-state={state}]").wait_for()

    # --- Bob records the exit and the first follow-up contact.
    flow.go(bob, care_url)
    bob.select_option("#exit-pathway", "voluntary_return")
    bob.fill("#exit-exit-clearance-on", today.isoformat())
    bob.fill("#exit-ticket-booked-on", today.isoformat())
    bob.locator("#exit-escort-arranged").check()
    bob.fill("#exit-reception-organisation", "IOM Kochi")
    bob.fill("#exit-reintegration-plan", "Tailoring course and a small grant.")
    bob.fill("#exit-exited-on", today.isoformat())
    bob.locator("#exit-save").click()
    bob.locator("#follow-ups li[data-follow-up]").first.wait_for()
    assert bob.locator("#follow-ups li[data-follow-up]").count() == 3
    first = bob.locator("#follow-ups li[data-follow-up='1']")
    first.locator("select[name=fu-outcome]").select_option("safe")
    first.locator("input[name=fu-note]").fill("Back with her family.")
    first.locator("button[type=submit]").click()
    bob.locator("#follow-ups li[data-follow-up='1'] .badge").wait_for()
    assert bob.locator("#closure-unmet li").count() == 1  # the 3- and 6-month contacts are still to come
    flow.shot(bob, "care-after-exit")

    pdf = bob.request.get(live_server.url + reverse("assistance:summary_pdf", kwargs={"case_id": case.pk}))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # The legal file and the reports (aggregates with charts) are readable in both directions.
    flow.go(bob, reverse("assistance:legal", kwargs={"case_id": case.pk}))
    bob.locator("#legal-claim-form").wait_for()
    flow.shot(bob, "legal-file")
    sam = flow.sign_in(cast.sam)
    flow.go(sam, reverse("assistance:reports"))
    assert sam.locator("[data-chart] svg[role=img]").count() == 3
    assert sam.locator("#report-by-type tr[data-type=medical]").count() == 1
    flow.shot(sam, "reports")
