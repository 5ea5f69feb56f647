"""Who gets what on every referral URL (see himaya/access/matrix.py for the format).

The world's case is opened by alice (EPC) for w.person, who consented to referral to services;
the referral goes to the shelter agency (sheila, service provider), which offers shelter.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}
REFERRAL_STAFF = {"alice", "bob", "carol", "sam", "pete", "sheila", "emil", "ivan"}
EPC_CASE_STAFF = {"alice", "bob", "carol", "sam"}
BOTH_SIDES = EPC_CASE_STAFF | {"sheila"}
# The sending agency's staff see the referral but only the receiving agency may accept it.
SENDER_CANNOT_ACCEPT = dict.fromkeys(EPC_CASE_STAFF, 400)


def _case(w: Any) -> Any:
    from himaya.cases.services import case_open

    return case_open(
        actor=w.alice,
        person=w.person,
        category="trafficking_suspicion",
        channel="walk_in",
        occurred_at=timezone.now(),
    )


def _case_kwargs(w: Any) -> dict[str, Any]:
    return {"case_id": _case(w).pk}


def _referral(w: Any) -> Any:
    from himaya.consent.models import Consent
    from himaya.referrals.services import referral_send

    shelter = w.cast.agencies["shelter"]
    Consent.objects.create(
        person=w.person,
        purpose="referral_services",
        recipient_agency=shelter,
        given=True,
        explained_by=w.alice,
        language="en",
        recorded_at=timezone.now(),
    )
    return referral_send(
        actor=w.alice, case=_case(w), to_agency=shelter, service_type="shelter", urgency="normal", reason="A bed"
    )


def _negative_referral_kwargs(w: Any) -> dict[str, Any]:
    """An open shelter referral on a case whose reasonable grounds decision was negative."""
    from himaya.cases.services import case_transition, decision_record
    from himaya.consent.models import Consent

    referral = _referral(w)
    Consent.objects.create(
        person=w.person,
        purpose="referral_services",
        given=True,
        explained_by=w.alice,
        language="en",
        recorded_at=timezone.now(),
    )
    case = case_transition(actor=w.alice, case=referral.case, event="document")
    case = case_transition(actor=w.alice, case=case, event="refer")
    decision_record(
        actor=w.carol, case=case, kind="rg", outcome="negative", reasons="No indicator of means.", deciding_org="Other"
    )
    return {"pk": referral.pk}


def _reconsideration(w: Any) -> dict[str, Any]:
    return {"reasons": "The shelter heard a new account of the recruitment."}


def _referral_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _referral(w).pk}


def _accept_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _referral(w).pk, "action": "accept"}


EXPECTATIONS = {
    "referrals:inbox": Expect(ok=REFERRAL_STAFF),
    "referrals:outbox": Expect(ok=REFERRAL_STAFF),
    "referrals:directory": Expect(ok=EVERYONE),
    "referrals:hsds": Expect(ok=EVERYONE),
    "referrals:send": Expect(kwargs=_case_kwargs, ok=EPC_CASE_STAFF),
    "referrals:detail": Expect(kwargs=_referral_kwargs, ok=BOTH_SIDES),
    "referrals:act": Expect(
        method="post", kwargs=_accept_kwargs, ok={"sheila"}, ok_status=302, special=SENDER_CANNOT_ACCEPT
    ),
    # Only the support provider asks from the referral (the sender's staff use the case page).
    "referrals:reconsideration": Expect(
        method="post", kwargs=_negative_referral_kwargs, data=_reconsideration, ok={"sheila"}, ok_status=302
    ),
    "api:referral-reconsideration": Expect(
        method="post",
        kwargs=_negative_referral_kwargs,
        data=_reconsideration,
        ok={"sheila"},
        api=True,
        format="json",
    ),
    "api:referral-list": Expect(ok=REFERRAL_STAFF, api=True),
    "api:referral-detail": Expect(kwargs=_referral_kwargs, ok=BOTH_SIDES, api=True),
    "api:referral-action": Expect(
        method="post",
        kwargs=_accept_kwargs,
        ok={"sheila"},
        api=True,
        format="json",
        special=SENDER_CANNOT_ACCEPT,
    ),
}
