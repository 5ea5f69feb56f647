"""The auditor's filter form (GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from himaya.audit.models import Outcome
from himaya.audit.selectors import EventFilters


class EventFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    actor = forms.CharField(
        label=_("Staff member"), required=False, max_length=254, help_text=_("Staff id or e-mail address")
    )
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *Outcome.choices])
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, agencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [("", _("Any agency")), *[(a.pk, a.name) for a in agencies]]
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            css = "form-select form-select-sm" if choice else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean_actor(self) -> str:
        value = self.cleaned_data["actor"].strip()
        if value and not value.isdigit():
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(_("Enter a staff id (digits) or an e-mail address.")) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> EventFilters:
        d = self.cleaned_data
        return EventFilters(
            action=d.get("action", "").strip(),
            actor=d.get("actor", ""),
            agency_id=d.get("agency"),
            object_type=d.get("object_type", "").strip(),
            object_id=d.get("object_id", "").strip(),
            outcome=d.get("outcome", ""),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )
