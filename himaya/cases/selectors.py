"""Reads of cases, always starting from the access policy; plus the small read-only helpers the
case services need (consent to refer, open referrals, the jurisdiction's calendar)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from himaya.access import policy
from himaya.cases.models import Case, TimelineEntry
from himaya.cases.rules import DECIDE, TRANSITION
from himaya.clocks.business_calendar import BusinessCalendar, load_calendar
from himaya.clocks.workflow import DECISION_EVENTS, Event, Stage, allowed_events
from himaya.core.pagination import capped_count

RG_CLOCK_STAGES = (Stage.RG_PENDING.value,)
OVERVIEW_ROWS = 25  # rows per list on the coordinator overview
CG_CLOCK_STAGES = (Stage.RECOVERY_PERIOD.value, Stage.CG_PENDING.value)


def jurisdiction() -> str:
    return str(getattr(settings, "HIMAYA_JURISDICTION", "BH"))


@lru_cache(maxsize=8)
def _calendar(code: str) -> BusinessCalendar:
    return load_calendar(code)


def calendar() -> BusinessCalendar:
    """The jurisdiction's business calendar (settings.HIMAYA_JURISDICTION, default Bahrain)."""
    return _calendar(jurisdiction())


def today() -> dt.date:
    return timezone.localdate()


def has_referral_consent(case: Case) -> bool:
    """Whether the case's person has an active consent to be referred to services (the consent
    app's gate; children are not asked: callers check `case.is_child` first)."""
    if case.person_id is None:
        return False
    from himaya.consent.models import Purpose
    from himaya.consent.selectors import consent_active

    return consent_active(person=case.person_id, purpose=Purpose.REFERRAL_TO_SERVICES)


def has_open_referral_to(case: Case, agency_id: int | None) -> bool:
    """Whether the agency holds an open referral on this case (it is then a support provider)."""
    if agency_id is None:
        return False
    from himaya.referrals.models import OPEN_STATES, Referral

    return Referral.objects.filter(case_id=case.pk, to_agency_id=agency_id, state__in=OPEN_STATES).exists()


# --- lists ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    category: str = ""
    urgent: bool = False
    overdue: bool = False
    mine: bool = False


def overdue_cutoff(on: dt.date | None = None) -> dt.date:
    """A due date is overdue when it is earlier than this: the last working day on or before `on`.

    So a decision due on a Thursday is not overdue over the weekend, only from the next working day.
    """
    day = on or today()
    cal = calendar()
    for _ in range(366):
        if cal.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return day


def overdue_q(on: dt.date | None = None) -> Q:
    """Cases whose RG or CG decision is overdue (working-day aware)."""
    cutoff = overdue_cutoff(on)
    return Q(stage__in=RG_CLOCK_STAGES, rg_due__lt=cutoff) | Q(stage__in=CG_CLOCK_STAGES, cg_due__lt=cutoff)


