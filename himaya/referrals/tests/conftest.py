"""Fixtures for the referral tests: a case for an adult at the EPC, and a shelter that offers shelter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from himaya.agencies.models import AgencyService, ServiceType
from himaya.cases.services import case_open
from himaya.consent.models import Consent
from himaya.people.services import person_create
from himaya.referrals.services import referral_send


@pytest.fixture
def shelter(cast: Any) -> Any:
    agency = cast.agencies["shelter"]
    AgencyService.objects.create(
        agency=agency,
        service_type=ServiceType.SHELTER,
        languages="ar,en,tl",
        opening_hours="24/7",
        capacity_note="6 beds",
    )
    return agency


@pytest.fixture
def person(cast: Any) -> Any:
    return person_create(
        actor=cast.alice,
        given_name_latin="Maria",
        family_name_latin="Santos",
        document_number="P7654321",
        phone="+97333111222",
        date_of_birth=dt.date(1995, 4, 2),
        nationality="PH",
        gender="Feminine",
    )


@pytest.fixture
def make_case(cast: Any) -> Callable[..., Any]:
    def make(person: Any, **extra: Any) -> Any:
        return case_open(
            actor=cast.alice,
            person=person,
            category="trafficking_suspicion",
            channel="walk_in",
            occurred_at=timezone.now(),
            **extra,
        )

    return make


@pytest.fixture
def case(make_case: Callable[..., Any], person: Any) -> Any:
    return make_case(person, safety_risk=True)


@pytest.fixture
def consent(cast: Any) -> Callable[..., Any]:
    def give(person: Any, purpose: str = "referral_services", agency: Any = None) -> Consent:
        return Consent.objects.create(
            person=person,
            purpose=purpose,
            recipient_agency=agency,
            given=True,
            explained_by=cast.alice,
            language="en",
            recorded_at=timezone.now(),
        )

    return give


@pytest.fixture
def referral(cast: Any, case: Any, shelter: Any, consent: Callable[..., Any]) -> Any:
    consent(case.person, agency=shelter)
    return referral_send(
        actor=cast.bob, case=case, to_agency=shelter, service_type="shelter", urgency="urgent", reason="Needs a bed"
    )
