"""When may a case close? The closure criteria, as a Django-free function over plain facts.

`himaya.cases.services.case_transition` asks `unmet_criteria` (through
`himaya.assistance.selectors.closure_unmet`) before closing a case and refuses with the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

# Stages that end assistance through a way out: an exit and its follow-ups are needed to close.
EXIT_STAGES = ("reintegration", "voluntary_return")

OPEN_CARE_ACTIONS = "open_care_actions"
NO_EXIT_PLAN = "no_exit_plan"
EXIT_PATHWAY_MISMATCH = "exit_pathway_mismatch"
NO_EXIT_DATE = "no_exit_date"
TRAVEL_DOCUMENT_MISSING = "travel_document_missing"
EXIT_CLEARANCE_MISSING = "exit_clearance_missing"
WORK_PERMIT_TRANSFER_MISSING = "work_permit_transfer_missing"
FOLLOW_UPS_NOT_SCHEDULED = "follow_ups_not_scheduled"
FOLLOW_UPS_OUTSTANDING = "follow_ups_outstanding"
OPEN_LABOUR_CLAIMS = "open_labour_claims"

# Months after the exit at which the person is contacted again (HIMAYA_FOLLOW_UP_MONTHS).
DEFAULT_FOLLOW_UP_MONTHS = (1, 3, 6)
MAX_FOLLOW_UP_MONTHS = 60


def parse_follow_up_months(text: str) -> tuple[int, ...]:
    """ "1,3,6" → (1, 3, 6): whole months from 1 to 60, strictly increasing, at least one.

    Raises ValueError saying what is wrong (the settings turn it into a start-up error)."""
    parts = [p.strip() for p in (text or "").split(",")]
    if not parts or any(not p.isdigit() for p in parts):
        raise ValueError(f"expected comma-separated whole months such as 1,3,6, got {text!r}")
    months = tuple(int(p) for p in parts)
    if any(not 1 <= m <= MAX_FOLLOW_UP_MONTHS for m in months):
        raise ValueError(f"follow-up months must be from 1 to {MAX_FOLLOW_UP_MONTHS}, got {text!r}")
    if any(b <= a for a, b in pairwise(months)):
        raise ValueError(f"follow-up months must be strictly increasing, got {text!r}")
    return months


PATHWAY_FOR_STAGE = {
    "voluntary_return": ("voluntary_return",),
    "reintegration": ("local_integration", "employer_transfer"),
}


@dataclass(frozen=True)
class ClosureFacts:
    stage: str
    open_care_actions: int = 0
    open_labour_claims: int = 0
    pathway: str | None = None  # None: no exit plan recorded
    exited_on: dt.date | None = None
    travel_document_ready: bool = False  # the embassy's travel-document referral completed
    exit_clearance_on: dt.date | None = None
    work_permit_transferred_on: dt.date | None = None
    # Of the required follow-up contacts (months after exit): how many are scheduled, how many done.
    follow_ups_scheduled: int = 0
    follow_ups_done: int = 0
    required_follow_ups: tuple[int, ...] = field(default=DEFAULT_FOLLOW_UP_MONTHS)


def unmet_criteria(facts: ClosureFacts) -> list[str]:
    """Codes of the criteria not met, in the order a case worker would work through them.

    Every case: no planned or in-progress care actions. A case leaving through a way out
    (reintegration or voluntary return) also needs its exit plan on the matching pathway with the
    date of exit, the pathway's steps (travel document and exit clearance for a return, the
    work-permit transfer for a new employer), every follow-up contact scheduled and done, and no
    labour claim still open (prepared or filed) unless the person stays in the country.
    """
    unmet: list[str] = []
    if facts.open_care_actions:
        unmet.append(OPEN_CARE_ACTIONS)
    if facts.stage not in EXIT_STAGES:
        return unmet
    if facts.pathway is None:
        unmet.append(NO_EXIT_PLAN)
        return unmet
    if facts.pathway not in PATHWAY_FOR_STAGE[facts.stage]:
        unmet.append(EXIT_PATHWAY_MISMATCH)
    if facts.exited_on is None:
        unmet.append(NO_EXIT_DATE)
    if facts.pathway == "voluntary_return":
        if not facts.travel_document_ready:
            unmet.append(TRAVEL_DOCUMENT_MISSING)
        if facts.exit_clearance_on is None:
            unmet.append(EXIT_CLEARANCE_MISSING)
        if facts.open_labour_claims:
            unmet.append(OPEN_LABOUR_CLAIMS)
    if facts.pathway == "employer_transfer" and facts.work_permit_transferred_on is None:
        unmet.append(WORK_PERMIT_TRANSFER_MISSING)
    if facts.exited_on is not None:
        if facts.follow_ups_scheduled < len(facts.required_follow_ups):
            unmet.append(FOLLOW_UPS_NOT_SCHEDULED)
        elif facts.follow_ups_done < facts.follow_ups_scheduled:
            unmet.append(FOLLOW_UPS_OUTSTANDING)
    return unmet


def follow_up_dates(
    exited_on: dt.date, months: tuple[int, ...] = DEFAULT_FOLLOW_UP_MONTHS
) -> list[tuple[int, dt.date]]:
    """(months, due date) for each follow-up after exit; month ends clamp (31 Jan + 1 month = 28/29 Feb)."""
    out = []
    for m in months:
        year = exited_on.year + (exited_on.month - 1 + m) // 12
        month = (exited_on.month - 1 + m) % 12 + 1
        day = exited_on.day
        while True:
            try:
                out.append((m, dt.date(year, month, day)))
                break
            except ValueError:
                day -= 1
    return out
