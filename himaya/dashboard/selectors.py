"""What each role's home page shows. Every query starts from the access policy."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from himaya.access import policy
from himaya.access.models import BreakGlassGrant
from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency
from himaya.audit.models import AuditEvent
from himaya.core.pagination import CappedCount, capped_count
from himaya.people import selectors as people_selectors
from himaya.people.models import Gender, Person

# Counts below this are shown as "<10": small groups could identify a person.
SUPPRESSION_THRESHOLD = 10
STATISTICS_CACHE_KEY = "himaya:dashboard:people-counts"
STATISTICS_SECONDS = 300
GRANT_DETAIL = re.compile(r"^grant:(\d+)$")
PERSON_TYPE = Person._meta.label_lower


def recent_people(*, actor: Any, limit: int = 5) -> list[Person]:
    """The latest people of the actor's own agency that the actor may see (records opened by
    break-glass are not "recent people of your agency"). The caller audits what it shows."""
    if not people_selectors.may_use_people_pages(actor):
        return []
    return list(people_selectors.person_list(actor=actor).filter(owner_agency_id=actor.agency_id)[:limit])


@dataclass(frozen=True)
class Bucket:
    key: str
    count: int | None  # None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class PeopleStatistics:
    total: int | None
    by_nationality: list[Bucket]
    by_gender: list[Bucket]
    threshold: int = SUPPRESSION_THRESHOLD


def _suppress(count: int) -> int | None:
    return count if count >= SUPPRESSION_THRESHOLD else None


def _buckets(rows: Iterable[dict[str, Any]], key: str) -> list[Bucket]:
    buckets = [Bucket(key=row[key] or "", count=_suppress(row["n"])) for row in rows]
    # Largest first; suppressed groups last, in a fixed order so their sizes cannot be inferred.
    return sorted(buckets, key=lambda b: (b.count is None, -(b.count or 0), b.key))


def _people_counts() -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The national counts behind the statistics card, shared by every viewer for
    STATISTICS_SECONDS (five minutes): grouping every person grows with the register, and the
    figures need not be fresher than that. Counts only: no record; labels and suppression are
    applied on each call, in the viewer's language."""
    counts = cache.get(STATISTICS_CACHE_KEY)
    if counts is None:
        people = Person.objects.all()
        counts = (
            people.count(),
            list(people.values("nationality").annotate(n=Count("pk")).order_by()),
            list(people.values("gender").annotate(n=Count("pk")).order_by()),
        )
        cache.set(STATISTICS_CACHE_KEY, counts, STATISTICS_SECONDS)
    return counts  # type: ignore[no-any-return]


def people_statistics(*, actor: Any) -> PeopleStatistics | None:
    """Counts of people by nationality and by gender, nationally, with small numbers suppressed.

    Only for holders of "statistics.view"; never returns a record, a name or an exact count below 10.
    """
    if not policy.has_permission(actor, "statistics.view"):
        return None
    total, by_nationality, by_gender = _people_counts()
    gender_labels = dict(Gender.choices)
    return PeopleStatistics(
        total=_suppress(total),
        by_nationality=_buckets(by_nationality, "nationality"),
        by_gender=[
            Bucket(key=str(gender_labels.get(b.key, b.key)), count=b.count) for b in _buckets(by_gender, "gender")
        ],
    )


@dataclass(frozen=True)
class GrantRow:
    grant: BreakGlassGrant
    opened_by: User | None
    opened_by_agency: Agency | None

    @property
    def reference(self) -> str:
        return grant_reference(self.grant)


def grant_reference(grant: BreakGlassGrant) -> str:
    """The opened record's reference, as people know it ("P-000123")."""
    if grant.object_type == PERSON_TYPE and grant.object_id.isdigit():
        return f"P-{int(grant.object_id):06d}"
    return f"{grant.object_type}:{grant.object_id}"


def grants_on_my_agency(*, actor: Any, limit: int = 10) -> list[GrantRow] | None:
    """Break-glass openings of the actor's agency's records by other agencies' coordinators.

    Starts from the audit events the policy lets the actor see (supervisors and agency administrators
    see break-glass events on their agency's records); None when the actor may see none.
    """
    if not policy.is_active_actor(actor) or not actor.has_role(Role.SUPERVISOR, Role.AGENCY_ADMIN):
        return None
    events = (
        policy.visible(actor, AuditEvent)
        .filter(action="break_glass.open", owner_agency_id=actor.agency_id)
        .exclude(actor_agency_id=actor.agency_id)
        .order_by("-seq")
    )
    ids = [int(m.group(1)) for d in events.values_list("detail", flat=True)[:limit] if (m := GRANT_DETAIL.match(d))]
    grants = list(
        BreakGlassGrant.objects.filter(pk__in=ids, owner_agency_id=actor.agency_id)
        .select_related("actor", "actor__agency")
        .order_by("-granted_at")
    )
    return [GrantRow(grant=g, opened_by=g.actor, opened_by_agency=g.actor.agency) for g in grants]


def my_grants(*, actor: Any) -> QuerySet[BreakGlassGrant]:
    """The coordinator's own break-glass grants, newest first (Http404 for anyone else)."""
    policy.require_permission(actor, "break_glass.use")
    return BreakGlassGrant.objects.filter(actor=actor).order_by("-granted_at")


def is_grant_active(grant: BreakGlassGrant, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return grant.revoked_at is None and grant.expires_at > now


def denied_today(*, actor: Any) -> int | None:
    """How many accesses were denied since local midnight (auditors only)."""
    if not policy.has_permission(actor, "audit.browse"):
        return None
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return policy.visible(actor, AuditEvent).filter(outcome="denied", occurred_at__gte=start).count()


@dataclass(frozen=True)
class AdminCounts:
    agencies: int
    staff: int


def admin_counts(*, actor: Any) -> AdminCounts | None:
    """Agencies and active staff in the system (system administrators)."""
    if not policy.is_active_actor(actor) or not actor.has_role(Role.SYSTEM_ADMIN):
        return None
    return AdminCounts(
        agencies=policy.visible(actor, Agency, policy.CHANGE).filter(is_active=True).count(),
        staff=policy.visible(actor, User, policy.CHANGE).filter(is_active=True, is_integration=False).count(),
    )


def referral_counts(*, actor: Any) -> dict[str, CappedCount] | None:
    """Open referrals in the agency's inbox (and how many are unanswered past their due time) and
    outbox; each count stops at COUNT_CAP ("1000+"), so the home page costs the same at any scale."""
    from himaya.referrals.models import OPEN_STATES, Referral, ReferralState

    if not any(r.q_for(actor) is not None for r in policy.rules_for(Referral, policy.VIEW)):
        return None
    now = timezone.now()
    inbox = policy.visible(actor, Referral, within=Q(to_agency_id=actor.agency_id)).filter(state__in=OPEN_STATES)
    outbox = policy.visible(actor, Referral, within=Q(from_agency_id=actor.agency_id)).filter(state__in=OPEN_STATES)
    return {
        "inbox": capped_count(inbox),
        "inbox_overdue": capped_count(inbox.filter(state=ReferralState.SENT, answer_due_at__lt=now)),
        "outbox": capped_count(outbox),
    }


def my_drafts(*, actor: Any, limit: int = 5) -> list[Any] | None:
    """The actor's unfinished intake drafts (None when the actor cannot record intakes)."""
    from himaya.intake import selectors as intake_selectors

    if not intake_selectors.may_start_intake(actor):
        return None
    return list(intake_selectors.draft_list(actor=actor).filter(owner=actor)[:limit])
