"""Consent pages: a person's consents per purpose and recipient, recording a decision, withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from himaya.access import policy
from himaya.agencies.models import Agency
from himaya.consent import selectors, services
from himaya.consent.forms import LANGUAGES, ConsentForm
from himaya.consent.models import Consent
from himaya.people.models import Person


def _agencies(actor: object) -> object:
    return policy.visible(actor, Agency).filter(is_active=True).order_by("name_en", "pk")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_consents_view(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = request.user
    person = policy.get_for(actor, Person, person_id)
    can_record = policy.can(actor, policy.CHANGE, person)
    status = 200
    form = None
    if can_record:
        initial = {"language": (get_language() or "ar")[:2]}
        form = ConsentForm(request.POST or None, agencies=_agencies(actor), initial=initial)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.consent_record(
                        actor=actor,
                        person=person,
                        purpose=data["purpose"],
                        recipient_agency=data["recipient_agency"],
                        given=data["given"],
                        language=data["language"],
                        interpreter_used=data["interpreter_used"],
                        retention_until=data["retention_until"],
                    )
                except ValidationError as error:
                    for field, errs in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    messages.success(request, _("Consent decision recorded."))
                    return redirect("consent:person", person_id=person.pk)
            status = 400
    elif request.method == "POST":
        policy.require(actor, policy.CHANGE, person)  # audited 404
    consents = list(selectors.consents_for(actor=actor, person=person))
    policy.audit_list(actor, Consent, consents)
    names = {code: str(label) for code, label in LANGUAGES}
    for consent in consents:
        consent.language_label = names.get(consent.language, consent.language)  # type: ignore[attr-defined]
    return render(
        request,
        "consent/person.html",
        {"person": person, "consents": consents, "form": form, "can_record": can_record},
        status=status,
    )


@login_required
@never_cache
@require_POST
def consent_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    consent = selectors.consent_get(actor=actor, pk=pk, action=policy.CHANGE)
    try:
        services.consent_withdraw(actor=actor, consent=consent)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Consent withdrawn. Access that relied on it has ended."))
    return redirect("consent:person", person_id=consent.person_id)
