from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.analytics import scoring
from himaya.prevention.models import ForcedLabourIndicator, ImportSource, Outcome


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.RadioSelect):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class ImportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=ImportSource.choices)
    file = forms.FileField(label=_("File (CSV or Parquet)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["file"].widget.attrs["accept"] = ".csv,.parquet"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in (".csv", ".parquet"):
            raise forms.ValidationError(_("Only CSV and Parquet files can be imported."))
        return upload


class ScoringForm(forms.Form):
    version = forms.ChoiceField(label=_("Model version"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = scoring.available_versions()
        self.fields["version"].choices = [(v, v) for v in versions]  # type: ignore[attr-defined]
        self.fields["version"].initial = scoring.DEFAULT_VERSION
        _style(self)


class PlanForm(forms.Form):
    inspectors = forms.IntegerField(label=_("Inspectors"), min_value=1, max_value=500, initial=2)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=90, initial=5)
    visits_per_day = forms.IntegerField(label=_("Visits per inspector per day"), min_value=1, max_value=10, initial=2)
    random_percent = forms.IntegerField(label=_("Random-audit slice (%)"), min_value=0, max_value=50, initial=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class AssignForm(forms.Form):
    inspectors = forms.MultipleChoiceField(label=_("Inspectors"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, inspectors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].choices = [(str(u.pk), u.full_name or u.email) for u in inspectors]  # type: ignore[attr-defined]


YES_NO = [("", _("Not checked")), ("yes", _("Yes")), ("no", _("No"))]


class InspectionForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    indicators_observed = forms.MultipleChoiceField(
        label=_("ILO forced-labour indicators observed"),
        choices=ForcedLabourIndicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    passports_held = forms.ChoiceField(label=_("Passports held by the employer"), choices=YES_NO, required=False)
    wage_records_ok = forms.ChoiceField(label=_("Wage records complete"), choices=YES_NO, required=False)
    housing_ok = forms.ChoiceField(label=_("Housing acceptable"), choices=YES_NO, required=False)
    violation_found = forms.BooleanField(label=_("A violation was found"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    @staticmethod
    def tri(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)


class FindingForm(forms.Form):
    workers = forms.MultipleChoiceField(
        label=_("Workers concerned"), required=False, widget=forms.CheckboxSelectMultiple
    )
    indicators = forms.MultipleChoiceField(
        label=_("ILO forced-labour indicators"),
        choices=ForcedLabourIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("What was found"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].choices = [(str(w.pk), f"{w.full_name} ({w.nationality})") for w in workers]  # type: ignore[attr-defined]
        _style(self)
