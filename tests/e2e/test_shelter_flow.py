"""Shelter staff in a real browser, in Arabic and in English: admit the person of an accepted
shelter referral, see them on the occupancy board, discharge them, and find the bed free again
and the referral completed for the referring agency."""

from __future__ import annotations

import pytest
from django.urls import reverse
from shelter_steps import accepted_shelter_referral, admit, board_shows, discharge
from test_nrm_flow import Flow

from himaya.referrals.models import ReferralState
from himaya.shelters.models import Stay
from himaya.testing import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_admission_shows_on_the_board_then_discharge_frees_the_bed(live_server, browser, artifacts, lang):
    cast = make_cast()
    shelter, referral = accepted_shelter_referral(cast, arabic_name="مريم حسن", latin_name="Mariam")
    folder = artifacts / "shelter-flow"
    folder.mkdir(exist_ok=True)
    flow = Flow(browser, live_server.url, lang, folder)

    sheila = flow.sign_in(cast.sheila)
    stay_id = admit(flow, sheila, referral)
    board_shows(flow, sheila, shelter, "Mariam")
    discharge(flow, sheila, stay_id, reason="voluntary_return", destination="country_of_origin")

    stay = Stay.objects.get(pk=stay_id)
    assert stay.ended_at is not None and stay.discharge_reason == "voluntary_return"
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    flow.go(sheila, reverse("shelters:board", args=[shelter.pk]))
    assert sheila.locator("li[data-state='occupied']").count() == 0

    # The referring agency follows the stay's status, without the shelter's details.
    bob = flow.sign_in(cast.bob)
    flow.go(bob, reverse("shelters:stay", args=[stay_id]))
    bob.locator("#status-only").wait_for()
    assert bob.locator("#person-fields").count() == 0
    flow.shot(bob, "referrer-status")

    # The national view counts beds for everyone, naming nobody.
    flow.go(bob, reverse("shelters:national"))
    bob.locator(f"tr[data-shelter='{shelter.code}']").wait_for()
    flow.shot(bob, "national")

    # A coordinator reads the reports: occupancy over time and length of stay, as SVG charts.
    carol = flow.sign_in(cast.carol)
    flow.go(carol, reverse("shelters:report"))
    carol.locator("#occupancy-chart svg").wait_for()
    carol.locator("#length-chart svg").wait_for()
    flow.shot(carol, "report")
