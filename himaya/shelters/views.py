"""Shelter pages: the national view, the staff day page, the occupancy board (htmx, refreshes
itself), admission, emergency placement, one stay with its actions, and bed maintenance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.agencies.forms import apply_service_error
from himaya.agencies.models import AgencyService, ServiceType
from himaya.audit.services import audit_record
from himaya.referrals import minimisation
from himaya.shelters import selectors, services
from himaya.shelters.forms import (
    AbsenceForm,
    AddBedsForm,
    AdmitForm,
    BedLabelForm,
    CloseBedForm,
    DischargeForm,
    EmergencyForm,
    PriorityForm,
    RoomForm,
    ShelterForm,
    TransferForm,
    WaitingForm,
    WithdrawWaitingForm,
)
from himaya.shelters.models import Bed, Shelter, Stay
from himaya.shelters.rules import REFERRING_ROLES


def _status_for(error: ValidationError) -> int:
    return 409 if isinstance(error, services.BedTaken) else 400


@login_required
@require_GET
def national_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    rows = selectors.national_occupancy(actor=actor)
    mine = set(selectors.my_shelters(actor=actor).values_list("pk", flat=True))
    totals = {
        "beds": sum(r.beds for r in rows),
        "occupied": sum(r.occupied for r in rows),
        "free": sum(r.free for r in rows),
        "closed": sum(r.closed for r in rows),
    }
    can_place = actor.has_role(*services.EMERGENCY_ROLES)
    return render(
        request,
        "shelters/national.html",
        {
            "rows": rows,
            "mine": mine,
            "totals": totals,
            "can_place": can_place,
            "my_shelters_nav": bool(mine),
            "referred_nav": actor.has_role(*REFERRING_ROLES),
            "manage_nav": selectors.is_facility_manager(actor),
        },
    )


def _require_my_shelters(actor: Any) -> list[Shelter]:
    shelters = list(selectors.my_shelters(actor=actor))
    if not shelters:
        audit_record(
            actor=actor if policy.is_active_actor(actor) else None, action="shelters.shelter.staff", outcome="denied"
        )
        raise Http404(_("Not found."))
    return shelters


@login_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    shelters = _require_my_shelters(actor)
    day = selectors.staff_day(actor=actor, shelters=shelters)
    from himaya.shelters.models import PRIORITY_CHOICES
    from himaya.shelters.rules import ADMITTING_STAFF

    return render(
        request,
        "shelters/home.html",
        {
            **day,
            "shelters": shelters,
            "now": timezone.now(),
            "can_manage_waiting": actor.has_role(*ADMITTING_STAFF),
            "priority_choices": PRIORITY_CHOICES,
            "manage_nav": selectors.is_facility_manager(actor),
        },
    )


def _board_context(actor: Any, pk: int) -> dict[str, Any]:
    shelter = selectors.shelter_for_staff(actor=actor, pk=pk)
    # One reverse() for the page, not one per bed.
    stays_url = reverse("shelters:stay", kwargs={"pk": 0}).removesuffix("0/")
    return {"shelter": shelter, **selectors.board(actor=actor, shelter=shelter), "stays_url": stays_url}


@login_required
@require_GET
def board_view(request: HttpRequest, pk: int) -> HttpResponse:
    context = _board_context(request.user, pk)
    # Bed maintenance sits outside the self-refreshing part, so a half-typed reason survives a refresh.
    if policy.can(request.user, policy.CHANGE, context["shelter"]):
        context["maintenance"] = [row for beds in context["rooms"].values() for row in beds if not row.stay]
        context["close_form"] = CloseBedForm()
    return render(request, "shelters/board.html", context)


@login_required
@require_GET
def board_live_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's body alone: htmx swaps it in every 30 seconds."""
    return render(request, "shelters/_board.html", _board_context(request.user, pk))


