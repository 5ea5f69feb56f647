"""The home page: one card per thing the signed-in user's roles let them do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from himaya.access import policy
from himaya.cases import selectors as cases_selectors
from himaya.cases.models import Case
from himaya.dashboard import selectors
from himaya.people import selectors as people_selectors
from himaya.people.models import Person


@login_required
@never_cache
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    show_people = people_selectors.may_use_people_pages(actor)
    people = selectors.recent_people(actor=actor) if show_people else []
    policy.audit_list(actor, Person, people, action="list")
    case_work = cases_selectors.my_work(actor=actor)
    if case_work:
        policy.audit_list(actor, Case, case_work["mine"], action="list")
    context = {
        "show_people": show_people,
        "case_work": case_work,
        "recent_people": people,
        "can_create_person": policy.can_create(actor, Person),
        "can_break_glass": policy.has_permission(actor, "break_glass.use"),
        "opened_grants": selectors.grants_on_my_agency(actor=actor),
        "statistics": selectors.people_statistics(actor=actor),
        "denied_today": selectors.denied_today(actor=actor),
        "admin_counts": selectors.admin_counts(actor=actor),
        "can_manage_staff": policy.has_permission(actor, "staff.manage"),
        "can_browse_audit": policy.has_permission(actor, "audit.browse"),
        "today": timezone.localdate(),
        "drafts": selectors.my_drafts(actor=actor),
        "referral_counts": selectors.referral_counts(actor=actor),
    }
    return render(request, "dashboard/home.html", context)
