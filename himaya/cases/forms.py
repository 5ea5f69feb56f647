"""Forms of the case pages (the services validate again; these give early, translated errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.cases.models import STAGE_CHOICES, Category, DecidingOrg, DecisionKind, DecisionOutcome


class CaseFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages")), *STAGE_CHOICES])
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue decisions"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-select"
            field.widget.attrs.update({"class": css, "id": f"filter-{name}"})


class TransitionForm(forms.Form):
    event = forms.CharField(max_length=40)
    reasons = forms.CharField(label=_("Reason"), required=False, max_length=200)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    deciding_org = forms.ChoiceField(label=_("Deciding organisation type"), choices=DecidingOrg.choices)
    reasons = forms.CharField(
        label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["deciding_org"].widget.attrs["class"] = "form-select"


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class ReconsiderationForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why should the decision be reconsidered?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class AssignForm(forms.Form):
    """Assign to one of `staff` (the owning agency's case staff), or to nobody."""

    assigned_to = forms.TypedChoiceField(label=_("Assign to"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {u.pk: u for u in staff}
        field = self.fields["assigned_to"]
        field.choices = [("", _("Nobody")), *((u.pk, u.full_name or u.email) for u in staff)]  # type: ignore[attr-defined]
        field.widget.attrs.update({"class": "form-select", "id": "assign-to"})

    def assignee(self) -> Any:
        pk = self.cleaned_data.get("assigned_to")
        return self.staff.get(pk) if pk is not None else None
