"""The agency directory: list and search, one agency, and editing by the agency's administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from himaya.access import policy
from himaya.agencies import selectors, services
from himaya.agencies.forms import AgencyForm, AgencySearchForm, ServiceForm, apply_service_error

PAGE_SIZE = 50


@login_required
@require_GET
@vary_on_headers("HX-Request")
def agency_list_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = AgencySearchForm(request.GET or None)
    search = kind = ""
    if form.is_valid():
        search, kind = form.cleaned_data["q"], form.cleaned_data["type"]
    qs = selectors.agency_list(actor=actor, search=search, type=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    template = "agencies/_results.html" if getattr(request, "htmx", False) else "agencies/list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "searching": bool(search or kind), "query": query.urlencode()},
        status=status,
    )


@login_required
@require_GET
def agency_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    agency = selectors.agency_get(actor=actor, pk=pk)
    can_edit = policy.can(actor, policy.CHANGE, agency)
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "services": selectors.agency_services(agency=agency, include_inactive=can_edit),
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    agency = selectors.agency_get(actor=actor, pk=pk, action=policy.CHANGE)
    # The form works on a copy so a rejected change never touches the loaded agency.
    form = AgencyForm(request.POST or None, instance=selectors.agency_get(actor=actor, pk=pk, action=policy.CHANGE))
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=actor, agency=agency, **form.values())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Agency details saved."))
            return redirect("agencies:detail", pk=agency.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "agencies/edit.html", {"agency": agency, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def service_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    agency = selectors.agency_get(actor=actor, pk=pk, action=policy.CHANGE)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_service_set(actor=actor, agency=agency, **form.values())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Service saved."))
            return redirect("agencies:detail", pk=agency.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "agencies/service_form.html", {"agency": agency, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit_view(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    actor = request.user
    service = selectors.service_get(actor=actor, agency_pk=pk, pk=service_pk)
    agency = service.agency
    form = ServiceForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_service_set(actor=actor, agency=agency, **form.values())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Service saved."))
            return redirect("agencies:detail", pk=agency.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "agencies/service_form.html", {"agency": agency, "form": form, "service": service}, status=status
    )


@login_required
@require_POST
def service_remove_view(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    actor = request.user
    service = selectors.service_get(actor=actor, agency_pk=pk, pk=service_pk)
    services.agency_service_remove(actor=actor, service=service)
    messages.success(request, _("Service removed."))
    return redirect("agencies:detail", pk=pk)
