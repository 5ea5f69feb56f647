"""Who gets what on the break-glass URLs (see himaya/access/matrix.py for the format).

Only NRM coordinators (carol) may break glass; for everyone else the pages do not exist (404).
"""

from __future__ import annotations

from himaya.access.matrix import Expect

COORDINATORS = {"carol"}

EXPECTATIONS = {
    # carol opens the police's person with a reason and is sent to the record.
    "access:break_glass": Expect(
        method="post",
        data=lambda w: {"person": w.police_person.reference, "reason": "Urgent shelter placement tonight"},
        ok=COORDINATORS,
        ok_status=302,
    ),
    "access:my_grants": Expect(ok=COORDINATORS),
}