def _free_beds_in(shelters: Any) -> Any:
    beds = Bed.objects.filter(shelter__in=shelters).select_related("room", "shelter")
    return selectors.free_beds(beds).order_by("shelter__name_en", "room__name", "label", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def admit_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor: Any = request.user
    shelters = _require_my_shelters(actor)
    referral = selectors.referral_for_admission(actor=actor, pk=referral_id)
    beds = _free_beds_in(shelters)
    form = AdmitForm(request.POST or None, beds=beds)
    waiting_form = WaitingForm(initial={"group": "children_with_carer" if referral.case.is_child else "women"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stay = services.stay_admit(actor=actor, referral=referral, bed=form.cleaned_data["bed"])
            except ValidationError as error:
                apply_service_error(form, error)
                status = _status_for(error)
            else:
                messages.success(request, _("Admitted: %(stay)s.") % {"stay": stay.reference})
                return redirect("shelters:stay", pk=stay.pk)
        else:
            # The bed chosen is no longer offered: someone else took it since the form was drawn.
            status = 409 if "bed" in form.errors else 400
            if "bed" in form.errors:
                form.errors["bed"] = form.error_class([str(services.BedTaken().message)])
    rows = minimisation.person_rows(
        case=referral.case, person=referral.case.person, fields=minimisation.fields_for(ServiceType.SHELTER)
    )
    audit_record(
        actor=actor,
        action="people.person.view",
        obj=referral.case.person,
        fields=minimisation.audited_fields(minimisation.fields_for(ServiceType.SHELTER)),
        detail=f"referral:{referral.reference}",
    )
    return render(
        request,
        "shelters/admit.html",
        {"referral": referral, "form": form, "waiting_form": waiting_form, "rows": rows},
        status=status,
    )


@login_required
@require_POST
def waiting_add_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor: Any = request.user
    _require_my_shelters(actor)
    referral = selectors.referral_for_admission(actor=actor, pk=referral_id)
    form = WaitingForm(request.POST)
    if form.is_valid():
        try:
            services.waiting_add(actor=actor, referral=referral, group=form.cleaned_data["group"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("shelters:admit", referral_id=referral.pk)
        messages.success(request, _("Added to the waiting list."))
        return redirect("shelters:home")
    messages.error(request, _("Choose the group the person needs a bed in."))
    return redirect("shelters:admit", referral_id=referral.pk)


def _emergency_beds(actor: Any) -> Any:
    operators = AgencyService.objects.filter(service_type=ServiceType.SHELTER, is_active=True).values("agency_id")
    return _free_beds_in(policy.visible(actor, Shelter).filter(operator_id__in=operators))


@login_required
@require_http_methods(["GET", "POST"])
def emergency_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor: Any = request.user
    from himaya.cases.models import Case

    case = policy.get_for(actor, Case, case_id, policy.CHANGE)
    if not actor.has_role(*services.EMERGENCY_ROLES):
        raise Http404(_("Not found."))
    form = EmergencyForm(request.POST or None, beds=_emergency_beds(actor))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stay = services.stay_admit_emergency(
                    actor=actor, case=case, bed=form.cleaned_data["bed"], reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_service_error(form, error)
                status = _status_for(error)
            else:
                messages.success(
                    request, _("Placed in %(shelter)s; the shelter will review it.") % {"shelter": stay.shelter.name}
                )
                return redirect("shelters:stay", pk=stay.pk)
        else:
            status = 400
    return render(request, "shelters/emergency.html", {"case": case, "form": form}, status=status)


def _stay_page(
    request: HttpRequest, stay: Stay, *, forms_in_error: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    actor: Any = request.user
    staff = selectors.is_shelter_staff_for(actor, stay)
    context: dict[str, Any] = {"stay": stay, "staff": staff, "now": timezone.now()}
    if staff:
        fields = minimisation.fields_for(ServiceType.SHELTER)
        context["rows"] = minimisation.person_rows(case=stay.case, person=stay.person, fields=fields)
        audit_record(
            actor=actor,
            action="people.person.view",
            obj=stay.person,
            fields=minimisation.audited_fields(fields),
            detail=f"stay:{stay.pk}",
        )
        free_elsewhere = _free_beds_in(selectors.my_shelters(actor=actor))
        given = forms_in_error or {}
        context.update(
            absences=stay.absences.all(),
            discharge_form=given.get("discharge") or DischargeForm(),
            absence_form=given.get("absence") or AbsenceForm(),
            transfer_form=given.get("transfer") or TransferForm(beds=free_elsewhere),
            can_transfer=free_elsewhere.exists(),
            open_absence=stay.absences.filter(returned_at__isnull=True).first(),
        )
    return render(request, "shelters/stay.html", context, status=status)


@login_required
@require_GET
def stay_view(request: HttpRequest, pk: int) -> HttpResponse:
    stay = selectors.stay_get(actor=request.user, pk=pk)
    return _stay_page(request, stay)


def _stay_action(request: HttpRequest, pk: int, name: str, form: forms.Form, act: Any, done: str) -> HttpResponse:
    actor: Any = request.user
    stay = selectors.stay_get(actor=actor, pk=pk, action=policy.CHANGE)
    status = 400
    if form.is_valid():
        try:
            result = act(actor, stay, form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
            status = _status_for(error)
        else:
            messages.success(request, done)
            return redirect("shelters:stay", pk=getattr(result, "pk", stay.pk) if name == "transfer" else stay.pk)
    stay.refresh_from_db()
    return _stay_page(request, stay, forms_in_error={name: form}, status=status)


@login_required
@require_POST
def discharge_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_action(
        request,
        pk,
        "discharge",
        DischargeForm(request.POST),
        lambda actor, stay, data: services.stay_discharge(
            actor=actor, stay=stay, reason=data["reason"], destination=data["destination"], note=data["note"]
        ),
        _("Discharged. The bed is free again."),
    )


@login_required
@require_POST
def absence_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_action(
        request,
        pk,
        "absence",
        AbsenceForm(request.POST),
        lambda actor, stay, data: services.absence_start(
            actor=actor, stay=stay, reason=data["reason"], expected_back=data["expected_back"], note=data["note"]
        ),
        _("Absence recorded. The bed is kept."),
    )


@login_required
@require_POST
def transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    others = selectors.my_shelters(actor=actor)
    return _stay_action(
        request,
        pk,
        "transfer",
        TransferForm(request.POST, beds=_free_beds_in(others)),
        lambda actor, stay, data: services.stay_transfer(actor=actor, stay=stay, bed=data["bed"], note=data["note"]),
        _("Transferred."),
    )


@login_required
@require_POST
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    stay = selectors.stay_get(actor=actor, pk=pk, action=policy.CHANGE)
    try:
        services.stay_review(actor=actor, stay=stay)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Emergency admission reviewed."))
    return redirect("shelters:stay", pk=stay.pk)


@login_required
@require_POST
def absence_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    absence = selectors.absence_get(actor=actor, pk=pk)
    try:
        services.absence_return(actor=actor, absence=absence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Welcome back: the absence has ended."))
    return redirect("shelters:stay", pk=absence.stay_id)


@login_required
@require_POST
def bed_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    bed = policy.get_for(actor, Bed, pk, policy.CHANGE)
    form = CloseBedForm(request.POST)
    if form.is_valid():
        try:
            services.bed_close(actor=actor, bed=bed, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Bed closed for maintenance."))
    else:
        messages.error(request, _("Say why the bed is closed."))
    return redirect("shelters:board", pk=bed.shelter_id)


@login_required
@require_POST
def bed_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    bed = policy.get_for(actor, Bed, pk, policy.CHANGE)
    try:
        services.bed_reopen(actor=actor, bed=bed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bed reopened."))
    return redirect("shelters:board", pk=bed.shelter_id)


@login_required
@require_GET
def discharge_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable discharge summary of an ended stay, for the shelter's staff (download audited)."""
    from django.utils.translation import get_language

    from himaya.shelters.documents import discharge_summary

    actor: Any = request.user
    stay = selectors.stay_get(actor=actor, pk=pk)
    if not selectors.is_shelter_staff_for(actor, stay) or stay.is_open:
        raise Http404(_("Not found."))
    language = "ar" if (get_language() or "ar").startswith("ar") else "en"
    body = discharge_summary(stay, language=language)
    audit_record(actor=actor, action="shelters.stay.download", obj=stay, fields=["person", "discharge_note"])
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="discharge-{stay.reference}.pdf"'
    return response


@login_required
@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    """Occupancy over time and average length of stay per shelter, with server-rendered SVG charts."""
    import datetime as dt

    from django.utils.translation import get_language_bidi

    from himaya.core import charts
    from himaya.shelters.forms import ReportForm

    actor: Any = request.user
    policy.require_permission(actor, "shelters.reports")
    form = ReportForm(request.GET or None)
    days = (form.cleaned_data["days"] if form.is_valid() else None) or 90
    last = timezone.localdate()
    first = last - dt.timedelta(days=days - 1)
    reports = selectors.occupancy_report(actor=actor, first=first, last=last)
    labels = [(first + dt.timedelta(days=i)).strftime("%d/%m") for i in range(days)]
    national = [sum(r.nights[i] for r in reports) for i in range(days)]
    rtl = get_language_bidi()
    line = charts.line_chart(
        title=_("Residents per night, all shelters"), labels=labels, series=[(_("Residents"), national)], rtl=rtl
    )
    with_average = [r for r in reports if r.average_stay is not None]
    bars = charts.bar_chart(
        title=_("Average length of stay (days)"),
        labels=[r.shelter.name for r in with_average],
        values=[r.average_stay or 0 for r in with_average],
        rtl=rtl,
    )
    rows = [
        {
            "report": r,
            "peak": max(r.nights, default=0),
            "mean": round(sum(r.nights) / len(r.nights), 1) if r.nights else 0,
            "last": r.nights[-1] if r.nights else 0,
        }
        for r in reports
    ]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "shelters/report.html",
        {"form": form, "first": first, "last": last, "line": line, "bars": bars, "rows": rows},
        status=status,
    )


@login_required
@require_GET
def emergency_find_view(request: HttpRequest) -> HttpResponse:
    """Find a case of one's own agency by reference, to place its person in an emergency."""
    from himaya.cases.models import Case

    actor: Any = request.user
    if not policy.is_active_actor(actor) or not actor.has_role(*services.EMERGENCY_ROLES):
        raise Http404(_("Not found."))
    reference = (request.GET.get("reference") or "").strip().upper()[:20]
    case = policy.visible(actor, Case, policy.CHANGE).filter(reference=reference).first() if reference else None
    if case is None:
        messages.error(request, _("No case of your agency has that reference."))
        return redirect("shelters:national")
    return redirect("shelters:emergency", case_id=case.pk)


@login_required
@require_GET
def referred_view(request: HttpRequest) -> HttpResponse:
    """The stays made on the actor's agency's shelter referrals: status only (where, since when, left)."""
    actor: Any = request.user
    selectors.require_stay_role(actor)
    stays = selectors.referred_stays(actor=actor)
    page = Paginator(stays, 50).get_page(request.GET.get("page"))
    policy.audit_list(actor, Stay, page.object_list)
    return render(request, "shelters/referred.html", {"page": page})


# --- Facility management: shelters, rooms and beds (the operator's supervisors and admins) ----
def _shelter_form_data(form: ShelterForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name_ar": data["name_ar"],
        "name_en": data["name_en"],
        "address_ar": data["address_ar"],
        "address_en": data["address_en"],
        "accessibility": data["accessibility"],
        "capacity": form.capacity(),
    }


@login_required
@require_GET
def manage_view(request: HttpRequest) -> HttpResponse:
    """The shelters of the actor's agency, for its managers: capacity, and links to edit them."""
    actor: Any = request.user
    selectors.require_facility_manager(actor)
    shelters = list(selectors.managed_shelters(actor=actor).select_related("operator"))
    return render(
        request,
        "shelters/manage.html",
        {
            "rows": selectors.occupancy_for(shelters),
            "can_create": policy.can_create(actor, Shelter),
            "my_shelters_nav": selectors.my_shelters(actor=actor).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shelter_new_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    if not policy.can_create(actor, Shelter):
        selectors.require_facility_manager(actor)  # audits the refusal for outsiders
        raise Http404(_("Not found."))
    form = ShelterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                shelter = services.shelter_create(actor=actor, **_shelter_form_data(form))
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Shelter created: %(name)s.") % {"name": shelter.name})
                return redirect("shelters:rooms", pk=shelter.pk)
    return render(request, "shelters/shelter_form.html", {"form": form, "shelter": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def shelter_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    shelter = selectors.shelter_to_manage(actor=actor, pk=pk)
    initial = {
        "name_ar": shelter.name_ar,
        "name_en": shelter.name_en,
        "address_ar": shelter.address_ar,
        "address_en": shelter.address_en,
        "accessibility": shelter.accessibility_codes,
        **{f"capacity_{g}": n for g, n in selectors.capacity_of(shelter).items()},
    }
    form = ShelterForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.shelter_update(actor=actor, shelter=shelter, **_shelter_form_data(form))
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Shelter saved."))
                return redirect("shelters:rooms", pk=shelter.pk)
    occupancy = selectors.occupancy_for([shelter])[0]
    return render(
        request,
        "shelters/shelter_form.html",
        {"form": form, "shelter": shelter, "occupancy": occupancy},
        status=status,
    )


@login_required
@require_POST
def shelter_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a shelter (`active=0`) or open it again (`active=1`), from the management page."""
    actor: Any = request.user
    shelter = selectors.shelter_to_manage(actor=actor, pk=pk)
    choice = request.POST.get("active")
    if choice not in ("0", "1"):
        messages.error(request, _("Choose whether to close or reopen the shelter."))
        return redirect("shelters:manage")
    active = choice == "1"
    try:
        services.shelter_set_active(actor=actor, shelter=shelter, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("Shelter reopened: %(name)s.") % {"name": shelter.name})
        else:
            closed = _("Shelter closed: %(name)s. Nobody can be admitted there until it reopens.")
            messages.success(request, closed % {"name": shelter.name})
    return redirect("shelters:manage")


def _rooms_page(request: HttpRequest, shelter: Shelter, *, room_form: Any = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "shelters/rooms.html",
        {
            "shelter": shelter,
            "rooms": selectors.rooms_of(shelter),
            "capacity": selectors.occupancy_for([shelter])[0],
            "room_form": room_form or RoomForm(with_beds=True, auto_id="new_%s"),
        },
        status=status,
    )


@login_required
@require_GET
def rooms_view(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = selectors.shelter_to_manage(actor=request.user, pk=pk)
    return _rooms_page(request, shelter)


@login_required
@require_POST
def room_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    shelter = selectors.shelter_to_manage(actor=actor, pk=pk)
    form = RoomForm(request.POST, with_beds=True, auto_id="new_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            room = services.room_create(
                actor=actor,
                shelter=shelter,
                name=data["name"],
                group=data["group"],
                accessibility=data["accessibility"],
                beds=data["beds"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Room added: %(room)s.") % {"room": room.name})
            return redirect("shelters:rooms", pk=shelter.pk)
    return _rooms_page(request, shelter, room_form=form, status=400)


def _room_page(
    request: HttpRequest, room: Any, *, form: Any = None, beds_form: Any = None, status: int = 200
) -> HttpResponse:
    row = next(r for r in selectors.rooms_of(room.shelter) if r.room.pk == room.pk)
    initial = {"name": room.name, "group": room.group, "accessibility": room.accessibility_codes}
    return render(
        request,
        "shelters/room.html",
        {
            "room": room,
            "shelter": room.shelter,
            "row": row,
            "form": form or RoomForm(initial=initial),
            "beds_form": beds_form or AddBedsForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    room = selectors.room_to_manage(actor=actor, pk=pk)
    if request.method == "GET":
        return _room_page(request, room)
    form = RoomForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.room_update(
                actor=actor, room=room, name=data["name"], group=data["group"], accessibility=data["accessibility"]
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Room saved."))
            return redirect("shelters:room", pk=room.pk)
    room.refresh_from_db()
    return _room_page(request, room, form=form, status=400)


@login_required
@require_POST
def beds_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    room = selectors.room_to_manage(actor=actor, pk=pk)
    form = AddBedsForm(request.POST)
    if form.is_valid():
        try:
            beds = services.beds_add(actor=actor, room=room, count=form.cleaned_data["count"])
        except ValidationError as error:
            form.add_error("count", error.message_dict.get("beds", error.messages))
        else:
            messages.success(request, _("Beds added: %(n)d.") % {"n": len(beds)})
            return redirect("shelters:room", pk=room.pk)
    return _room_page(request, room, beds_form=form, status=400)


@login_required
@require_POST
def bed_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    bed = selectors.bed_to_manage(actor=actor, pk=pk)
    form = BedLabelForm(request.POST)
    if form.is_valid():
        try:
            services.bed_update(actor=actor, bed=bed, label=form.cleaned_data["label"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Bed relabelled."))
    else:
        messages.error(request, _("Give the bed a label of at most 20 characters."))
    return redirect("shelters:room", pk=bed.room_id)


@login_required
@require_POST
def bed_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    bed = selectors.bed_to_manage(actor=actor, pk=pk)
    try:
        services.bed_retire(actor=actor, bed=bed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bed retired: the shelter has one bed less."))
    return redirect("shelters:room", pk=bed.room_id)


# --- The waiting list: withdraw an entry, change its priority ---------------------------------
@login_required
@require_POST
def waiting_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    entry = selectors.waiting_entry_get(actor=actor, pk=pk)
    form = WithdrawWaitingForm(request.POST)
    if form.is_valid():
        try:
            services.waiting_withdraw(actor=actor, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Taken off the waiting list."))
    else:
        messages.error(request, _("Say why the entry is withdrawn."))
    return redirect(reverse("shelters:home") + "#waiting-list")


@login_required
@require_POST
def waiting_priority_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    entry = selectors.waiting_entry_get(actor=actor, pk=pk)
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            services.waiting_reprioritise(actor=actor, entry=entry, priority=form.cleaned_data["priority"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Priority changed."))
    else:
        messages.error(request, _("Choose a priority from the list."))
    return redirect(reverse("shelters:home") + "#waiting-list")
