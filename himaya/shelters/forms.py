"""Forms for shelter work. They shape input; the services decide and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.agencies.forms import _bootstrap
from himaya.shelters.models import (
    PRIORITY_CHOICES,
    AbsenceReason,
    Accessibility,
    Bed,
    Destination,
    DischargeReason,
    Group,
)
from himaya.shelters.services import MAX_BEDS_PER_GROUP


class BedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.shelter.name} · {obj.room.name} · {obj.label} ({obj.room.get_group_display()})"


class AdmitForm(forms.Form):
    bed = BedChoiceField(label=_("Bed"), queryset=Bed.objects.none(), empty_label=None)

    def __init__(self, *args: Any, beds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bed"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = beds
        _bootstrap(self)


class EmergencyForm(AdmitForm):
    reason = forms.CharField(
        label=_("Why this cannot wait for a referral answer"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class TransferForm(AdmitForm):
    note = forms.CharField(
        label=_("Note"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )


class DischargeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=DischargeReason.choices)
    destination = forms.ChoiceField(label=_("Destination"), choices=Destination.choices)
    note = forms.CharField(
        label=_("Note"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class AbsenceForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=AbsenceReason.choices)
    expected_back = forms.DateTimeField(
        label=_("Expected back"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"expected_back": timezone.localtime() + dt.timedelta(days=1)})
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class WaitingForm(forms.Form):
    group = forms.ChoiceField(label=_("Needs a bed for"), choices=Group.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CloseBedForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=[(30, _("Last 30 days")), (90, _("Last 90 days")), (365, _("Last 12 months"))],
        initial=90,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


def _checkboxes(form: forms.Form, name: str) -> None:
    form.fields[name].widget.attrs["class"] = "form-check-input"


class ShelterForm(forms.Form):
    """A facility: names, address, accessibility and beds per group (the capacity)."""

    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl"}))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, widget=forms.TextInput(attrs={"dir": "ltr"}))
    address_ar = forms.CharField(
        label=_("Address (Arabic)"), max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    address_en = forms.CharField(
        label=_("Address (English)"), max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility features"),
        choices=Accessibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Group.choices:
            self.fields[f"capacity_{value}"] = forms.IntegerField(
                label=label, min_value=0, max_value=MAX_BEDS_PER_GROUP, initial=0
            )
        _bootstrap(self)
        _checkboxes(self, "accessibility")

    @property
    def capacity_fields(self) -> list[Any]:
        return [self[f"capacity_{value}"] for value in Group.values]

    def capacity(self) -> dict[str, int]:
        return {value: self.cleaned_data[f"capacity_{value}"] for value in Group.values}


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room"), max_length=60, widget=forms.TextInput(attrs={"dir": "auto"}))
    group = forms.ChoiceField(label=_("For"), choices=Group.choices)
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility features"),
        choices=Accessibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, with_beds: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_beds:
            self.fields["beds"] = forms.IntegerField(
                label=_("Beds"), min_value=0, max_value=MAX_BEDS_PER_GROUP, initial=1
            )
        _bootstrap(self)
        _checkboxes(self, "accessibility")


class AddBedsForm(forms.Form):
    count = forms.IntegerField(label=_("Beds to add"), min_value=1, max_value=MAX_BEDS_PER_GROUP, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class BedLabelForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=20, widget=forms.TextInput(attrs={"dir": "auto"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class WithdrawWaitingForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.TextInput(attrs={"dir": "auto"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=PRIORITY_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
