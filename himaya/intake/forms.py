"""The intake wizard's steps. Each form shapes and checks one step; `to_data` turns its cleaned
values into JSON that binds the same form again (so the review step re-checks everything)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.cases.models import Category, Channel, ExploitationType, HistoricEventType, IsicSection, PartyRole
from himaya.core import normalise
from himaya.core.templatetags.himaya import country_choices
from himaya.people.forms import language_choices
from himaya.people.models import DocumentType, Gender

LTR_FIELDS = {"document_number", "phone", "given_name_latin", "family_name_latin", "registration_number"}


def _style(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if name in LTR_FIELDS:
            widget.attrs.setdefault("dir", "ltr")
        widget.attrs.setdefault("autocomplete", "off")


def to_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned values as JSON-safe values the same form accepts as input."""
    out: dict[str, Any] = {}
    for name, value in cleaned.items():
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if timezone.is_aware(value) else value
            value = value if isinstance(value, str) else value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif value is None:
            value = ""
        elif isinstance(value, tuple | set):
            value = list(value)
        out[name] = value
    return out


class StepForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class EncounterForm(StepForm):
    occurred_at = forms.DateTimeField(
        label=_("When did the contact happen?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    location = forms.CharField(label=_("Where?"), max_length=300, required=False)
    channel = forms.ChoiceField(label=_("How did the contact come in?"), choices=Channel.choices)
    interpreter_language = forms.ChoiceField(label=_("Interpreter language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interpreter_language"].choices = [("", _("No interpreter")), *language_choices()]  # type: ignore[attr-defined]

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(_("The encounter cannot be in the future."))
        return value


class PersonStepForm(StepForm):
    existing_person = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    full_name_arabic = forms.CharField(label=_("Full name (Arabic script)"), max_length=200, required=False)
    given_name_latin = forms.CharField(label=_("Given name (Latin script)"), max_length=120, required=False)
    family_name_latin = forms.CharField(label=_("Family name (Latin script)"), max_length=120, required=False)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    estimated_age = forms.IntegerField(
        label=_("Estimated age in years"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only when the date of birth is not known."),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    other_nationalities = forms.MultipleChoiceField(
        label=_("Other nationalities"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    primary_language = forms.ChoiceField(label=_("Primary language"), required=False)
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=[("", _("No document")), *DocumentType.choices], required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    document_country = forms.ChoiceField(label=_("Issuing country"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, help_text=_("With the country code, e.g. +973 3312 3456.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = country_choices()
        languages = language_choices()
        self.fields["nationality"].choices = [("", _("Not known")), *countries]  # type: ignore[attr-defined]
        self.fields["other_nationalities"].choices = countries  # type: ignore[attr-defined]
        self.fields["document_country"].choices = [("", _("Not known")), *countries]  # type: ignore[attr-defined]
        self.fields["primary_language"].choices = [("", _("Not known")), *languages]  # type: ignore[attr-defined]
        self.fields["other_languages"].choices = languages  # type: ignore[attr-defined]

    def clean_date_of_birth(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date_of_birth")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if value is not None and value.year < 1900:
            raise ValidationError(_("Enter a date of birth after 1900."))
        return value

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        if value and not normalise.phone_e164(value):
            raise ValidationError(_("Enter a phone number with its country code, e.g. +973 3312 3456."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or cleaned.get("existing_person"):
            return cleaned
        names = ("full_name_arabic", "given_name_latin", "family_name_latin")
        if not any((cleaned.get(n) or "").strip() for n in names):
            raise ValidationError(_("Give at least one name, in Arabic or Latin script."))
        if cleaned.get("date_of_birth") and cleaned.get("estimated_age") is not None:
            raise ValidationError(_("Give either the date of birth or an estimated age, not both."))
        if bool(cleaned.get("document_type")) != bool((cleaned.get("document_number") or "").strip()):
            raise ValidationError(_("Give both the document type and its number, or neither."))
        return cleaned


class SituationForm(StepForm):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, widget=forms.RadioSelect)
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", _("Not known")), *IsicSection.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["class"] = "form-check-input"


class EventForm(StepForm):
    type = forms.ChoiceField(label=_("What happened"), choices=[("", "—"), *HistoricEventType.choices])
    country = forms.ChoiceField(label=_("Country"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("The end date is before the start date."))
        today = timezone.localdate()
        if (start and start > today) or (end and end > today):
            raise ValidationError(_("Dates cannot be in the future."))
        return cleaned


class PartyForm(StepForm):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *PartyRole.choices])
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Business or organisation"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", _("Not known")), *country_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.errors
            and not (cleaned.get("name") or "").strip()
            and not (cleaned.get("organisation") or "").strip()
        ):
            raise ValidationError(_("Give a name or a business."))
        return cleaned


EventFormSet = forms.formset_factory(EventForm, extra=1, max_num=20, validate_max=True)
PartyFormSet = forms.formset_factory(PartyForm, extra=1, max_num=20, validate_max=True)


class RisksForm(StepForm):
    safety_risk = forms.BooleanField(label=_("The person is in immediate danger"), required=False)
    medical_urgent = forms.BooleanField(label=_("Urgent medical need"), required=False)
    child_present = forms.BooleanField(label=_("A child is present"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PersonFindForm(forms.Form):
    find = forms.CharField(required=False, widget=forms.HiddenInput, initial="1")
    find_document = forms.CharField(label=_("Document number"), max_length=40, required=False)
    find_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("find_document", "find_phone"):
            self.fields[name].widget.attrs.update({"class": "form-control", "dir": "ltr", "autocomplete": "off"})

    def has_terms(self) -> bool:
        return bool(self.cleaned_data.get("find_document") or self.cleaned_data.get("find_phone"))

    def terms(self) -> dict[str, str]:
        return {
            "document": (self.cleaned_data.get("find_document") or "").strip(),
            "phone": (self.cleaned_data.get("find_phone") or "").strip(),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"})
