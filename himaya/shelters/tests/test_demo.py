"""The demo seed builds the shelters and admits residents from its accepted shelter referrals."""

from __future__ import annotations

import pytest

from himaya.demo.services import demo_seed
from himaya.referrals.models import ReferralState
from himaya.shelters.models import Bed, Shelter, Stay, WaitingEntry


@pytest.mark.django_db
def test_the_demo_admits_residents_from_shelter_referrals_and_a_second_run_adds_nothing() -> None:
    demo_seed(seed=7)
    assert set(Shelter.objects.values_list("code", flat=True)) == {"aman-sanad", "amal-muharraq"}
    assert Bed.objects.count() == 65 and Bed.objects.filter(is_closed=True).exists()
    stays = list(Stay.objects.select_related("referral", "shelter"))
    assert stays, "the demo board should show residents"
    for stay in stays:
        assert stay.referral.service_type == "shelter" and stay.referral.to_agency_id == stay.shelter.operator_id
        assert stay.referral.state == ReferralState.IN_PROGRESS
    assert WaitingEntry.objects.filter(resolved_at__isnull=True).exists()
    counts = (Stay.objects.count(), WaitingEntry.objects.count(), Bed.objects.count())
    demo_seed(seed=7)
    assert (Stay.objects.count(), WaitingEntry.objects.count(), Bed.objects.count()) == counts
