"""Demo cases: a realistic spread of cases, consents, screenings and referrals, through the services.

Every row is created by the real services (`case_open`, `case_transition`, `decision_record`,
`consent_record`, `screening_record`, `referral_*`), so it is validated, audited and on the
timeline exactly like a user's action. Afterwards the timestamps of the fixture rows (never the
audit events) are moved back so the cases spread over the last six months.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, AgencyService, AgencyType
from himaya.cases.models import Case, Category, Channel, Decision, Encounter, TimelineEntry
from himaya.clocks.workflow import Event
from himaya.consent.models import Consent, Purpose
from himaya.people.models import Person
from himaya.referrals.models import Referral, ReferralEvent, ReferralState
from himaya.screening.models import Screening

DEFAULT_CASES = 60
ADULT_VICTIM = ["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"]
NO_MEANS = ["EX01", "EX02", "DR02"]
NOT_INDICATED = ["DR02"]
CHILD_VICTIM = ["DR01", "DR02", "EX01", "EX02"]

CHANNELS = {
    Channel.HOTLINE: 30,
    Channel.WALK_IN: 25,
    Channel.LABOUR_INSPECTION: 12,
    Channel.POLICE: 10,
    Channel.NGO: 8,
    Channel.EMBASSY: 8,
    Channel.HEALTH: 4,
    Channel.SELF_REFERRAL: 3,
}
# (path, weight): how far along the workflow each case gets.
PATHS = {
    "identification": 5,
    "labour": 10,
    "labour_closed": 6,
    "not_trafficking": 2,
    "documentation": 4,
    "rg_pending": 6,
    "rg_overdue": 3,
    "rg_negative": 2,
    "recovery": 7,
    "cg_pending": 3,
    "protection": 5,
    "reintegration": 3,
    "return": 3,
    "closed": 3,
}
# How long ago cases on each path were opened (days): open cases are recent, closed ones older.
AGE_DAYS = {
    "anonymous": (5, 120),
    "identification": (1, 6),
    "labour": (5, 90),
    "labour_closed": (30, 180),
    "not_trafficking": (10, 120),
    "documentation": (2, 10),
    "rg_pending": (1, 3),
    "rg_overdue": (14, 25),
    "rg_negative": (20, 60),
    "recovery": (10, 40),
    "cg_pending": (50, 90),
    "protection": (60, 120),
    "reintegration": (90, 150),
    "return": (90, 150),
    "closed": (120, 180),
}
SERVICE_WANTED = ["shelter", "medical", "legal_aid", "interpretation", "psychosocial"]
REFERRAL_ENDS = ["sent", "accepted", "in_progress", "completed", "completed", "declined", "cancelled"]
OUTCOMES = {
    "shelter": "Accommodated at the shelter; safe and settled.",
    "medical": "Examined and treated; follow-up appointment given.",
    "legal_aid": "Lawyer assigned; claim for unpaid wages filed.",
    "interpretation": "Interpreter provided for the interview.",
    "psychosocial": "Counselling sessions completed.",
    "travel_documents": "Emergency travel document issued.",
}
REASONS = "Indicators of recruitment by deception and withheld wages are credible and consistent."


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _staff(agency: Agency, *roles: Role) -> User | None:
    return (
        User.objects.filter(agency=agency, is_active=True, roles__role__in=[r.value for r in roles])
        .order_by("pk")
        .first()
    )


def _provider(service: str, exclude: int) -> tuple[Agency, User] | None:
    for offer in AgencyService.objects.filter(service_type=service, is_active=True).select_related("agency"):
        if offer.agency_id == exclude or not offer.agency.is_active:
            continue
        staff = _staff(offer.agency, Role.SERVICE_PROVIDER, Role.CASE_WORKER, Role.FIRST_RESPONDER)
        if staff is not None:
            return offer.agency, staff
    return None


def _category(path: str, rng: random.Random) -> str:
    if path.startswith("labour"):
        return Category.LABOUR_DISPUTE
    if path in ("not_trafficking", "identification"):
        return rng.choice([Category.LABOUR_DISPUTE, Category.LABOUR_DISPUTE, Category.ABUSE])
    return rng.choice([Category.ABUSE, Category.ABUSE, Category.TRAFFICKING_SUSPICION])


def demo_cases(*, seed: int, count: int = DEFAULT_CASES) -> int:
    """Create up to `count` demo cases (nothing when seeded cases already exist). Returns how many."""
    from himaya.cases.services import case_open, case_transition, decision_record
    from himaya.consent.services import consent_record
    from himaya.referrals.services import (
        referral_accept,
        referral_cancel,
        referral_complete,
        referral_decline,
        referral_send,
        referral_start,
    )
    from himaya.screening.services import screening_record

    if count <= 0 or Case.objects.exists():
        return 0
    rng = random.Random(f"{seed}:cases")  # fictional data, not security
    coordinator = User.objects.filter(roles__role=Role.NRM_COORDINATOR.value, is_active=True).order_by("pk").first()
    openers: list[tuple[User, list[Person]]] = []
    for someone in Person.objects.select_related("owner_agency").order_by("pk"):
        responder = _staff(someone.owner_agency, Role.FIRST_RESPONDER)
        if responder is None:
            continue
        for entry in openers:
            if entry[0].pk == responder.pk:
                entry[1].append(someone)
                break
        else:
            openers.append((responder, [someone]))
    pool: list[tuple[User, Person | None]] = [(u, p) for u, people in openers for p in people]
    rng.shuffle(pool)
    if openers:
        # Two anonymous notifications: adults who did not consent; no person is recorded.
        pool = [(openers[0][0], None), (openers[0][0], None), *pool]
    created = 0
    for actor, person in pool[:count]:
        path = "anonymous" if person is None else _pick(rng, PATHS)
        if coordinator is None and path not in ("identification", "labour", "documentation", "anonymous"):
            path = "documentation"
        is_child = person is not None and person.is_minor()
        low, high = AGE_DAYS[path]
        opened_at = timezone.now() - dt.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 10))
        began = timezone.now()
        urgent = rng.random() < 0.1
        case = case_open(
            actor=actor,
            person=person,
            category=Category.TRAFFICKING_SUSPICION if person is None else _category(path, rng),
            channel=_pick(rng, CHANNELS),
            occurred_at=opened_at,
            is_child=is_child,
            industry=rng.choice(["T", "T", "F", "I", "G"]),
            exploitation_types=["ForcedLabour"] if rng.random() < 0.7 else ["Servitude"],
            safety_risk=urgent,
            medical_urgent=urgent and rng.random() < 0.5,
            notes="Contact recorded by the duty officer.",
        )
        created += 1
        if path == "anonymous":
            case_transition(actor=actor, case=case, event=Event.CONSENT_REFUSED)
            _backdate(case, opened_at, began)
            continue
        assert person is not None
        if path.startswith("labour"):
            case_transition(actor=actor, case=case, event=Event.ROUTE_LABOUR)
            if path == "labour_closed":
                case_transition(actor=actor, case=case, event=Event.CLOSE, reasons="Wages paid after mediation.")
            _backdate(case, opened_at, began)
            continue
        if path == "not_trafficking":
            screening_record(actor=actor, case=case, profile=_profile(is_child), indicators=NOT_INDICATED)
            case_transition(actor=actor, case=case, event=Event.ROUTE_NOT_TIP)
            _backdate(case, opened_at, began)
            continue
        if path == "identification":
            if rng.random() < 0.5:
                screening_record(actor=actor, case=case, profile=_profile(is_child), indicators=NO_MEANS)
            _backdate(case, opened_at, began)
            continue
        # Most adults consent to referral to services; fewer to sharing with their embassy.
        consent_record(
            actor=actor,
            person=person,
            case=case,
            purpose=Purpose.REFERRAL_TO_SERVICES,
            given=True,
            language="en",
            interpreter_used=rng.random() < 0.5,
        )
        embassy = Agency.objects.filter(type=AgencyType.EMBASSY, country=person.nationality, is_active=True).first()
        if embassy is not None:
            consent_record(
                actor=actor,
                person=person,
                case=case,
                purpose=Purpose.SHARE_EMBASSY,
                recipient_agency=embassy,
                given=rng.random() < 0.4,
                language="en",
            )
        indicators = CHILD_VICTIM if is_child else (ADULT_VICTIM if rng.random() < 0.8 else NO_MEANS)
        screening_record(actor=actor, case=case, profile=_profile(is_child), indicators=indicators)
        case = case_transition(actor=actor, case=case, event=Event.DOCUMENT)
        _referrals(
            rng,
            actor,
            case,
            embassy,
            SERVICE_WANTED,
            send=referral_send,
            accept=referral_accept,
            start=referral_start,
            complete=referral_complete,
            decline=referral_decline,
            cancel=referral_cancel,
        )
        if path == "documentation":
            _backdate(case, opened_at, began)
            continue
        case = case_transition(actor=actor, case=case, event=Event.REFER)
        if path in ("rg_pending", "rg_overdue"):
            if path == "rg_overdue":
                Case.objects.filter(pk=case.pk).update(
                    rg_due=timezone.localdate() - dt.timedelta(days=rng.randint(1, 9))
                )
            _backdate(case, opened_at, began)
            continue
        assert coordinator is not None
        if path == "rg_negative":
            decision_record(
                actor=coordinator,
                case=case,
                kind="rg",
                outcome="negative",
                reasons="The account does not show any of the means of trafficking.",
                deciding_org=_org(),
            )
            _backdate(case, opened_at, began)
            continue
        decision_record(
            actor=coordinator,
            case=case,
            kind="rg",
            outcome="positive",
            reasons=REASONS,
            deciding_org=_org(),
        )
        if path == "recovery":
            _backdate(case, opened_at, began)
            continue
        # Fixture shortcut: the recovery period of a back-dated case is already over.
        Case.objects.filter(pk=case.pk).update(recovery_ends=timezone.localdate() - dt.timedelta(days=1))
        case.refresh_from_db()
        if path == "cg_pending":
            case_transition(actor=coordinator, case=case, event=Event.START_CG)
            _backdate(case, opened_at, began)
            continue
        decision_record(
            actor=coordinator,
            case=case,
            kind="cg",
            outcome="positive",
            reasons=REASONS,
            deciding_org=_org(),
        )
        case.refresh_from_db()
        if path in ("reintegration", "return", "closed"):
            event = Event.RETURN_HOME if path == "return" else Event.REINTEGRATE
            case = case_transition(actor=actor, case=case, event=event)
            if path == "closed":
                from himaya.assistance.demo import prepare_closure  # the closure criteria (himaya/assistance)

                prepare_closure(actor=actor, case=case, seed=seed)
                case_transition(actor=actor, case=case, event=Event.CLOSE, reasons="Settled with a new employer.")
        _backdate(case, opened_at, began)
    if openers:
        _drafts(rng, openers[0][0])
    return created


def _drafts(rng: random.Random, actor: User) -> None:
    """Two unfinished intakes on the first responder's home page (the wizard's first step saved)."""
    from himaya.intake.services import draft_create, draft_save_step

    for hours, channel, place in ((3, Channel.HOTLINE, ""), (26, Channel.WALK_IN, "Protection centre, Manama")):
        draft = draft_create(actor=actor)
        when = timezone.localtime() - dt.timedelta(hours=hours, minutes=rng.randint(0, 50))
        draft_save_step(
            actor=actor,
            draft=draft,
            step=1,
            data={
                "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
                "location": place,
                "channel": channel.value,
                "interpreter_language": "",
            },
        )


def _profile(is_child: bool) -> str:
    return "child-labour" if is_child else "adult-labour"


def _org() -> str:
    from himaya.cases.models import DecidingOrg

    return DecidingOrg.NON_POLICE_GOVERNMENT.value


def _referrals(
    rng: random.Random, actor: User, case: Case, embassy: Agency | None, services: Sequence[str], **do: Any
) -> None:
    """One to three referrals, each driven to a state (every state appears across the demo)."""
    wanted = rng.sample(list(services), k=rng.randint(1, 3))
    targets: list[tuple[str, Agency, User]] = []
    for service in wanted:
        found = _provider(service, exclude=case.owner_agency_id)
        if found is not None:
            targets.append((service, *found))
    if embassy is not None and rng.random() < 0.3:
        staff = _staff(embassy, Role.CASE_WORKER, Role.FIRST_RESPONDER, Role.SERVICE_PROVIDER)
        from himaya.consent.selectors import consent_active
        from himaya.referrals.services import consent_purpose

        purpose = consent_purpose(to_agency=embassy, service_type="travel_documents")
        if staff is not None and consent_active(person=case.person, purpose=purpose, recipient_agency=embassy):
            targets.append(("travel_documents", embassy, staff))
    for service, agency, staff in targets:
        referral = do["send"](
            actor=actor,
            case=case,
            to_agency=agency,
            service_type=service,
            urgency="urgent" if case.safety_risk else rng.choice(["normal", "normal", "high"]),
            reason=f"Needs {service.replace('_', ' ')}.",
        )
        end = rng.choice(REFERRAL_ENDS)
        if end == "sent":
            continue
        if end == "declined":
            do["decline"](actor=staff, referral=referral, reason="No capacity this week; try another provider.")
            continue
        if end == "cancelled":
            do["cancel"](actor=actor, referral=referral, reason="The person found help elsewhere.")
            continue
        referral = do["accept"](actor=staff, referral=referral)
        if end == "accepted":
            continue
        referral = do["start"](actor=staff, referral=referral)
        if end == "completed":
            do["complete"](actor=staff, referral=referral, outcome=OUTCOMES.get(service, "Service delivered."))


def _backdate(case: Case, opened_at: dt.datetime, began: dt.datetime) -> None:
    """Spread the fixture rows of a case from `opened_at` to now (audit events are never touched).

    The services ran just now, between `began` and now; each timestamp is mapped linearly onto
    the case's life (so the order of steps is kept), and the legal dates set by a step (referred
    on, RG due, recovery period, CG due, move-on) move back with that step.
    """
    now = timezone.now()
    real = max((now - began).total_seconds(), 1e-6)
    life = (now - opened_at) * 0.9

    def moved(when: dt.datetime) -> dt.datetime:
        fraction = min(max((when - began).total_seconds() / real, 0.0), 1.0)
        return opened_at + life * fraction

    def days_back(when: dt.datetime) -> dt.timedelta:
        return dt.timedelta(days=(timezone.localdate(when) - timezone.localdate(moved(when))).days)

    case = Case.objects.get(pk=case.pk)
    steps = {e.summary: e.at for e in TimelineEntry.objects.filter(case=case, kind__in=["stage", "decision"])}
    changes: dict[str, Any] = {"created_at": opened_at}
    refer_at = steps.get("refer")
    if refer_at is not None:
        for name in ("referred_on", "rg_due"):
            if getattr(case, name) is not None:
                changes[name] = getattr(case, name) - days_back(refer_at)
    rg_at = steps.get("rg:positive")
    if rg_at is not None:
        for name in ("recovery_ends", "cg_due"):
            if getattr(case, name) is not None:
                changes[name] = getattr(case, name) - days_back(rg_at)
    cg_at = steps.get("cg:positive")
    if cg_at is not None and case.move_on_ends is not None:
        changes["move_on_ends"] = case.move_on_ends - days_back(cg_at)
    if case.closed_at is not None:
        changes["closed_at"] = moved(case.closed_at)
    Case.objects.filter(pk=case.pk).update(**changes)
    Encounter.objects.filter(case=case).update(occurred_at=opened_at)
    for entry in TimelineEntry.objects.filter(case=case):
        TimelineEntry.objects.filter(pk=entry.pk).update(at=moved(entry.at))
    for decision in Decision.objects.filter(case=case):
        Decision.objects.filter(pk=decision.pk).update(decided_at=moved(decision.decided_at))
    for consent in Consent.objects.filter(case=case):
        Consent.objects.filter(pk=consent.pk).update(recorded_at=moved(consent.recorded_at))
    for screening in Screening.objects.filter(case=case):
        Screening.objects.filter(pk=screening.pk).update(performed_at=moved(screening.performed_at))
    for referral in Referral.objects.filter(case=case):
        if referral.state == ReferralState.SENT and referral.pk % 2 == 0:
            continue  # some stay fresh, so inboxes show work that is not yet overdue
        sent = moved(referral.sent_at)
        values: dict[str, Any] = {"sent_at": sent, "answer_due_at": sent + (referral.answer_due_at - referral.sent_at)}
        for name in ("answered_at", "closed_at"):
            value = getattr(referral, name)
            if value is not None:
                values[name] = moved(value)
        Referral.objects.filter(pk=referral.pk).update(**values)
        for event in ReferralEvent.objects.filter(referral=referral):
            ReferralEvent.objects.filter(pk=event.pk).update(at=moved(event.at))
