"""Who gets what on the screening URLs (see himaya/access/matrix.py for the format).

The case and the screening are created inside each request's rolled-back savepoint (the kwargs
factory runs there): an EPC case about `w.person`, opened by alice. Only the EPC's case staff
may screen it or open its screenings; every other member gets 404. Evaluating a set of
indicators is stateless and holds no personal data: any signed-in member may do it.
"""

from __future__ import annotations

from typing import Any

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}
EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}


def matrix_case(w: Any) -> Any:
    from django.utils import timezone

    from himaya.cases.services import case_open

    return case_open(
        actor=w.alice, person=w.person, category="trafficking_suspicion", channel="walk_in", occurred_at=timezone.now()
    )


def _screening(w: Any) -> dict[str, Any]:
    from himaya.screening.services import screening_record

    screening = screening_record(
        actor=w.alice, case=matrix_case(w), profile="adult-labour", indicators=["DR01", "EX01"]
    )
    return {"pk": screening.pk}


EVALUATE = {"profile": "adult-labour", "indicators": ["DR01", "DR02", "EX01"]}

EXPECTATIONS = {
    "screening:case": Expect(kwargs=lambda w: {"case_id": matrix_case(w).pk}, ok=EPC_CASE_STAFF),
    "screening:evaluate_partial": Expect(method="post", data=lambda w: EVALUATE, ok=EVERYONE),
    "screening:detail": Expect(kwargs=_screening, ok=EPC_CASE_STAFF),
    "api:screening-evaluate": Expect(method="post", data=lambda w: EVALUATE, ok=EVERYONE, api=True, format="json"),
    "api:screening-catalogue": Expect(ok=EVERYONE, api=True, query="?profile=child-labour"),
    "api:screening-forced-labour": Expect(
        method="post", data=lambda w: {"indicators": ["FL07"]}, ok=EVERYONE, api=True, format="json"
    ),
}
