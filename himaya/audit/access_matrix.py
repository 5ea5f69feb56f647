"""Who gets what on every audit URL (see himaya/access/matrix.py for the format)."""

from __future__ import annotations

from typing import Any

from himaya.access.matrix import Expect

AUDITORS = {"audrey"}
# Agency admins and supervisors see who broke glass on their agency's records; auditors see all.
BREAK_GLASS_READERS = {"audrey", "dora", "sam", "paula", "jamal"}


def _an_event(w: Any) -> dict[str, Any]:
    from himaya.audit.services import audit_record

    return {"seq": audit_record(actor=None, action="matrix.probe").seq}


EXPECTATIONS = {
    "audit:events": Expect(ok=AUDITORS),
    "audit:event": Expect(kwargs=_an_event, ok=AUDITORS),
    "audit:break_glass": Expect(ok=BREAK_GLASS_READERS),
}
