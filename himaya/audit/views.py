"""The auditor's pages: browse and filter the log, one event, and break-glass openings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from himaya.access import policy
from himaya.agencies.models import Agency
from himaya.audit import selectors
from himaya.audit.forms import EventFilterForm
from himaya.audit.models import AuditEvent
from himaya.audit.services import audit_browse_record


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = (request.GET.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _agencies(actor: Any) -> dict[int, Agency]:
    return {a.pk: a for a in policy.visible(actor, Agency)}


@login_required
@never_cache
@require_GET
def event_list_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    policy.require_permission(actor, "audit.browse")
    agencies = _agencies(actor)
    form = EventFilterForm(request.GET or None, agencies=agencies.values())
    page = selectors.Page(events=[], newer=None, older=None)
    status = 200
    used: list[str] = []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.filters() if form.is_bound else selectors.EventFilters()
        used = filters.used()
        qs = selectors.event_list(actor=actor, filters=filters)
        page = selectors.page_of(qs, before=_int_param(request, "before"), after=_int_param(request, "after"))
    audit_browse_record(actor=actor, what="list", filters=used)
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    staff = selectors.staff_names({e.actor_id for e in page.events})
    context = {
        "form": form,
        "page": page,
        "rows": [
            {"event": e, "who": staff.get(e.actor_id or 0), "agency": agencies.get(e.actor_agency_id or 0)}
            for e in page.events
        ],
        "query": query.urlencode(),
    }
    template = "audit/_results.html" if getattr(request, "htmx", False) else "audit/events.html"
    return render(request, template, context, status=status)


@login_required
@never_cache
@require_GET
def event_detail_view(request: HttpRequest, seq: int) -> HttpResponse:
    actor = request.user
    event = selectors.event_get(actor=actor, seq=seq)
    audit_browse_record(actor=actor, what="event", seq=event.seq)
    agencies = _agencies(actor)
    return render(
        request,
        "audit/event.html",
        {
            "event": event,
            "staff": selectors.staff_names({event.actor_id}).get(event.actor_id or 0),
            "actor_agency": agencies.get(event.actor_agency_id or 0),
            "owner_agency": agencies.get(event.owner_agency_id or 0),
            "fields": [f for f in event.fields.split(",") if f],
            "has_next": policy.visible(actor, AuditEvent).filter(seq=event.seq + 1).exists(),
        },
    )


@login_required
@never_cache
@require_GET
def break_glass_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    rows, older = selectors.break_glass_list(actor=actor, before=_int_param(request, "before"))
    audit_browse_record(actor=actor, what="break_glass")
    staff = selectors.staff_names({r.event.actor_id for r in rows})
    agencies = _agencies(actor)
    return render(
        request,
        "audit/break_glass.html",
        {
            "rows": [
                {
                    "event": r.event,
                    "grant": r.grant,
                    "who": staff.get(r.event.actor_id or 0),
                    "agency": agencies.get(r.event.actor_agency_id or 0),
                }
                for r in rows
            ],
            "older": older,
        },
    )
