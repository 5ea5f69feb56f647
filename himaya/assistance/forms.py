"""Forms of the care pages (the services validate again; these give early, translated errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.assistance import needs
from himaya.assistance.models import (
    DOMAIN_LABELS,
    ActionStatus,
    ActionType,
    ClaimKind,
    ClaimStatus,
    FollowUpOutcome,
    HearingStatus,
    NeedLevel,
    Occasion,
    Pathway,
)
from himaya.consent.forms import LANGUAGES
from himaya.referrals.models import Urgency


def _style(form: forms.Form) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        widget.attrs.setdefault("id", f"{form.prefix or 'f'}-{name}".replace("_", "-"))


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class NeedsAssessmentForm(StyledForm):
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    assessed_on = _date(_("Assessed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in needs.DOMAINS:
            self.fields[f"level_{domain}"] = forms.TypedChoiceField(
                label=DOMAIN_LABELS[domain], choices=NeedLevel.choices, coerce=int
            )
            self.fields[f"note_{domain}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        _style(self)

    def domain_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"level_{d}"], self[f"note_{d}"]) for d in needs.DOMAINS]

    def ratings(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {d: (data[f"level_{d}"], data[f"note_{d}"]) for d in needs.DOMAINS}


class GoalForm(StyledForm):
    description = forms.CharField(label=_("Goal"), max_length=1000)


class ActionForm(StyledForm):
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int)
    type = forms.ChoiceField(label=_("Type"), choices=ActionType.choices)
    responsible_agency = forms.TypedChoiceField(
        label=_("Responsible agency"),
        coerce=int,
        help_text=_("Another agency delivers the action through a referral, sent when you save."),
    )
    due_on = _date(_("Due on"))
    urgency = forms.ChoiceField(label=_("Urgency (for a referral)"), choices=Urgency.choices, initial=Urgency.NORMAL)
    description = forms.CharField(
        label=_("What will be done"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, goals: list[Any], agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [(g.pk, g.description[:80]) for g in goals]  # type: ignore[attr-defined]
        self.fields["responsible_agency"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ServiceForm(StyledForm):
    delivered_at = forms.DateTimeField(
        label=_("Delivered at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    interpreter_used = forms.BooleanField(label=_("Through an interpreter"), required=False)
    outcome = forms.CharField(label=_("Outcome"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class ExitPlanForm(StyledForm):
    pathway = forms.ChoiceField(label=_("Way out"), choices=Pathway.choices)
    exit_clearance_on = _date(_("Exit clearance granted on"), required=False)
    ticket_booked_on = _date(_("Ticket booked on"), required=False)
    escort_arranged = forms.BooleanField(label=_("Escort arranged"), required=False)
    reception_organisation = forms.CharField(
        label=_("Reception organisation in the country of origin"), required=False, max_length=200
    )
    reintegration_plan = forms.CharField(
        label=_("Reintegration plan"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    work_permit_transferred_on = _date(_("Work permit transferred on"), required=False)
    new_employer = forms.CharField(label=_("New employer"), required=False, max_length=200)
    integration_plan = forms.CharField(
        label=_("Integration plan"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    exited_on = _date(_("Date of exit"), required=False)


class TravelDocumentForm(StyledForm):
    note = forms.CharField(label=_("Note to the embassy"), required=False, max_length=3000)


class FollowUpForm(StyledForm):
    done_on = _date(_("Contacted on"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class CounsellingForm(StyledForm):
    held_on = _date(_("Held on"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    interpreter_used = forms.BooleanField(label=_("Through an interpreter"), required=False)
    summary = forms.CharField(label=_("Advice given"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class ClaimForm(StyledForm):
    party = forms.TypedChoiceField(label=_("Against (recorded at intake)"), coerce=int)
    kind = forms.ChoiceField(label=_("Claim"), choices=ClaimKind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=3, min_value=0)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), max_length=3, initial="BHD")
    period_from = _date(_("From"), required=False)
    period_to = _date(_("To"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=3000)

    def __init__(self, *args: Any, parties: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = parties  # type: ignore[attr-defined]


class ClaimStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ClaimStatus.choices)


class CourtForm(StyledForm):
    at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    court = forms.CharField(label=_("Court"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=1000)
    escort = forms.BooleanField(label=_("Escorted"), required=False)
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter"), required=False, choices=[("", _("None")), *LANGUAGES]
    )


class CompensationForm(StyledForm):
    awarded_amount = forms.DecimalField(label=_("Amount awarded"), max_digits=12, decimal_places=3, min_value=0)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), max_length=3, initial="BHD")
    awarded_on = _date(_("Awarded on"))
    paid_amount = forms.DecimalField(
        label=_("Amount paid"), max_digits=12, decimal_places=3, min_value=0, required=False
    )
    paid_on = _date(_("Paid on"), required=False)


class CourtOutcomeForm(StyledForm):
    status = forms.ChoiceField(label=_("What became of it"), choices=HearingStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, max_length=2000, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    at = forms.DateTimeField(
        label=_("New date and time (if postponed)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class CompensationPaymentForm(StyledForm):
    paid_amount = forms.DecimalField(label=_("Paid so far"), max_digits=12, decimal_places=3, min_value=0)
    paid_on = _date(_("Paid on"), required=False)


class NonRemovalForm(StyledForm):
    document = forms.CharField(label=_("Identity document number"), max_length=40)
