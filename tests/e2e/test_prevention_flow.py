"""Prevention end to end in a real browser, in Arabic and English: the inspector opens her
queue, records the visit and a finding, and turns the finding into a pre-filled NRM intake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from himaya.intake.models import IntakeDraft
from himaya.testing import make_cast
from tests.e2e.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(autouse=True)
def prevention_dir(tmp_path: Path) -> Iterator[None]:
    settings.HIMAYA_PREVENTION_DIR = tmp_path / "prevention"
    try:
        yield
    finally:
        del settings.HIMAYA_PREVENTION_DIR


def check(page: Any, lang: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    if lang == "ar":
        assert ARABIC.search(page.locator("main").inner_text())


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_an_inspection_finding_becomes_a_prefilled_intake(live_server, browser, artifacts, lang) -> None:
    from himaya.prevention import services
    from himaya.prevention.management.commands.seed_prevention import seed

    cast = make_cast()
    seed("tiny", seed=5)
    run = services.scoring_run_execute(services.scoring_run_create(actor=cast.sam).pk)
    plan = services.plan_create(
        actor=cast.sam, run=run, inspectors=1, days=1, visits_per_day=3, random_share=0.34, seed=2
    )
    services.plan_assign_round_robin(actor=cast.sam, plan=plan, inspectors=[cast.ines])
    first = plan.items.order_by("priority").first()
    folder = artifacts / "prevention-flow"
    folder.mkdir(exist_ok=True)

    # The supervisor's view of the ranking (screenshots for the record).
    sam = sign_in(browser, live_server.url, cast.sam, lang)
    sam.goto(live_server.url + reverse("prevention:run", kwargs={"pk": run.pk}))
    check(sam, lang)
    assert sam.locator("#ranking tbody tr").count() == 80
    sam.screenshot(path=str(folder / f"{lang}-1-ranking.png"), full_page=False)
    sam.goto(live_server.url + reverse("prevention:fairness"))
    check(sam, lang)
    sam.screenshot(path=str(folder / f"{lang}-2-fairness.png"), full_page=True)

    # The inspector: menu → queue → the first inspection.
    ines = sign_in(browser, live_server.url, cast.ines, lang)
    ines.locator("#nav-prevention").click()
    ines.locator("#queue").wait_for()
    check(ines, lang)
    assert ines.locator("#queue tbody tr").count() == 3
    ines.screenshot(path=str(folder / f"{lang}-3-queue.png"), full_page=True)
    ines.locator(f"a.inspection-link:text-is('{first.reference}')").click()
    ines.locator("#inspection-form").wait_for()
    assert ines.locator("#reasons li").count() >= 1
    assert ines.locator("#worksite-scores tbody tr").count() >= 1  # its worksites, scored too
    check(ines, lang)
    ines.screenshot(path=str(folder / f"{lang}-4-inspection.png"), full_page=True)

    # Record the visit: passports held, wages withheld; a warning.
    ines.check("#inspection-form input[value=FL07]")
    ines.check("#inspection-form input[value=FL08]")
    ines.select_option("#id_passports_held", "yes")
    ines.select_option("#id_wage_records_ok", "no")
    ines.check("#id_violation_found")
    ines.select_option("#id_outcome", "warning")
    ines.fill("#id_visited_on", first.created_at.date().isoformat())
    ines.locator("#record-inspection").click()
    ines.locator("#recorded").wait_for()

    # A finding about one worker, then one click to the NRM intake.
    ines.locator("#finding-form input[name=workers]").first.check()
    ines.check("#finding-form input[name=indicators][value=FL07]")
    ines.fill("#finding-form textarea", "Passports locked in the office; wages unpaid since summer.")
    ines.locator("#add-finding").click()
    ines.locator(".finding").wait_for()
    ines.screenshot(path=str(folder / f"{lang}-5-finding.png"), full_page=True)
    ines.locator("[id^=finding-intake-]").click()
    ines.wait_for_url(re.compile(r".*/intake/\d+/step/1/$"))
    check(ines, lang)
    assert ines.locator("#id_channel").input_value() == "labour_inspection"
    ines.screenshot(path=str(folder / f"{lang}-6-intake.png"), full_page=True)
    draft = IntakeDraft.objects.get(owner=cast.ines)
    assert draft.steps["3"]["category"] == "trafficking_suspicion"
    assert "FL07" in draft.steps["5"]["notes"]

    # The inspector does not open the case himself: he hands the draft to a first responder.
    ines.goto(live_server.url + reverse("intake:step", kwargs={"pk": draft.pk, "step": 6}))
    ines.locator("#intake-hand-over").wait_for()
    assert ines.locator("#intake-submit").count() == 0
    check(ines, lang)
    ines.screenshot(path=str(folder / f"{lang}-6b-hand-over.png"), full_page=True)
    ines.select_option("#hand-over-to", str(cast.alice.pk))
    ines.locator("#intake-hand-over button[type=submit]").click()
    ines.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.owner_id == cast.alice.pk
    alice = sign_in(browser, live_server.url, cast.alice, lang)
    alice.goto(live_server.url + reverse("intake:step", kwargs={"pk": draft.pk, "step": 6}))
    alice.locator("#intake-submit button[type=submit]").click()
    alice.wait_for_url(re.compile(r".*/cases/\d+/$"))
    alice.screenshot(path=str(folder / f"{lang}-6c-case.png"), full_page=False)
    draft.refresh_from_db()
    assert draft.submitted_case is not None and draft.submitted_case.encounters.get().channel == "labour_inspection"

    # Back at the centre: the dashboard counts the completed risk-ranked inspection as a hit.
    sam.goto(live_server.url + reverse("prevention:home"))
    check(sam, lang)
    assert sam.locator("#hit-rate-chart svg").count() == 1
    assert sam.locator("#hit-rates tbody tr").first.locator("td").nth(3).inner_text() == "1"
    sam.screenshot(path=str(folder / f"{lang}-7-dashboard.png"), full_page=True)
    sam.goto(live_server.url + reverse("prevention:imports"))
    check(sam, lang)
    sam.screenshot(path=str(folder / f"{lang}-8-imports.png"), full_page=True)
