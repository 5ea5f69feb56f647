"""Who gets what on the consent URLs (see himaya/access/matrix.py for the format).

`w.person` (EPC, a Philippine national) has no embassy-sharing consent: only the EPC's case staff
see and change their consents. The consent withdrawn in the matrix is created inside each
request's rolled-back savepoint by alice.
"""

from __future__ import annotations

from typing import Any

from himaya.access.matrix import Expect

EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}


def _consent(w: Any) -> dict[str, Any]:
    from himaya.consent.services import consent_record

    consent = consent_record(actor=w.alice, person=w.person, purpose="referral_services", given=True, language="tl")
    return {"pk": consent.pk}


EXPECTATIONS = {
    "consent:person": Expect(kwargs=lambda w: {"person_id": w.person.pk}, ok=EPC_CASE_STAFF),
    "consent:withdraw": Expect(method="post", kwargs=_consent, ok=EPC_CASE_STAFF, ok_status=302),
    "api:person-consent-list": Expect(kwargs=lambda w: {"person_id": w.person.pk}, ok=EPC_CASE_STAFF, api=True),
    "api:consent-withdraw": Expect(method="post", kwargs=_consent, ok=EPC_CASE_STAFF, api=True, format="json"),
}
