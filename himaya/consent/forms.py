"""The consent form: the HTCDS con_ points the worker must have explained, then the decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.agencies.models import Agency
from himaya.consent.models import Purpose

# HTCDS con_ points, explained to the person before they decide.
EXPLAINED_POINTS = [
    ("explained_purpose", _("The purpose of the interview")),
    ("explained_use", _("How the data will be used and with whom it will be shared")),
    ("explained_research", _("That anonymised data may be used for research and statistics")),
    ("explained_access", _("Their right to see and correct what is recorded about them")),
    ("explained_retention", _("How long the data will be kept")),
    ("explained_withdrawal", _("How to withdraw consent at any time, and what that changes")),
]

LANGUAGES = [
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("hi", _("Hindi")),
    ("ml", _("Malayalam")),
    ("ta", _("Tamil")),
    ("te", _("Telugu")),
    ("ur", _("Urdu")),
    ("bn", _("Bengali")),
    ("ne", _("Nepali")),
    ("si", _("Sinhala")),
    ("tl", _("Tagalog")),
    ("id", _("Indonesian")),
    ("am", _("Amharic")),
    ("sw", _("Swahili")),
    ("fr", _("French")),
]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    recipient_agency = forms.ModelChoiceField(
        label=_("Recipient agency (optional)"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Any agency the purpose covers"),
    )
    given = forms.TypedChoiceField(
        label=_("The person's decision"),
        choices=[("yes", _("Consent given")), ("no", _("Consent refused"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language of the explanation"), choices=LANGUAGES)
    interpreter_used = forms.BooleanField(label=_("Explained through an interpreter"), required=False)
    retention_until = forms.DateField(
        label=_("Keep data until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in EXPLAINED_POINTS:
            self.fields[name] = forms.BooleanField(
                label=label,
                required=True,
                error_messages={"required": _("Tick each point once you have explained it.")},
            )
        if agencies is not None:
            self.fields["recipient_agency"].queryset = agencies  # type: ignore[attr-defined]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    def explained_fields(self) -> list[Any]:
        return [self[name] for name, _label in EXPLAINED_POINTS]
