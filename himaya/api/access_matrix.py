"""Who gets what from each API URL (see himaya/access/matrix.py). Anonymous and deactivated callers get 401.

Writes (POST/PATCH) are covered per role in himaya/api/tests/ (one expectation per URL name here).
"""

from __future__ import annotations

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}
# EPC staff whose roles give need-to-know on the EPC's people.
EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}

EXPECTATIONS = {
    "api:me": Expect(ok=EVERYONE, api=True),
    "api:agency-list": Expect(ok=EVERYONE, api=True),
    "api:agency-detail": Expect(kwargs=lambda w: {"pk": w.cast.agencies["epc"].pk}, ok=EVERYONE, api=True),
    # Everyone may ask; each sees only their own agency's people (an empty page for the others).
    "api:person-list": Expect(ok=EVERYONE, api=True),
    "api:person-detail": Expect(kwargs=lambda w: {"pk": w.person.pk}, ok=EPC_CASE_STAFF, api=True),
    "api:audit-event-list": Expect(ok={"audrey"}, api=True),
    "api:staff-list": Expect(ok={"dora", "paula", "jamal", "sysop"}, api=True),
    # The API's shape is not public: signed-in callers only.
    "api:schema": Expect(ok=EVERYONE, api=True),
    "api:docs": Expect(ok=EVERYONE, api=True),
}
