"""Forms for the agency directory. They shape input; the services decide and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from himaya.agencies.models import Agency, AgencyService, AgencyType, ServiceType


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")


def apply_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AgencySearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", _("All types")), *AgencyType.choices]
        _bootstrap(self)
        self.fields["q"].widget.attrs["placeholder"] = _("Search by name, in Arabic or English")


class HttpsURLField(forms.URLField):
    """A website typed without a scheme is taken as https://."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name_ar", "name_en", "email", "phone", "address_ar", "address_en", "website"]
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        for name in ("name_ar", "address_ar"):
            self.fields[name].widget.attrs["dir"] = "rtl"
        for name in ("name_en", "address_en", "email", "phone", "website"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    languages = forms.CharField(
        label=_("Languages"),
        max_length=200,
        required=False,
        help_text=_("ISO 639 codes separated by commas, e.g. ar,en,hi,ur."),
    )
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    capacity_note = forms.CharField(label=_("Capacity"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Offered now"), required=False, initial=True)

    def __init__(self, *args: Any, service: AgencyService | None = None, **kwargs: Any) -> None:
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    "service_type": service.service_type,
                    "languages": service.languages,
                    "opening_hours": service.opening_hours,
                    "capacity_note": service.capacity_note,
                    "is_active": service.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if service is not None:
            # The kind of service is what identifies it; change the details, not the kind.
            self.fields["service_type"].disabled = True
        self.fields["languages"].widget.attrs["dir"] = "ltr"
        _bootstrap(self)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
