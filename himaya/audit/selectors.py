"""Reads of the audit log, always through the access policy."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from himaya.access import policy
from himaya.access.models import BreakGlassGrant
from himaya.accounts.models import User
from himaya.audit.models import AuditEvent

PAGE_SIZE = 50
GRANT_DETAIL = re.compile(r"^grant:(\d+)$")


@dataclass(frozen=True)
class EventFilters:
    action: str = ""
    actor: str = ""  # a staff id or e-mail address
    agency_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def used(self) -> list[str]:
        """The names of the filters in use (audited; never their values)."""
        return [name for name, value in self.__dict__.items() if value not in ("", None)]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(*, actor: Any, filters: EventFilters) -> QuerySet[AuditEvent]:
    """Audit events the actor may browse, filtered, newest first."""
    policy.require_permission(actor, "audit.browse")
    qs = policy.visible(actor, AuditEvent)
    f = filters
    if f.action:
        qs = qs.filter(action__icontains=f.action)
    if f.actor:
        if f.actor.isdigit():
            qs = qs.filter(actor_id=int(f.actor))
        else:
            ids = list(User.objects.filter(email__iexact=f.actor).values_list("pk", flat=True))
            qs = qs.filter(actor_id__in=ids)
    if f.agency_id is not None:
        qs = qs.filter(Q(actor_agency_id=f.agency_id) | Q(owner_agency_id=f.agency_id))
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.date_from:
        qs = qs.filter(occurred_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    return qs.order_by("-seq")


@dataclass
class Page:
    """A keyset page: no COUNT over the whole log, just "newer" and "older" cursors."""

    events: list[AuditEvent]
    newer: int | None  # pass as ?after= to go to newer events
    older: int | None  # pass as ?before= to go to older events


def page_of(qs: QuerySet[AuditEvent], *, before: int | None = None, after: int | None = None) -> Page:
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        has_more_newer = len(rows) > PAGE_SIZE
        events = list(reversed(rows[:PAGE_SIZE]))
        older = events[-1].seq if events and qs.filter(seq__lt=events[-1].seq).exists() else None
        return Page(events=events, newer=events[0].seq if has_more_newer else None, older=older)
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs[: PAGE_SIZE + 1])
    events = rows[:PAGE_SIZE]
    newer = events[0].seq if before is not None and events else None
    return Page(events=events, newer=newer, older=events[-1].seq if len(rows) > PAGE_SIZE else None)


def event_get(*, actor: Any, seq: int) -> AuditEvent:
    """One event by its sequence number, or Http404 (audited) outside the actor's scope."""
    policy.require_permission(actor, "audit.browse")
    pk = AuditEvent.objects.filter(seq=seq).values_list("pk", flat=True).first()
    return policy.get_for(actor, AuditEvent, pk if pk is not None else -1)


def staff_names(ids: set[int | None]) -> dict[int, User]:
    """Staff accounts named in events (staff, never the people the records are about)."""
    wanted = {i for i in ids if i is not None}
    return {u.pk: u for u in User.objects.filter(pk__in=wanted).only("pk", "full_name", "email")}


@dataclass
class BreakGlassRow:
    event: AuditEvent
    grant: BreakGlassGrant | None


def break_glass_list(*, actor: Any, before: int | None = None) -> tuple[list[BreakGlassRow], int | None]:
    """Break-glass openings the actor may see (their agency's records; all for auditors)."""
    policy.require_permission(actor, "audit.break_glass")
    qs = policy.visible(actor, AuditEvent).filter(action="break_glass.open").order_by("-seq")
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs[: PAGE_SIZE + 1])
    events = rows[:PAGE_SIZE]
    grant_ids = {int(m.group(1)) for e in events if (m := GRANT_DETAIL.match(e.detail))}
    # Grants are read only for events the policy has already let this actor see.
    grants = BreakGlassGrant.objects.in_bulk(grant_ids)
    result = []
    for event in events:
        m = GRANT_DETAIL.match(event.detail)
        result.append(BreakGlassRow(event=event, grant=grants.get(int(m.group(1))) if m else None))
    return result, (events[-1].seq if len(rows) > PAGE_SIZE else None)
