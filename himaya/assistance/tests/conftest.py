"""Fixtures for the care tests: the matrix world (cast + people), a frozen 'today', a case moved
through the NRM workflow to protection and assistance, all through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from himaya.access.matrix import World, build_world
from himaya.cases import selectors as case_selectors
from himaya.cases import services as case_services
from himaya.cases.models import Case


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.day = timezone.localdate()
        monkeypatch.setattr(case_selectors, "today", lambda: self.day)

    def set(self, day: dt.date) -> None:
        self.day = day

    def forward(self, days: int) -> dt.date:
        self.day = self.day + dt.timedelta(days=days)
        return self.day


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """'Today' for the case clocks and the care services (starts at the real today; move it forward)."""
    return Clock(monkeypatch)


@pytest.fixture
def w(cast: Any) -> World:
    return build_world(cast)


REASONS = "Credible account of deception and passport retention."


@pytest.fixture
def assisted_case(w: World, clock: Clock) -> Callable[..., Case]:
    """`assisted_case(event)`: the EPC's child case through RG and CG to protection and assistance,
    then `event` (reintegrate / return_home) if given. The clock is left after the CG decision."""

    def make(event: str | None = None) -> Case:
        case = case_services.case_open(
            actor=w.alice,
            person=w.person,
            category="trafficking_suspicion",
            channel="hotline",
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            is_child=True,
        )
        case = case_services.case_transition(actor=w.alice, case=case, event="document")
        case = case_services.case_transition(actor=w.alice, case=case, event="refer")
        case_services.decision_record(
            actor=w.carol, case=case, kind="rg", outcome="positive", reasons=REASONS, deciding_org="Police"
        )
        case.refresh_from_db()
        assert case.recovery_ends is not None
        clock.set(case.recovery_ends + dt.timedelta(days=1))
        case_services.decision_record(
            actor=w.carol, case=case, kind="cg", outcome="positive", reasons=REASONS, deciding_org="Police"
        )
        case.refresh_from_db()
        if event:
            case = case_services.case_transition(actor=w.alice, case=case, event=event)
        return case

    return make
