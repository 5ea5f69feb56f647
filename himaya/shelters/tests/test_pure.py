"""The Django-free modules: waiting-list priority and occupancy arithmetic (table-driven)."""

from __future__ import annotations

import datetime as dt

import pytest

from himaya.shelters.priority import waiting_priority
from himaya.shelters.stats import average_length_of_stay, nightly_occupancy

D = dt.date


@pytest.mark.parametrize(
    ("is_child", "safety_risk", "urgency", "expected"),
    [
        (True, False, "normal", 0),
        (True, True, "urgent", 0),
        (False, True, "normal", 1),
        (False, False, "urgent", 1),
        (False, False, "high", 2),
        (False, False, "normal", 3),
    ],
)
def test_children_come_first_then_urgent_safety(is_child: bool, safety_risk: bool, urgency: str, expected: int) -> None:
    assert waiting_priority(is_child=is_child, safety_risk=safety_risk, urgency=urgency) == expected


@pytest.mark.parametrize(
    ("stays", "expected"),
    [
        ([], [0, 0, 0]),
        ([(D(2026, 1, 1), D(2026, 1, 3))], [1, 1, 0]),  # two nights, leaves on the 3rd
        ([(D(2026, 1, 2), None)], [0, 1, 1]),  # still there
        ([(D(2025, 12, 1), D(2026, 1, 2))], [1, 0, 0]),  # started before the window
        ([(D(2026, 1, 2), D(2026, 1, 2))], [0, 0, 0]),  # same day: no night
        ([(D(2026, 1, 1), None), (D(2026, 1, 1), D(2026, 1, 2)), (D(2026, 1, 3), None)], [2, 1, 2]),
        ([(D(2026, 2, 1), None)], [0, 0, 0]),  # after the window
    ],
)
def test_nightly_occupancy_counts_the_nights_slept(stays, expected) -> None:
    assert nightly_occupancy(stays, D(2026, 1, 1), D(2026, 1, 3)) == expected


@pytest.mark.parametrize(
    ("stays", "expected"),
    [
        ([], None),
        ([(D(2026, 1, 1), D(2026, 1, 11))], 10.0),
        ([(D(2026, 1, 1), D(2026, 1, 1))], 1.0),  # a same-day stay used the bed
        ([(D(2026, 1, 1), D(2026, 1, 3)), (D(2026, 1, 1), D(2026, 1, 4))], 2.5),
    ],
)
def test_average_length_of_stay(stays, expected) -> None:
    assert average_length_of_stay(stays) == expected


@pytest.mark.parametrize(
    ("stays", "expected"),
    [
        ([(D(2026, 1, 1), D(2026, 1, 3)), (D(2025, 12, 1), D(2026, 1, 2)), (D(2026, 1, 2), None)], [2, 2, 1]),
        ([(D(2026, 1, 2), D(2026, 1, 2)), (D(2026, 2, 1), None), (D(2025, 1, 1), D(2025, 6, 1))], [0, 0, 0]),
        ([(D(2026, 1, 1), None)] * 3 + [(D(2026, 1, 3), D(2026, 1, 9))] * 2, [3, 3, 5]),
    ],
)
def test_grouped_occupancy_matches_the_stay_by_stay_count(stays, expected) -> None:
    from collections import Counter

    from himaya.shelters.stats import nightly_occupancy_grouped

    groups = [(start, end, n) for (start, end), n in Counter(stays).items()]
    first, last = D(2026, 1, 1), D(2026, 1, 3)
    assert nightly_occupancy_grouped(groups, first, last) == nightly_occupancy(stays, first, last) == expected


def test_grouped_average_length_of_stay_weights_each_group() -> None:
    from himaya.shelters.stats import average_length_of_stay_grouped

    assert average_length_of_stay_grouped([]) == (None, 0)
    groups = [(D(2026, 1, 1), D(2026, 1, 3), 3), (D(2026, 1, 1), D(2026, 1, 1), 1)]
    assert average_length_of_stay_grouped(groups) == (
        average_length_of_stay([(D(2026, 1, 1), D(2026, 1, 3))] * 3 + [(D(2026, 1, 1), D(2026, 1, 1))]),
        4,
    )
