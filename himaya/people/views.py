"""People pages: list and search, record, view (audited), edit. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.core.pagination import CappedPaginator
from himaya.people import selectors, services
from himaya.people.forms import AliasForm, DocumentForm, PersonForm, PersonSearchForm
from himaya.people.models import Person

PAGE_SIZE = 25
LIST_CAP = 1000  # capped pagination: search beyond the newest 1000 people


def _require_people_pages(actor: object) -> None:
    if not selectors.may_use_people_pages(actor):
        policy.require_permission(actor, "people.browse")  # not held by anyone: audited 404


@login_required
@never_cache
@require_GET
def person_list_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _require_people_pages(actor)
    form = PersonSearchForm(request.GET or None)
    document = phone = name = ""
    if form.is_valid():
        document = form.cleaned_data["document"].strip()
        phone = form.cleaned_data["phone"].strip()
        name = form.cleaned_data["name"].strip()
    qs = selectors.person_list(actor=actor, document=document, phone=phone, name=name)
    paginator = CappedPaginator(qs, PAGE_SIZE, cap=LIST_CAP)
    page = paginator.get_page(request.GET.get("page"))
    policy.audit_list(actor, Person, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/list.html",
        {
            "form": form,
            "page": page,
            "capped": paginator.capped,
            "searching": bool(document or phone or name),
            "query": query.urlencode(),
            "can_create": policy.can_create(actor, Person),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not policy.can_create(actor, Person):
        policy.require_permission(actor, "people.person.create")  # audited 404
        raise Http404
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=actor, **form.values())
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            messages.success(request, _("Person %(ref)s recorded.") % {"ref": person.reference})
            return redirect("people:detail", pk=person.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "people/form.html", {"form": form, "person": None}, status=status)


@login_required
@never_cache
@require_GET
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    person = selectors.person_get(actor=actor, pk=pk)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "grant": selectors.active_break_glass_grant(actor=actor, person=person),
            "can_edit": policy.can(actor, policy.CHANGE, person),
            "documents": list(person.documents.all()),
            "aliases": list(person.aliases.all()),
            "is_minor": person.is_minor(),
            "alias_form": AliasForm(),
            "document_form": DocumentForm(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    person = selectors.person_get(actor=actor, pk=pk)
    policy.require(actor, policy.CHANGE, person)
    initial = {name: getattr(person, name) for name in services.EDITABLE_FIELDS}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=actor, person=person, **form.values())
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=person.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "people/form.html", {"form": form, "person": person}, status=status)


def _detail_with_errors(request: HttpRequest, person: Person, **forms: object) -> HttpResponse:
    actor = request.user
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "grant": selectors.active_break_glass_grant(actor=actor, person=person),
            "can_edit": policy.can(actor, policy.CHANGE, person),
            "documents": list(person.documents.all()),
            "aliases": list(person.aliases.all()),
            "is_minor": person.is_minor(),
            **forms,
        },
        status=400,
    )


@login_required
@never_cache
@require_POST
def alias_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    person = selectors.person_get(actor=actor, pk=pk)
    policy.require(actor, policy.CHANGE, person)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            services.person_add_alias(actor=actor, person=person, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.messages)
        else:
            messages.success(request, _("Alias added."))
            return redirect("people:detail", pk=person.pk)
    return _detail_with_errors(request, person, alias_form=form)


@login_required
@never_cache
@require_POST
def document_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    person = selectors.person_get(actor=actor, pk=pk)
    policy.require(actor, policy.CHANGE, person)
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            services.person_add_document(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            messages.success(request, _("Document added."))
            return redirect("people:detail", pk=person.pk)
    return _detail_with_errors(request, person, document_form=form)
