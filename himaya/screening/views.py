"""Screening pages: the checklist of a case with live evaluation (htmx), saving, and a saved screening."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himaya.access import policy
from himaya.cases.models import Case
from himaya.indicators import engine
from himaya.screening import catalogue, selectors, services
from himaya.screening.api import catalogue_payload
from himaya.screening.models import Screening

MAX_IDS = 200


def _forced_labour_items(language: str) -> list[dict[str, str]]:
    _version, items = catalogue.forced_labour()
    return [{"id": i.id, "text": i.text(language)} for i in items.values()]


def _panel_context(profile: str, ids: list[str]) -> dict[str, Any]:
    """The outcome panel: the evaluation, or the translated reason it could not be made."""
    try:
        evaluation = catalogue.evaluate(profile, ids[:MAX_IDS])
    except engine.ScreeningError as error:
        return {"evaluation": None, "error": catalogue.error_message(error)}
    cat = catalogue.catalogue()
    language = catalogue.engine_language()
    dimensions = [
        {"code": code, "label": cat.dimension_label(code, language), **tally.as_dict()}
        for code, tally in evaluation.dimensions.items()
    ]
    return {"evaluation": evaluation, "dimensions": dimensions, "error": ""}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_screening_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    from himaya.cases.rules import SCREEN

    case = policy.get_for(actor, Case, case_id, SCREEN)
    language = catalogue.engine_language()
    default = catalogue.default_profile(is_child=case.is_child)
    errors: dict[str, list[str]] = {}
    source = request.POST if request.method == "POST" else request.GET
    profile = (source.get("profile") or default)[:32]
    ticked = [i.strip().upper() for i in source.getlist("indicators")][:MAX_IDS]
    flagged = [i.strip().upper() for i in source.getlist("forced_labour")][:20]
    note = source.get("note", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            screening = services.screening_record(
                actor=actor, case=case, profile=profile, indicators=ticked, forced_labour=flagged, note=note
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Screening saved."))
            return redirect("screening:detail", pk=screening.pk)
    try:
        checklist = catalogue_payload(profile, language)
    except engine.ScreeningError as error:
        errors.setdefault("profile", []).append(catalogue.error_message(error))
        profile = default
        checklist = catalogue_payload(profile, language)
    profiles = [p for p in checklist["profiles"] if p["child"] == case.is_child]
    previous = list(selectors.screenings_for_case(actor=actor, case=case)[:10])
    policy.audit_list(actor, Screening, previous)
    context = {
        "case": case,
        "profile": profile,
        "profiles": profiles,
        "checklist": checklist,
        "ticked": set(ticked),
        "flagged": set(flagged),
        "forced_labour": _forced_labour_items(language),
        "note": note,
        "errors": errors,
        "previous": previous,
        **_panel_context(profile, [i for i in ticked if i]),
    }
    return render(request, "screening/case.html", context, status=400 if errors else 200)


@login_required
@never_cache
@require_POST
def evaluate_partial_view(request: HttpRequest) -> HttpResponse:
    """The live outcome panel (htmx): stateless, no personal data; any signed-in user."""
    profile = (request.POST.get("profile") or "")[:32]
    ids = [i.strip().upper() for i in request.POST.getlist("indicators") if i.strip()][:MAX_IDS]
    return render(request, "screening/_outcome.html", _panel_context(profile, ids))


@login_required
@never_cache
@require_GET
def screening_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    screening = selectors.screening_get(actor=actor, pk=pk)
    language = catalogue.engine_language()
    try:
        cat = catalogue.catalogue(screening.catalogue_version)
    except engine.ScreeningError:
        cat = catalogue.catalogue()
    fl_items = catalogue.forced_labour()[1]
    indicators = [
        {
            "id": i,
            "text": cat.indicators[i].text(language) if i in cat.indicators else i,
            "dimension": cat.dimension_label(cat.indicators[i].dimension, language) if i in cat.indicators else "",
            "grade": cat.indicators[i].grades.get(screening.profile, "") if i in cat.indicators else "",
        }
        for i in screening.indicator_list
    ]
    dimensions = [
        {"code": code, "label": cat.dimension_label(code, language) if code in cat.dimensions else code, **tally}
        for code, tally in screening.dimensions.items()
    ]
    profile = cat.profiles.get(screening.profile)
    try:  # the reasons, re-derived from the data versions the screening was made with
        reasons = list(
            engine.evaluate(
                cat,
                catalogue.rule_set(screening.rule_set_version),
                screening.profile,
                screening.indicator_list,
                language,
            ).reasons
        )
    except engine.ScreeningError:
        reasons = []
    context = {
        "reasons": reasons,
        "screening": screening,
        "case": screening.case,
        "profile_label": profile.label(language) if profile else screening.profile,
        "indicators": indicators,
        "dimensions": dimensions,
        "forced_labour": [
            {"id": i, "text": fl_items[i].text(language) if i in fl_items else i} for i in screening.forced_labour_list
        ],
        "can_open_case": policy.can(actor, policy.VIEW, screening.case),
    }
    return render(request, "screening/detail.html", context)
