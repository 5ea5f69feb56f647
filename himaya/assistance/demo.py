"""Demo care data: needs assessments (repeated, showing change), care plans with actions and services
delivered, legal claims against the employer, and the way out with follow-ups.

Everything goes through the real services, so it is validated, audited and on the case timelines.
`demo_care` runs after the demo cases (himaya/demo/services.py) and adds nothing once any needs
assessment exists. `prepare_closure` gives a case leaving through a new employer what its closure
criteria ask (used by the demo before it closes such a case).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.assistance import needs, services
from himaya.assistance.models import FollowUp, NeedsAssessment
from himaya.audit.services import audit_record
from himaya.cases.models import Case, InvolvedParty, PartyRole
from himaya.clocks.workflow import Stage

EMPLOYERS = ("Al Noor Cleaning Services WLL", "Gulf Pearl Manpower", "Seef Home Care", "Desert Rose Contracting")
RECRUITERS = ("Sunrise Overseas Recruitment", "Blue Horizon Travel & Tours", "Lotus Placement Agency")
CARE_STAGES = (Stage.PROTECTION_ASSISTANCE.value, Stage.REINTEGRATION.value, Stage.VOLUNTARY_RETURN.value)


def _worker(case: Case) -> User | None:
    for role in (Role.CASE_WORKER, Role.FIRST_RESPONDER):
        user = (
            User.objects.filter(agency_id=case.owner_agency_id, is_active=True, roles__role=role.value)
            .order_by("pk")
            .first()
        )
        if user is not None:
            return user
    return None


def _levels(rng: random.Random, *, worse_by: int = 0) -> dict[str, tuple[int, str]]:
    return {d: (max(0, min(4, rng.randint(1, 4) - worse_by)), "") for d in needs.DOMAINS}


def _parties(case: Case, actor: User, rng: random.Random) -> InvolvedParty:
    employer = InvolvedParty.objects.create(case=case, role=PartyRole.EMPLOYER, organisation=rng.choice(EMPLOYERS))
    InvolvedParty.objects.create(case=case, role=PartyRole.RECRUITER, organisation=rng.choice(RECRUITERS))
    audit_record(actor=actor, action="cases.party.create", obj=case, fields=["parties", "organisation"])
    return employer


def prepare_closure(*, actor: Any, case: Case, seed: int = 0) -> None:
    """A new-employer exit 200 days ago with its work-permit transfer and every follow-up done."""
    rng = random.Random(f"{seed}:closure:{case.pk}")  # fictional data, not security
    left = timezone.localdate() - dt.timedelta(days=200)
    services.exit_plan_save(
        actor=actor,
        case=case,
        pathway="employer_transfer",
        work_permit_transferred_on=left,
        new_employer=rng.choice(EMPLOYERS),
        exited_on=left,
    )
    for follow_up in FollowUp.objects.filter(case=case).order_by("due_on"):
        services.follow_up_record(actor=actor, follow_up=follow_up, done_on=follow_up.due_on, outcome="safe")


def demo_care(*, seed: int, limit: int = 20) -> int:
    """Care data for up to `limit` cases in protection, reintegration or return. Returns how many."""
    if NeedsAssessment.objects.exists():
        return 0
    today = timezone.localdate()
    done = 0
    cases = Case.objects.filter(stage__in=CARE_STAGES, person__isnull=False).order_by("pk")[:limit]
    for case in cases:
        actor = _worker(case)
        if actor is None:
            continue
        rng = random.Random(f"{seed}:care:{case.pk}")  # fictional data, not security
        first = _levels(rng)
        services.needs_assessment_record(
            actor=actor, case=case, occasion="first_contact", assessed_on=today - dt.timedelta(days=40), ratings=first
        )
        services.needs_assessment_record(
            actor=actor,
            case=case,
            occasion="review",
            assessed_on=today - dt.timedelta(days=5),
            ratings={d: (max(0, level - rng.randint(0, 2)), "") for d, (level, _note) in first.items()},
        )
        goal = services.care_goal_add(actor=actor, case=case, description="Recover health and feel safe")
        medical = services.care_action_add(
            actor=actor,
            goal=goal,
            type="medical",
            responsible_agency=case.owner_agency,
            due_on=today + dt.timedelta(days=rng.randint(0, 20)),
            description="General check-up and follow-up appointments",
        )
        services.service_log(
            actor=actor,
            action=medical,
            delivered_at=timezone.now() - dt.timedelta(days=rng.randint(1, 20)),
            duration_minutes=rng.choice([30, 45, 60]),
            language=rng.choice(["ar", "en", "hi", "tl"]),
            interpreter_used=rng.random() < 0.5,
            outcome="Seen by the clinic; medication given.",
        )
        psychosocial = services.care_action_add(
            actor=actor,
            goal=goal,
            type="psychosocial",
            responsible_agency=case.owner_agency,
            due_on=today + dt.timedelta(days=rng.randint(1, 30)),
            description="Weekly counselling sessions",
        )
        if rng.random() < 0.4:
            services.care_action_set_status(actor=actor, action=psychosocial, status="done")
        employer = _parties(case, actor, rng)
        services.labour_claim_add(
            actor=actor,
            case=case,
            party=employer,
            kind="unpaid_wages",
            amount=f"{rng.randint(3, 18) * 55}.500",
            currency="BHD",
            period_from=today - dt.timedelta(days=400),
            period_to=today - dt.timedelta(days=120),
        )
        services.legal_counselling_record(
            actor=actor,
            case=case,
            held_on=today - dt.timedelta(days=rng.randint(2, 30)),
            language=rng.choice(["ar", "en"]),
            summary="Explained the labour claim and the court process.",
        )
        if case.stage == Stage.VOLUNTARY_RETURN.value:
            # Without an embassy-sharing consent (or an embassy) the plan goes on without a travel document.
            with contextlib.suppress(ValidationError):
                services.travel_document_request(actor=actor, case=case)
            services.exit_plan_save(
                actor=actor,
                case=case,
                pathway="voluntary_return",
                exit_clearance_on=today - dt.timedelta(days=rng.randint(1, 5)),
                ticket_booked_on=today - dt.timedelta(days=1),
                escort_arranged=rng.random() < 0.5,
                reception_organisation="IOM country office",
                reintegration_plan="Small business grant and family mediation",
            )
        elif case.stage == Stage.REINTEGRATION.value:
            services.exit_plan_save(
                actor=actor,
                case=case,
                pathway="local_integration",
                integration_plan="Shared housing and a job-search plan",
                exited_on=today - dt.timedelta(days=rng.randint(40, 100)),
            )
        done += 1
    return done
