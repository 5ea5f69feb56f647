"""Forms for the people pages. They only shape input; the services decide and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.core.templatetags.himaya import country_choices
from himaya.people.models import Gender


class PersonForm(forms.Form):
    full_name_arabic = forms.CharField(label=_("Full name (Arabic script)"), max_length=200, required=False)
    given_name_latin = forms.CharField(label=_("Given name (Latin script)"), max_length=120, required=False)
    family_name_latin = forms.CharField(label=_("Family name (Latin script)"), max_length=120, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    document_number = forms.CharField(
        label=_("Identity document number"),
        max_length=40,
        required=False,
        help_text=_("Passport, CPR or residence permit number."),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, help_text=_("With the country code, e.g. +973 3312 3456.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ChoiceField)
        nationality.choices = [("", _("Not known")), *country_choices()]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            if name in ("document_number", "phone", "given_name_latin", "family_name_latin"):
                field.widget.attrs.setdefault("dir", "ltr")
            field.widget.attrs.setdefault("autocomplete", "off")

    def clean_date_of_birth(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date_of_birth")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if value is not None and value.year < 1900:
            raise ValidationError(_("Enter a date of birth after 1900."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = ("full_name_arabic", "given_name_latin", "family_name_latin")
        if not self.errors and not any((cleaned.get(n) or "").strip() for n in names):
            raise ValidationError(_("Give at least one name, in Arabic or Latin script."))
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def apply_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the form (field errors beside their fields)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class PersonSearchForm(forms.Form):
    document = forms.CharField(label=_("Document number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control", "dir": "ltr", "autocomplete": "off"})
