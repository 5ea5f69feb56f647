"""Fixtures for the API tests: a fresh throttle cache, tokens, and people in two agencies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from himaya.api.services import token_issue
from himaya.people.services import person_create


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


@pytest.fixture
def bearer(cast: Any) -> Callable[[Any], dict[str, str]]:
    """`bearer(user)` -> request headers carrying a fresh token for that user."""

    def make(user: Any) -> dict[str, str]:
        _, plaintext = token_issue(actor=None, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}

    return make


@pytest.fixture
def people(cast: Any) -> dict[str, Any]:
    return {
        "maria": person_create(
            actor=cast.alice, given_name_latin="Maria", document_number="P1234567", phone="+97333123456"
        ),
        "lina": person_create(actor=cast.bob, full_name_arabic="لينا", nationality="PH"),
        "rina": person_create(actor=cast.pete, given_name_latin="Rina", document_number="X7654321"),
    }
