"""The change between two needs assessments (pure)."""

from __future__ import annotations

import pytest

from himaya.assistance import needs


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, {"safety": 3}, [("safety", None, 3, "new")]),
        ({"safety": 3}, {"safety": 1}, [("safety", 3, 1, "improved")]),
        ({"medical": 1}, {"medical": 4}, [("medical", 1, 4, "worse")]),
        ({"legal": 2}, {"legal": 2}, [("legal", 2, 2, "same")]),
        # standard order, whatever the mapping's order; unrated domains are left out
        (
            {"livelihood": 2, "safety": 4},
            {"livelihood": 1, "safety": 4, "documents": 3},
            [("safety", 4, 4, "same"), ("documents", None, 3, "new"), ("livelihood", 2, 1, "improved")],
        ),
    ],
)
def test_it_shows_how_each_need_moved(before, after, expected) -> None:
    got = [(c.domain, c.before, c.after, c.direction) for c in needs.changes(before, after)]
    assert got == expected


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ({"safety": 4, "medical": 3, "legal": 2}, ["safety", "medical"]),
        ({"documents": 3, "safety": 3}, ["safety", "documents"]),
        ({"finances": 1}, []),
    ],
)
def test_it_puts_the_most_severe_needs_first(levels, expected) -> None:
    assert needs.priority_domains(levels) == expected
