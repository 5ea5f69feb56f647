"""Fixtures for the consent tests: an EPC case about an Indian national, and bearer tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from himaya.api.services import token_issue
from himaya.cases.models import Case
from himaya.cases.services import case_open
from himaya.people.services import person_create


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


@pytest.fixture
def bearer(cast: Any) -> Callable[[Any], dict[str, str]]:
    def make(user: Any) -> dict[str, str]:
        _, plaintext = token_issue(actor=None, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}

    return make


@pytest.fixture
def national_case(cast: Any) -> Callable[..., Case]:
    """`national_case("IN")`: an EPC case (opened by alice) about a national of that country."""

    def make(nationality: str = "IN") -> Case:
        person = person_create(actor=cast.alice, given_name_latin="Ravi", nationality=nationality)
        return case_open(
            actor=cast.alice,
            person=person,
            category="trafficking_suspicion",
            channel="walk_in",
            occurred_at=timezone.now(),
        )

    return make
