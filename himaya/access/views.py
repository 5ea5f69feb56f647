"""Break-glass pages: an NRM coordinator opens one out-of-scope record with a reason."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from himaya.access import policy
from himaya.access.break_glass import break_glass_open
from himaya.dashboard import selectors as dashboard_selectors
from himaya.people.models import Person

PERMISSION = "break_glass.use"
# "P-000123", "p 123", "123", "٠٠٠١٢٣" all name person 123.
REFERENCE = re.compile(r"^P?[\s\-–—]*0*(\d{1,12})$")
EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def parse_reference(raw: str) -> int | None:
    value = (raw or "").strip().upper().translate(EASTERN_DIGITS)
    match = REFERENCE.match(value)
    if not match or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


class BreakGlassForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person reference"),
        max_length=20,
        help_text=gettext_lazy("As shown on the record, e.g. P-000123."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why you must open this record now. The owning agency and the auditors will read this."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs.update({"class": "form-control", "dir": "ltr", "autocomplete": "off"})
        self.fields["reason"].widget.attrs.update({"class": "form-control"})

    def clean_person(self) -> int:
        pk = parse_reference(self.cleaned_data["person"])
        if pk is None:
            raise ValidationError(_("Enter a person reference such as P-000123."))
        return pk


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def break_glass_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    policy.require_permission(actor, PERMISSION)
    initial = {"person": request.GET.get("person", "")[:20]}
    form = BreakGlassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        pk = form.cleaned_data["person"]
        if policy.visible(actor, Person).filter(pk=pk).exists():
            messages.info(request, _("You can already open this record; no break-glass was needed."))
            return redirect("people:detail", pk=pk)
        try:
            grant = break_glass_open(actor=actor, model=Person, pk=pk, reason=form.cleaned_data["reason"])
        except Http404:
            form.add_error("person", _("No record has this reference. Check it and try again."))
        except ValidationError as error:
            form.add_error("reason", error.messages)
        else:
            # The record's page shows the break-glass banner (until when, reason recorded).
            return redirect("people:detail", pk=grant.object_id)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "access/break_glass.html",
        {"form": form, "break_glass_minutes": settings.BREAK_GLASS_MINUTES},
        status=status,
    )


@login_required
@never_cache
@require_GET
def my_grants_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    grants = dashboard_selectors.my_grants(actor=actor)
    now = timezone.now()
    rows = [
        {
            "grant": g,
            "reference": dashboard_selectors.grant_reference(g),
            "active": dashboard_selectors.is_grant_active(g, now),
        }
        for g in grants[:200]
    ]
    return render(request, "access/my_grants.html", {"rows": rows})
