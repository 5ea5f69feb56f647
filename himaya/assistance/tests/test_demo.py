"""The demo seed adds care data through the services, closes a case only after its criteria, and
adds nothing the second time."""

from __future__ import annotations

import pytest

from himaya.assistance.models import CareAction, ExitPlan, FollowUp, LabourClaim, NeedsAssessment, ServiceDelivery
from himaya.audit.verify import verify_chain
from himaya.cases.models import Case
from himaya.demo.services import demo_seed

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_seed_gives_assisted_cases_care_legal_files_and_ways_out() -> None:
    demo_seed(seed=2026)
    assert NeedsAssessment.objects.filter(occasion="review").exists()
    assert ServiceDelivery.objects.exists() and CareAction.objects.filter(status="done").exists()
    assert LabourClaim.objects.filter(currency="BHD").exists()
    assert set(ExitPlan.objects.values_list("pathway", flat=True)) >= {"employer_transfer", "local_integration"}
    for case in Case.objects.filter(stage="closed", exit_plan__isnull=False):
        assert not FollowUp.objects.filter(case=case, done_on__isnull=True).exists()
    assert verify_chain().problem is None
    counts = (NeedsAssessment.objects.count(), CareAction.objects.count())
    demo_seed(seed=2026)
    assert (NeedsAssessment.objects.count(), CareAction.objects.count()) == counts
