"""Who gets what on the care URLs (see himaya/access/matrix.py for the format).

`care_setup(w)` builds, inside each role's rolled-back savepoint and through the services, an EPC
child's case (so no consent gate) with a goal, an action the EPC delivers itself, an action the
shelter delivers through a referral, a labour claim against the employer recorded at intake, and
a local-integration exit ten days ago with its follow-ups. Only the EPC's case staff work on it;
the shelter's service provider (sheila) sees and works only the action it delivers.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from himaya.access.matrix import Expect

EPC_CARE = {"alice", "bob", "carol", "sam"}
REPORTERS = {"adam", "carol", "sam"}
# Holders of a delivery role (case worker, supervisor, service provider) at any agency.
DELIVERERS = {"bob", "sam", "sheila", "emil", "ivan"}


def care_setup(w: Any, *, exited: bool = True) -> Any:
    """The care world for one request (also used by the app's tests)."""
    from himaya.assistance import services
    from himaya.cases.models import InvolvedParty, PartyRole
    from himaya.cases.services import case_open

    today = timezone.localdate()
    case = case_open(
        actor=w.alice,
        person=w.person,
        category="trafficking_suspicion",
        channel="hotline",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        is_child=True,
    )
    employer = InvolvedParty.objects.create(case=case, role=PartyRole.EMPLOYER, organisation="Gulf Star Cleaning")
    goal = services.care_goal_add(actor=w.alice, case=case, description="Recover health and safety")
    own = services.care_action_add(
        actor=w.alice,
        goal=goal,
        type="medical",
        responsible_agency=w.cast.agencies["epc"],
        due_on=today + dt.timedelta(days=7),
    )
    shelter = services.care_action_add(
        actor=w.alice,
        goal=goal,
        type="SocialCare",
        responsible_agency=w.cast.agencies["shelter"],
        due_on=today + dt.timedelta(days=3),
        service_type="shelter",
        description="Safe accommodation",
    )
    claim = services.labour_claim_add(
        actor=w.alice, case=case, party=employer, kind="unpaid_wages", amount="450.500", currency="BHD"
    )
    follow_up = None
    if exited:
        services.exit_plan_save(
            actor=w.alice, case=case, pathway="local_integration", exited_on=today - dt.timedelta(days=10)
        )
        follow_up = case.follow_ups.order_by("due_on").first()
    state = SimpleNamespace(
        case=case, employer=employer, goal=goal, own=own, shelter=shelter, claim=claim, follow_up=follow_up
    )
    w.care = state
    return state


def _case(w: Any) -> dict[str, Any]:
    return {"case_id": care_setup(w).case.pk}


def _case_for_travel(w: Any) -> dict[str, Any]:
    from himaya.agencies.models import AgencyService

    AgencyService.objects.get_or_create(agency=w.cast.agencies["embassy_ph"], service_type="travel_documents")
    return {"case_id": care_setup(w, exited=False).case.pk}


def _action_data(w: Any) -> dict[str, Any]:
    return {
        "action-goal": w.care.goal.pk,
        "action-type": "psychosocial",
        "action-responsible_agency": w.cast.agencies["epc"].pk,
        "action-due_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "action-urgency": "normal",
        "action-description": "Weekly counselling",
    }


def _today() -> str:
    return timezone.localdate().isoformat()


def _hearing_kwargs(w: Any) -> dict[str, Any]:
    from himaya.assistance import services

    s = care_setup(w)
    s.hearing = services.court_appointment_add(
        actor=w.bob, case=s.case, at=timezone.now() - dt.timedelta(hours=1), court="High Civil Court"
    )
    return {"pk": s.hearing.pk}


def _award_kwargs(w: Any) -> dict[str, Any]:
    from himaya.assistance import services

    s = care_setup(w)
    s.award = services.compensation_record(
        actor=w.bob, case=s.case, awarded_amount="300", currency="BHD", awarded_on=timezone.localdate()
    )
    return {"pk": s.award.pk}


EXPECTATIONS = {
    "assistance:care": Expect(kwargs=_case, ok=EPC_CARE),
    "assistance:needs_new": Expect(kwargs=_case, ok=EPC_CARE),
    "assistance:summary_pdf": Expect(kwargs=_case, ok=EPC_CARE),
    "assistance:goal_add": Expect(
        method="post", kwargs=_case, data=lambda w: {"goal-description": "Contact family"}, ok=EPC_CARE, ok_status=302
    ),
    "assistance:action_add": Expect(method="post", kwargs=_case, data=_action_data, ok=EPC_CARE, ok_status=302),
    "assistance:exit": Expect(
        method="post",
        kwargs=_case,
        data=lambda w: {"exit-pathway": "local_integration", "exit-integration_plan": "Rent a room"},
        ok=EPC_CARE,
        ok_status=302,
    ),
    "assistance:travel_document": Expect(
        method="post", kwargs=_case_for_travel, data=lambda w: {"travel-note": ""}, ok=EPC_CARE, ok_status=302
    ),
    "assistance:legal": Expect(kwargs=_case, ok=EPC_CARE),
    "assistance:legal_add": Expect(
        method="post",
        kwargs=lambda w: {**_case(w), "what": "counselling"},
        data=lambda w: {
            "counsel-held_on": _today(),
            "counsel-language": "tl",
            "counsel-summary": "Rights to unpaid wages explained.",
        },
        ok=EPC_CARE,
        ok_status=302,
    ),
    "assistance:action_status": Expect(
        method="post",
        kwargs=lambda w: {"pk": care_setup(w).shelter.pk},
        data=lambda w: {"status": "in_progress"},
        ok=EPC_CARE | {"sheila"},
        ok_status=302,
    ),
    "assistance:service_log": Expect(kwargs=lambda w: {"pk": care_setup(w).shelter.pk}, ok=EPC_CARE | {"sheila"}),
    "assistance:claim_status": Expect(
        method="post",
        kwargs=lambda w: {"pk": care_setup(w).claim.pk},
        data=lambda w: {"status": "filed"},
        ok=EPC_CARE,
        ok_status=302,
    ),
    "assistance:claim_document": Expect(
        method="post", kwargs=lambda w: {"pk": care_setup(w).claim.pk}, ok=EPC_CARE, ok_status=302
    ),
    "assistance:follow_up": Expect(
        method="post",
        kwargs=lambda w: {"pk": care_setup(w).follow_up.pk},
        data=lambda w: {"fu-done_on": _today(), "fu-outcome": "safe"},
        ok=EPC_CARE,
        ok_status=302,
    ),
    "assistance:court_update": Expect(
        method="post",
        kwargs=_hearing_kwargs,
        data=lambda w: {f"hearing{w.care.hearing.pk}-status": "cancelled"},
        ok=EPC_CARE,
        ok_status=302,
    ),
    "assistance:compensation_update": Expect(
        method="post",
        kwargs=_award_kwargs,
        data=lambda w: {f"award{w.care.award.pk}-paid_amount": "100", f"award{w.care.award.pk}-paid_on": _today()},
        ok=EPC_CARE,
        ok_status=302,
    ),
    "assistance:deliveries": Expect(ok=DELIVERERS),
    "assistance:referral_needs": Expect(
        kwargs=lambda w: {"referral_id": care_setup(w).shelter.referral_id}, ok={"sheila"}
    ),
    "assistance:non_removal": Expect(ok={"ivan"}, query="?nr-document=P1234567"),
    "assistance:returns": Expect(ok={"emil"}),
    "assistance:reports": Expect(ok=REPORTERS),
}


def _case_json(w: Any) -> dict[str, Any]:
    return {"case_id": care_setup(w).case.pk}


def _needs_body(w: Any) -> dict[str, Any]:
    from himaya.assistance import needs

    return {
        "occasion": "review",
        "assessed_on": _today(),
        "ratings": [{"domain": d, "level": 1} for d in needs.DOMAINS],
    }


def _api(name: str, **kwargs: Any) -> tuple[str, Expect]:
    kwargs.setdefault("ok", EPC_CARE)
    if kwargs.get("method", "get") != "get":
        kwargs.setdefault("format", "json")
    return f"api:assistance-{name}", Expect(api=True, **kwargs)


EXPECTATIONS.update(
    dict(
        [
            _api("needs", kwargs=_case_json),
            _api("care-plan", kwargs=_case_json),
            _api(
                "goals",
                method="post",
                kwargs=_case_json,
                data=lambda w: {"description": "Find work"},
                ok_status=201,
            ),
            _api(
                "actions",
                method="post",
                kwargs=_case_json,
                data=lambda w: {
                    "goal": w.care.goal.pk,
                    "type": "RightsBasedTraining",
                    "responsible_agency": w.cast.agencies["epc"].pk,
                    "due_on": _today(),
                },
                ok_status=201,
            ),
            _api(
                "action-status",
                method="post",
                kwargs=lambda w: {"pk": care_setup(w).shelter.pk},
                data=lambda w: {"status": "in_progress"},
                ok=EPC_CARE | {"sheila"},
            ),
            _api("action-services", kwargs=lambda w: {"pk": care_setup(w).shelter.pk}, ok=EPC_CARE | {"sheila"}),
            _api("legal", kwargs=_case_json),
            _api(
                "counselling",
                method="post",
                kwargs=_case_json,
                data=lambda w: {"held_on": _today(), "language": "tl", "summary": "Explained the labour case."},
                ok_status=201,
            ),
            _api(
                "claims",
                method="post",
                kwargs=_case_json,
                data=lambda w: {
                    "party": w.care.employer.pk,
                    "kind": "recruitment_fees",
                    "amount": "800",
                    "currency": "PHP",
                },
                ok_status=201,
            ),
            _api(
                "claim-status",
                method="post",
                kwargs=lambda w: {"pk": care_setup(w).claim.pk},
                data=lambda w: {"status": "filed"},
            ),
            _api(
                "court",
                method="post",
                kwargs=_case_json,
                data=lambda w: {"at": timezone.now().isoformat(), "court": "High Civil Court"},
                ok_status=201,
            ),
            _api(
                "compensation",
                method="post",
                kwargs=_case_json,
                data=lambda w: {"awarded_amount": "300", "currency": "BHD", "awarded_on": _today()},
                ok_status=201,
            ),
            _api("exit", kwargs=_case_json),
            _api(
                "travel",
                method="post",
                kwargs=_case_for_travel,
                data=lambda w: {},
                ok_status=201,
            ),
            _api("closure", kwargs=_case_json),
            _api(
                "court-update",
                method="post",
                kwargs=_hearing_kwargs,
                data=lambda w: {"status": "held", "outcome": "Employer ordered to pay"},
            ),
            _api(
                "compensation-update",
                method="post",
                kwargs=_award_kwargs,
                data=lambda w: {"paid_amount": "300", "paid_on": _today()},
            ),
            _api(
                "follow-up",
                method="post",
                kwargs=lambda w: {"pk": care_setup(w).follow_up.pk},
                data=lambda w: {"done_on": _today(), "outcome": "needs_support"},
            ),
            _api("non-removal", ok={"ivan"}, query="?document=P1234567"),
            _api("returns", ok={"emil"}),
            _api("reports", ok=REPORTERS),
        ]
    )
)
