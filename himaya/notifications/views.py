"""The signed-in user's notifications: list, and mark read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from himaya.notifications import selectors, services

PAGE_SIZE = 30


@login_required
@never_cache
@require_GET
def notification_list_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.my_notifications(actor=request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(actor=request.user)},
    )


@login_required
@never_cache
@require_POST
def notification_mark_read_view(request: HttpRequest) -> HttpResponse:
    """Mark the listed notifications read (`id` repeated), or all of them (`all=1`); then go on to `next`."""
    actor = request.user
    if request.POST.get("all") == "1":
        ids = list(selectors.my_notifications(actor=actor, unread_only=True).values_list("pk", flat=True))
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    count = services.notification_mark_read(actor=actor, notification_ids=ids)
    if count:
        messages.success(request, _("Marked as read."))
    target = request.POST.get("next", "")
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return redirect(target)
    return redirect("notifications:list")
