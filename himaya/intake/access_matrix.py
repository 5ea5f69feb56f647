"""Who gets what on every intake URL (see himaya/access/matrix.py for the format).

Drafts are their author's (alice here) and open to a supervisor of the same agency (sam);
everyone else gets 404. Attachments follow their case (the EPC's: its case staff).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from himaya.access.matrix import Expect

# Roles that may open cases (and so start an intake), in any agency.
STARTERS = {"alice", "bob", "carol", "sam", "pete", "emil", "ivan"}
DRAFT_OWNER_AND_SUPERVISOR = {"alice", "sam"}
EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}


def _draft(w: Any) -> dict[str, Any]:
    from himaya.intake.services import draft_create

    return {"pk": draft_create(actor=w.alice).pk}


def _case(w: Any) -> Any:
    from himaya.cases.services import case_open

    return case_open(
        actor=w.alice,
        person=w.person,
        category="labour_dispute",
        channel="walk_in",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )


def _attachment(w: Any) -> dict[str, Any]:
    from himaya.intake.services import attachment_add
    from himaya.intake.testing import png

    if not hasattr(settings, "HIMAYA_ATTACHMENT_DIR"):
        # Keep matrix files beside the test keyring (a temporary folder), not in var/.
        settings.HIMAYA_ATTACHMENT_DIR = Path(settings.HIMAYA_KEYRING_FILE).parent / "attachments"
    return {"pk": attachment_add(actor=w.alice, case=_case(w), name="scan.png", content=png()).pk}


def _complete_draft(w: Any) -> dict[str, Any]:
    """A draft by alice with steps 1-5 filled in (through the service, as the wizard would)."""
    from himaya.intake.services import draft_create, draft_save_step

    draft = draft_create(actor=w.alice)
    when = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    values: dict[int, dict[str, Any]] = {
        1: {"occurred_at": when, "channel": "walk_in"},
        2: {"given_name_latin": "Matrix", "gender": "Feminine"},
        3: {"category": "labour_dispute"},
        4: {"events": [], "parties": []},
        5: {},
    }
    for step, data in values.items():
        draft_save_step(actor=w.alice, draft=draft, step=step, data=data)
    return {"pk": draft.pk}


EXPECTATIONS = {
    "intake:start": Expect(ok=STARTERS),
    "intake:drafts": Expect(ok=STARTERS),
    "intake:step": Expect(kwargs=lambda w: {**_draft(w), "step": 1}, ok=DRAFT_OWNER_AND_SUPERVISOR),
    "intake:discard": Expect(method="post", kwargs=_draft, ok=DRAFT_OWNER_AND_SUPERVISOR, ok_status=302),
    # Without a chosen colleague the hand-over is refused with a message (back to the review).
    "intake:hand_over": Expect(method="post", kwargs=_draft, ok=DRAFT_OWNER_AND_SUPERVISOR, ok_status=302),
    "intake:attachment_upload": Expect(kwargs=lambda w: {"case_id": _case(w).pk}, ok=EPC_CASE_STAFF),
    "intake:attachment_download": Expect(kwargs=_attachment, ok=EPC_CASE_STAFF),
    "api:intake-draft-list": Expect(ok=STARTERS, api=True),
    "api:intake-draft-detail": Expect(kwargs=_draft, ok=DRAFT_OWNER_AND_SUPERVISOR, api=True),
    "api:intake-draft-step": Expect(
        method="put",
        format="json",
        kwargs=lambda w: {**_draft(w), "step": 3},
        data=lambda w: {"category": "abuse", "exploitation_types": ["ForcedLabour"], "industry": "T"},
        ok=DRAFT_OWNER_AND_SUPERVISOR,
        api=True,
    ),
    "api:intake-draft-submit": Expect(
        method="post", format="json", kwargs=_complete_draft, ok=DRAFT_OWNER_AND_SUPERVISOR, ok_status=201, api=True
    ),
}
