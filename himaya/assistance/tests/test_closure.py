"""The closure criteria (pure) and the follow-up schedule after exit."""

from __future__ import annotations

import datetime as dt

import pytest

from himaya.assistance import closure as c

D = dt.date(2026, 3, 1)
DONE_RETURN = dict(
    pathway="voluntary_return",
    exited_on=D,
    travel_document_ready=True,
    exit_clearance_on=D,
    follow_ups_scheduled=3,
    follow_ups_done=3,
)


@pytest.mark.parametrize(
    ("facts", "unmet"),
    [
        (c.ClosureFacts(stage="labour_grievance"), []),
        (c.ClosureFacts(stage="labour_grievance", open_care_actions=2), [c.OPEN_CARE_ACTIONS]),
        (c.ClosureFacts(stage="reintegration"), [c.NO_EXIT_PLAN]),
        (c.ClosureFacts(stage="voluntary_return", **DONE_RETURN), []),
        (
            c.ClosureFacts(stage="voluntary_return", pathway="voluntary_return"),
            [c.NO_EXIT_DATE, c.TRAVEL_DOCUMENT_MISSING, c.EXIT_CLEARANCE_MISSING],
        ),
        (
            c.ClosureFacts(stage="voluntary_return", **{**DONE_RETURN, "follow_ups_done": 2}),
            [c.FOLLOW_UPS_OUTSTANDING],
        ),
        (
            c.ClosureFacts(
                stage="voluntary_return", **{**DONE_RETURN, "follow_ups_scheduled": 0, "follow_ups_done": 0}
            ),
            [c.FOLLOW_UPS_NOT_SCHEDULED],
        ),
        (c.ClosureFacts(stage="voluntary_return", open_labour_claims=1, **DONE_RETURN), [c.OPEN_LABOUR_CLAIMS]),
        (
            c.ClosureFacts(stage="reintegration", **DONE_RETURN),
            [c.EXIT_PATHWAY_MISMATCH],
        ),
        (
            c.ClosureFacts(
                stage="reintegration",
                pathway="employer_transfer",
                exited_on=D,
                follow_ups_scheduled=3,
                follow_ups_done=3,
            ),
            [c.WORK_PERMIT_TRANSFER_MISSING],
        ),
        (
            c.ClosureFacts(
                stage="reintegration",
                pathway="local_integration",
                exited_on=D,
                follow_ups_scheduled=3,
                follow_ups_done=3,
                open_labour_claims=1,
            ),
            [],  # staying in the country: the claim can go on after the case closes
        ),
    ],
)
def test_it_lists_the_unmet_criteria(facts, unmet) -> None:
    assert c.unmet_criteria(facts) == unmet


@pytest.mark.parametrize(
    ("exited", "expected"),
    [
        (dt.date(2026, 1, 15), [(1, dt.date(2026, 2, 15)), (3, dt.date(2026, 4, 15)), (6, dt.date(2026, 7, 15))]),
        (dt.date(2026, 1, 31), [(1, dt.date(2026, 2, 28)), (3, dt.date(2026, 4, 30)), (6, dt.date(2026, 7, 31))]),
        (dt.date(2026, 9, 30), [(1, dt.date(2026, 10, 30)), (3, dt.date(2026, 12, 30)), (6, dt.date(2027, 3, 30))]),
        (dt.date(2027, 8, 31), [(1, dt.date(2027, 9, 30)), (3, dt.date(2027, 11, 30)), (6, dt.date(2028, 2, 29))]),
    ],
)
def test_follow_ups_fall_one_three_and_six_months_after_exit(exited, expected) -> None:
    assert c.follow_up_dates(exited) == expected
