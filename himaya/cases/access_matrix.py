"""Who gets what on every case URL (see himaya/access/matrix.py for the format).

The cases are built inside each role's rolled-back savepoint, through the services:
- an EPC child's case at identification (the EPC's case roles act on it);
- a police case referred into the NRM (the police, and the NRM coordinator nationally, see it;
  only the coordinator decides);
- a police case with a negative RG decision (only the police first responder may ask for
  reconsideration).
The list and the notifications are everyone's (each sees only their own rows).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}
EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}
REASONS = "Consistent account, passport held by the employer."


def _open(actor: Any, person: Any) -> Any:
    from himaya.cases.services import case_open

    return case_open(
        actor=actor,
        person=person,
        category="trafficking_suspicion",
        channel="hotline",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        is_child=True,
    )


def epc_case(w: Any) -> dict[str, Any]:
    return {"pk": _open(w.alice, w.person).pk}


def _police_referred(w: Any) -> Any:
    from himaya.cases.services import case_transition

    case = _open(w.pete, w.police_person)
    case = case_transition(actor=w.pete, case=case, event="document")
    return case_transition(actor=w.pete, case=case, event="refer")


def police_referred(w: Any) -> dict[str, Any]:
    return {"pk": _police_referred(w).pk}


def police_rg_negative(w: Any) -> dict[str, Any]:
    from himaya.cases.services import decision_record

    case = _police_referred(w)
    decision_record(actor=w.carol, case=case, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Police")
    return {"pk": case.pk}


def _decision(w: Any) -> dict[str, Any]:
    return {"kind": "rg", "outcome": "positive", "deciding_org": "Police", "reasons": REASONS}


EXPECTATIONS = {
    "cases:list": Expect(ok=EVERYONE),
    "cases:overview": Expect(ok={"carol", "sam"}),
    "cases:detail": Expect(kwargs=police_referred, ok={"pete", "carol"}),
    "cases:transition": Expect(
        method="post", kwargs=epc_case, data=lambda w: {"event": "document"}, ok=EPC_CASE_STAFF, ok_status=302
    ),
    "cases:decision": Expect(method="post", kwargs=police_referred, data=_decision, ok={"carol"}, ok_status=302),
    "cases:note": Expect(
        method="post", kwargs=epc_case, data=lambda w: {"text": "Called back."}, ok=EPC_CASE_STAFF, ok_status=302
    ),
    "cases:reconsideration": Expect(
        method="post",
        kwargs=police_rg_negative,
        data=lambda w: {"reasons": "New statement from the shelter."},
        ok={"pete"},
        ok_status=302,
    ),
    "cases:assign": Expect(
        method="post",
        kwargs=epc_case,
        data=lambda w: {"assigned_to": w.bob.pk},
        ok=EPC_CASE_STAFF,
        ok_status=302,
    ),
    "api:case-assignment": Expect(
        method="post",
        kwargs=epc_case,
        data=lambda w: {"assigned_to": w.bob.pk},
        ok=EPC_CASE_STAFF,
        api=True,
        format="json",
    ),
    "api:case-reconsideration": Expect(
        method="post",
        kwargs=police_rg_negative,
        data=lambda w: {"reasons": "New statement from the shelter."},
        ok={"pete"},
        api=True,
        format="json",
    ),
    "api:case-list": Expect(ok=EVERYONE, api=True),
    "api:case-detail": Expect(kwargs=police_referred, ok={"pete", "carol"}, api=True),
    "api:case-transitions": Expect(
        method="post",
        kwargs=epc_case,
        data=lambda w: {"event": "document"},
        ok=EPC_CASE_STAFF,
        api=True,
        format="json",
    ),
    "api:case-decisions": Expect(
        method="post", kwargs=police_referred, data=_decision, ok={"carol"}, ok_status=201, api=True, format="json"
    ),
    "api:case-timeline": Expect(kwargs=police_referred, ok={"pete", "carol"}, api=True),
}
