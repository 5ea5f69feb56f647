"""Fixtures for the case tests: a frozen 'today', and cases built through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from himaya.cases import selectors, services
from himaya.cases.models import Case
from himaya.people.services import person_create


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.day = dt.date(2026, 12, 10)
        monkeypatch.setattr(selectors, "today", lambda: self.day)

    def set(self, day: dt.date) -> None:
        self.day = day


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Today is frozen (Thursday 2026-12-10 unless set) for the case clocks."""
    return Clock(monkeypatch)


@pytest.fixture
def open_case(cast: Any) -> Callable[..., Case]:
    """`open_case(actor, child=True)`: a case at identification owned by the actor's agency."""

    def make(actor: Any = None, *, child: bool = True, person: Any = None) -> Case:
        actor = actor or cast.alice
        person = person or person_create(actor=actor, given_name_latin="Amina", nationality="PH")
        return services.case_open(
            actor=actor,
            person=person,
            category="trafficking_suspicion",
            channel="hotline",
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            is_child=child,
        )

    return make


@pytest.fixture
def referred_case(cast: Any, open_case: Callable[..., Case], clock: Clock) -> Callable[..., Case]:
    """`referred_case(actor)`: a child's case moved through documentation and referred for an RG decision."""

    def make(actor: Any = None) -> Case:
        actor = actor or cast.alice
        case = open_case(actor)
        case = services.case_transition(actor=actor, case=case, event="document")
        return services.case_transition(actor=actor, case=case, event="refer")

    return make
