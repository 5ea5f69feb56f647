"""Forms for the people pages. They only shape input; the services decide and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.core.templatetags.himaya import country_choices, language_name
from himaya.people.models import DocumentType, Gender


def language_choices() -> list[tuple[str, str]]:
    """(ISO 639-1 code, name in the current language) for every language with a two-letter code."""
    rows = [(lang.alpha_2, language_name(lang.alpha_2)) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return sorted(rows, key=lambda r: r[1])


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
    other_nationalities = forms.MultipleChoiceField(
        label=_("Other nationalities"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        help_text=_("Only when the date of birth is not known."),
    )
    birth_year_estimated = forms.BooleanField(label=_("The year of birth is an estimate"), required=False)
    primary_language = forms.ChoiceField(label=_("Primary language"), required=False)
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    address = forms.CharField(
        label=_("Contact address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guardian_name = forms.CharField(label=_("Guardian or representative"), max_length=200, required=False)
    guardian_contact = forms.CharField(label=_("Guardian's contact"), max_length=200, required=False)
    best_interest_note = forms.CharField(
        label=_("Best-interest note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a child: what is in their best interest, and who was consulted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = dict(kwargs.get("initial") or {})
        if initial:
            primary = initial.get("nationality") or ""
            codes = [c for c in str(initial.pop("nationalities", "") or "").split(",") if c]
            initial["other_nationalities"] = [c for c in codes if c != primary]
            initial["other_languages"] = [c for c in str(initial.get("other_languages") or "").split(",") if c]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        countries = country_choices()
        languages = language_choices()
        self.fields["other_nationalities"].choices = countries  # type: ignore[attr-defined]
        self.fields["primary_language"].choices = [("", _("Not known")), *languages]  # type: ignore[attr-defined]
        self.fields["other_languages"].choices = languages  # type: ignore[attr-defined]
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ChoiceField)
        nationality.choices = [("", _("Not known")), *countries]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
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
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        others = values.pop("other_nationalities") or []
        primary = values.get("nationality") or ""
        values["nationalities"] = [primary, *others] if primary else list(others)
        year = values.get("birth_year")
        values["birth_year"] = str(year) if year else ""
        values["other_languages"] = values.get("other_languages") or []
        for name in ("primary_language", "address", "guardian_name", "guardian_contact", "best_interest_note"):
            values[name] = values.get(name) or ""
        return values

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
    name = forms.CharField(label=_("Exact full name"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "form-control", "autocomplete": "off"})
            if name != "name":
                field.widget.attrs["dir"] = "ltr"


class AliasForm(forms.Form):
    name = forms.CharField(label=_("Also known as"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"class": "form-control", "autocomplete": "off"})


class DocumentForm(forms.Form):
    type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    number = forms.CharField(label=_("Document number"), max_length=40)
    issuing_country = forms.ChoiceField(label=_("Issuing country"), required=False)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_country"].choices = [("", _("Not known")), *country_choices()]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.update({"class": css, "autocomplete": "off"})
            if name == "number":
                field.widget.attrs["dir"] = "ltr"

    def apply_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)
