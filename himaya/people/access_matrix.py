"""Who gets what on every people URL (see himaya/access/matrix.py for the format).

`w.person` is owned by the EPC: only EPC staff whose roles give need-to-know open it; everyone
else gets 404, as if it did not exist. Administrators, the analyst and the auditor see no people.
"""

from __future__ import annotations

from typing import Any

from himaya.access.matrix import Expect

# Roles with a rule on people (their own agency's): the people pages are theirs.
PEOPLE_READERS = {"alice", "bob", "carol", "sam", "pete", "sheila", "emil", "ivan"}
CREATORS = {"alice", "bob", "carol", "sam", "pete", "emil", "ivan"}
EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}


def _person(w: Any) -> dict[str, Any]:
    return {"pk": w.person.pk}


EXPECTATIONS = {
    "people:list": Expect(ok=PEOPLE_READERS),
    "people:create": Expect(
        method="post",
        data=lambda w: {"given_name_latin": "Ana", "gender": "Feminine", "nationality": "PH"},
        ok=CREATORS,
        ok_status=302,
    ),
    "people:detail": Expect(kwargs=_person, ok=EPC_CASE_STAFF),
    "people:edit": Expect(
        method="post",
        kwargs=_person,
        data=lambda w: {"given_name_latin": "Maria", "family_name_latin": "Changed", "gender": "Feminine"},
        ok=EPC_CASE_STAFF,
        ok_status=302,
    ),
    "people:alias_add": Expect(
        method="post", kwargs=_person, data=lambda w: {"name": "Mary M."}, ok=EPC_CASE_STAFF, ok_status=302
    ),
    "people:document_add": Expect(
        method="post",
        kwargs=_person,
        data=lambda w: {"type": "passport", "number": "P7654321", "issuing_country": "PH"},
        ok=EPC_CASE_STAFF,
        ok_status=302,
    ),
}
