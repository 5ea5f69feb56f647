"""Forms for referrals. They shape input; the services decide and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.agencies.forms import _bootstrap
from himaya.agencies.models import Agency, ServiceType
from himaya.referrals.models import ReferralState, Urgency


class SendForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service needed"), choices=ServiceType.choices)
    to_agency = forms.ModelChoiceField(label=_("Refer to"), queryset=Agency.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    reason = forms.CharField(
        label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000, required=False
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        _bootstrap(self)


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Reason or outcome"), max_length=3000, required=False, widget=forms.Textarea)


class BoxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *ReferralState.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class DirectoryForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *ServiceType.choices]
    )
    language = forms.RegexField(
        label=_("Language (ISO 639 code)"),
        required=False,
        regex=r"^[A-Za-z]{2,3}$",
        error_messages={"invalid": _("Enter a two- or three-letter language code, e.g. ar, en, hi.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
