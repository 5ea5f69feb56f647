"""A support provider asks, from its open referral, for a negative decision to be reconsidered."""

from __future__ import annotations

from typing import Any

import pytest

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases.services import case_transition, decision_record
from himaya.referrals import services

REASONS = "The shelter heard a new account of the recruitment."


@pytest.fixture
def negative(cast: Any, referral: Any, consent: Any) -> Any:
    """The referral's case was referred into the NRM and the RG decision was negative."""
    consent(referral.case.person)
    case = case_transition(actor=cast.alice, case=referral.case, event="document")
    case = case_transition(actor=cast.alice, case=case, event="refer")
    decision_record(actor=cast.carol, case=case, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Other")
    referral.refresh_from_db()
    return referral


def test_the_shelter_asks_for_reconsideration_from_the_referral_page(cast, client, negative) -> None:
    login(client, cast.sheila)
    page = client.get(f"/referrals/{negative.pk}/").content.decode()
    assert 'id="reconsideration-form"' in page

    response = client.post(f"/referrals/{negative.pk}/reconsideration/", {"reasons": REASONS})

    assert response.status_code == 302
    negative.case.refresh_from_db()
    assert negative.case.stage == "reconsideration"
    assert negative.case.reconsidering_from == "rg_negative"
    assert AuditEvent.objects.filter(
        action="cases.case.request_reconsideration", actor_id=cast.sheila.pk, object_id=str(negative.case.pk)
    ).exists()
    # Still no case page for the support provider: data minimisation holds.
    assert client.get(f"/cases/{negative.case.pk}/").status_code == 404


def test_it_explains_short_reasons_and_changes_nothing(cast, client, negative) -> None:
    cast.sheila.language = "en"
    cast.sheila.save(update_fields=["language"])
    login(client, cast.sheila)
    response = client.post(f"/referrals/{negative.pk}/reconsideration/", {"reasons": "no"})
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    negative.case.refresh_from_db()
    assert negative.case.stage == "rg_negative"


def test_once_the_referral_is_closed_the_shelter_can_no_longer_ask(cast, client, negative) -> None:
    services.referral_decline(actor=cast.sheila, referral=negative, reason="No beds tonight")
    login(client, cast.sheila)
    assert 'id="reconsideration-form"' not in client.get(f"/referrals/{negative.pk}/").content.decode()
    assert client.post(f"/referrals/{negative.pk}/reconsideration/", {"reasons": REASONS}).status_code == 404
    negative.case.refresh_from_db()
    assert negative.case.stage == "rg_negative"
    assert AuditEvent.objects.filter(
        action="referrals.referral.reconsideration", outcome="denied", actor_id=cast.sheila.pk
    ).exists()


def test_the_sender_uses_the_case_page_not_the_referral(cast, client, negative) -> None:
    login(client, cast.bob)
    assert 'id="reconsideration-form"' not in client.get(f"/referrals/{negative.pk}/").content.decode()
    assert client.post(f"/referrals/{negative.pk}/reconsideration/", {"reasons": REASONS}).status_code == 404


def test_the_api_asks_for_reconsideration_through_the_referral(cast, negative) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    login(api, cast.sheila)
    response = api.post(f"/api/v1/referrals/{negative.pk}/reconsideration/", {"reasons": REASONS}, format="json")
    assert response.status_code == 200
    negative.case.refresh_from_db()
    assert negative.case.stage == "reconsideration"


def test_no_reconsideration_while_the_decision_is_not_negative(cast, client, referral) -> None:
    login(client, cast.sheila)
    assert client.post(f"/referrals/{referral.pk}/reconsideration/", {"reasons": REASONS}).status_code == 404
