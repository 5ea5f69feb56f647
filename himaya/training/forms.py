"""Forms of the training centre's pages (shape only: the services validate and decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.training.models import Course, SessionLanguage


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")


class SessionForm(BootstrapForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language"), choices=SessionLanguage.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    trainers = forms.ModelMultipleChoiceField(label=_("Trainers"), queryset=User.objects.none(), required=False)
    partners = forms.CharField(
        label=_("Partner organisations"), max_length=300, required=False, help_text=_("E.g. UNODC, IOM, ILO.")
    )
    published = forms.BooleanField(label=_("Show in the public catalogue"), required=False, initial=True)

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["trainers"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, roles__role__in=[Role.TRAINER, Role.TRAINING_OFFICER])
            .distinct()
            .order_by("full_name")
        )


class NominateForm(BootstrapForm):
    participant = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = staff  # type: ignore[attr-defined]


class AttendanceForm(BootstrapForm):
    day = forms.DateField(label=_("Day"))
    present = forms.TypedChoiceField(
        label=_("Present"), choices=[("1", _("Present")), ("0", _("Absent"))], coerce=lambda v: v == "1"
    )


class DeliveryForm(BootstrapForm):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))


class RevokeForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EvaluationForm(BootstrapForm):
    RATINGS = [(str(i), str(i)) for i in range(1, 6)]
    rating = forms.TypedChoiceField(label=_("Overall rating (1 to 5)"), choices=RATINGS, coerce=int)
    relevance = forms.TypedChoiceField(label=_("Relevance to my work (1 to 5)"), choices=RATINGS, coerce=int)
    comment = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