def case_list(*, actor: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Cases the actor may see, narrowed by the list filters."""
    f = filters or CaseFilters()
    qs = policy.visible(actor, Case)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.urgent:
        qs = qs.filter(Q(safety_risk=True) | Q(medical_urgent=True) | Q(child_present=True))
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.mine:
        qs = qs.filter(assigned_to_id=actor.pk)
    return qs.select_related("owner_agency", "assigned_to").order_by("-created_at", "-pk")


def case_get(*, actor: Any, pk: Any, audit: bool = True) -> Case:
    """One case, or Http404 when outside the actor's scope. The read is audited (actions audit themselves)."""
    return policy.get_for(actor, Case, pk, audit=audit, related=("person", "owner_agency", "assigned_to"))


def may_use_case_pages(actor: Any) -> bool:
    return policy.scope_q(actor, Case) is not None


def timeline(*, case: Case) -> list[TimelineEntry]:
    """The case's timeline, oldest first (the caller has already loaded the case through the policy)."""
    return list(TimelineEntry.objects.filter(case=case).select_related("actor").order_by("at", "pk"))


# --- clocks -----------------------------------------------------------------------------------
def working_days_left(due: dt.date | None, on: dt.date | None = None) -> int | None:
    """Working days from `on` (today) until `due`: negative once overdue, None without a due date."""
    if due is None:
        return None
    return calendar().working_days_between(on or today(), due)


def is_overdue(due: dt.date | None, on: dt.date | None = None) -> bool:
    """Overdue once a working day has begun after the due date (weekends and holidays wait)."""
    return due is not None and due < overdue_cutoff(on)


@dataclass(frozen=True)
class Deadline:
    kind: str  # rg, recovery, cg, move_on
    due: dt.date
    days_left: int  # working days; negative when overdue
    overdue: bool

    @property
    def overdue_by(self) -> int:
        return max(-self.days_left, 0)


def deadlines(case: Case, on: dt.date | None = None) -> list[Deadline]:
    """The clocks running on this case now."""
    on = on or today()
    rows: list[tuple[str, dt.date | None, bool]] = [
        ("rg", case.rg_due, case.stage in RG_CLOCK_STAGES),
        ("recovery", case.recovery_ends, case.stage == Stage.RECOVERY_PERIOD.value),
        ("cg", case.cg_due, case.stage in CG_CLOCK_STAGES),
        ("move_on", case.move_on_ends, case.stage == Stage.PROTECTION_ASSISTANCE.value),
    ]
    out = []
    for kind, due, running in rows:
        if due is None or not running:
            continue
        left = calendar().working_days_between(on, due)
        out.append(Deadline(kind=kind, due=due, days_left=left, overdue=kind in ("rg", "cg") and is_overdue(due, on)))
    return out


# --- what the actor may do ------------------------------------------------------------------
# Events fired through the decision form rather than as plain transitions.
DECISION_ONLY = DECISION_EVENTS | {Event.REQUEST_RECONSIDERATION}


def available_events(*, actor: Any, case: Case) -> list[Event]:
    """Plain transitions the actor may offer on this case (decisions and reconsideration have their own forms)."""
    stage = Stage(case.stage)
    if not policy.can(actor, TRANSITION, case):
        # The competent authority may open the conclusive decision on any referred case.
        if Event.START_CG in allowed_events(stage) and policy.can(actor, DECIDE, case):
            return [Event.START_CG]
        return []
    events = [e for e in allowed_events(stage) if e not in DECISION_ONLY]
    if stage == Stage.RECONSIDERATION:
        events = [e for e in events if e != Event.CLOSE]  # closing a reconsideration is a decision
    return events


def assignable_staff(*, actor: Any, case: Case) -> list[Any]:
    """Colleagues the actor may assign this case to: active staff of the owning agency who hold a case
    role. Empty when the actor may not move the case (assignment is a step of the owning agency)."""
    if not policy.can(actor, TRANSITION, case):
        return []
    from himaya.accounts.models import User
    from himaya.cases.rules import CASE_ROLES

    return list(
        User.objects.filter(agency_id=case.owner_agency_id, is_active=True, roles__role__in=CASE_ROLES)
        .distinct()
        .order_by("full_name", "pk")
    )


def may_decide(*, actor: Any, case: Case) -> bool:
    return policy.can(actor, DECIDE, case)


def may_request_reconsideration(*, actor: Any, case: Case) -> bool:
    if case.stage not in (Stage.RG_NEGATIVE.value, Stage.CG_NEGATIVE.value):
        return False
    from himaya.accounts.roles import Role

    if actor.has_role(Role.FIRST_RESPONDER) and policy.can(actor, TRANSITION, case):
        return True
    return actor.has_role(Role.SERVICE_PROVIDER, Role.CASE_WORKER) and has_open_referral_to(case, actor.agency_id)


# --- overview ---------------------------------------------------------------------------------
def overview(*, actor: Any, on: dt.date | None = None) -> dict[str, Any]:
    """Counts per stage (from the summary table when fresh: `counted_at` says when), decisions due this
    week and overdue decisions, among the actor's visible cases."""
    from himaya.cases.summaries import stage_counts

    on = on or today()
    qs = policy.visible(actor, Case)
    counts, counted_at = stage_counts(actor=actor)
    # The most pressing few of each list; the case list (filter "overdue") has the rest.
    due, more_due = _first_due(qs, OVERVIEW_ROWS, gte=on, lte=on + dt.timedelta(days=7))
    overdue, more_overdue = _first_due(qs, OVERVIEW_ROWS, lt=overdue_cutoff(on))
    # Both lists' rows in one query (a case may be in neither any more: then it is left out).
    rows = {c.pk: c for c in qs.filter(pk__in=[pk for _, pk in due + overdue]).select_related("owner_agency")}
    return {
        "counts": counts,
        "counted_at": counted_at,
        "due_this_week": [rows[pk] for _, pk in due if pk in rows],
        "more_due": more_due,
        "overdue": [rows[pk] for _, pk in overdue if pk in rows],
        "more_overdue": more_overdue,
    }


def _first_due(qs: QuerySet[Case], limit: int, **bounds: dt.date) -> tuple[list[tuple[dt.date, int]], bool]:
    """The (due date, pk) of the `limit` cases of `qs` whose decision falls due first, with the due
    date within `bounds` (`lt`, `gte`, `lte`), and whether there are more.

    One query per clock stage, each read in due-date order off the (stage, due date) index and cut
    at `limit + 1`, then merged: one query over all clock stages had to fetch and sort every match
    (at national scale tens of thousands of overdue decisions) to show the first 25. Only the keys
    are read here (no model instances for the rows the merge drops)."""
    found: list[tuple[dt.date, int]] = []
    for stages, field in ((RG_CLOCK_STAGES, "rg_due"), (CG_CLOCK_STAGES, "cg_due")):
        lookups = {f"{field}__{op}": day for op, day in bounds.items()}
        for stage in stages:
            keys = qs.filter(stage=stage, **lookups).order_by(field, "pk").values_list(field, "pk")
            found.extend(keys[: limit + 1])
    found.sort()
    return found[:limit], len(found) > limit


def decision_due(case: Case) -> dt.date | None:
    if case.stage in RG_CLOCK_STAGES:
        return case.rg_due
    if case.stage in CG_CLOCK_STAGES:
        return case.cg_due
    return None


def my_work(*, actor: Any, limit: int = 5) -> dict[str, Any] | None:
    """The home page's cases card: open cases assigned to the actor and, for those who decide,
    decisions due in the next seven days and overdue. None when the actor sees no cases."""
    if not may_use_case_pages(actor):
        return None
    from himaya.accounts.roles import Role

    visible = policy.visible(actor, Case)
    mine = list(
        visible.filter(assigned_to_id=actor.pk).exclude(stage=Stage.CLOSED.value).order_by("-updated_at", "-pk")[:limit]
    )
    work: dict[str, Any] = {"mine": mine, "decides": actor.has_role(Role.NRM_COORDINATOR, Role.SUPERVISOR)}
    if work["decides"]:
        on = today()
        week_end = on + dt.timedelta(days=7)
        due_q = Q(stage__in=RG_CLOCK_STAGES, rg_due__gte=on, rg_due__lte=week_end) | Q(
            stage__in=CG_CLOCK_STAGES, cg_due__gte=on, cg_due__lte=week_end
        )
        work["due_this_week"] = capped_count(visible.filter(due_q))
        work["overdue"] = capped_count(visible.filter(overdue_q(on)))
    return work
