"""The wizard's steps as data: which forms each step shows, how stored JSON binds them again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.intake.forms import (
    EncounterForm,
    EventFormSet,
    PartyFormSet,
    PersonStepForm,
    RisksForm,
    SituationForm,
    to_data,
)

TITLES = {
    1: _("Encounter"),
    2: _("The person"),
    3: _("Situation"),
    4: _("Events and people involved"),
    5: _("Immediate risks"),
    6: _("Review and submit"),
}
LAST = 6
SINGLE: dict[int, type[forms.Form]] = {1: EncounterForm, 2: PersonStepForm, 3: SituationForm, 5: RisksForm}
ROWS: dict[str, Any] = {"events": EventFormSet, "parties": PartyFormSet}


def build(
    step: int, data: Mapping[str, Any] | None = None, *, stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The step's form(s), bound to posted `data`, or unbound with `stored` JSON as initial values."""
    if step in SINGLE:
        return {"main": SINGLE[step](data=data, initial=dict(stored) if stored else None)}
    if step == 4:
        out = {}
        for prefix, formset in ROWS.items():
            rows = list((stored or {}).get(prefix) or [])
            out[prefix] = formset(data=data, initial=rows or None, prefix=prefix)
        return out
    return {}


def _coerce(form_class: Any, values: Any) -> dict[str, Any]:
    """Only the form's own fields, each in the shape its widget reads (JSON may send anything)."""
    if not isinstance(values, Mapping):
        return {}
    out: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if name not in values:
            continue
        value = values[name]
        if isinstance(field, forms.MultipleChoiceField):
            items = value if isinstance(value, list) else [value]
            out[name] = [str(v) for v in items if isinstance(v, str | int) and not isinstance(v, bool)]
        elif isinstance(field, forms.BooleanField):
            out[name] = value is True or (isinstance(value, str) and value.lower() in ("on", "true", "1"))
        else:
            if isinstance(value, list):
                value = value[-1] if value else ""
            out[name] = "" if value is None or isinstance(value, dict | list | bool) else str(value)
    return out


def json_to_post(step: int, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored (or API) JSON as the input the step's forms accept."""
    if step in SINGLE:
        return _coerce(SINGLE[step], stored)
    if step != 4:
        return {}
    post: dict[str, Any] = {}
    for prefix, formset in ROWS.items():
        rows = stored.get(prefix) or []
        if not isinstance(rows, list):
            rows = []
        rows = rows[:50]  # the formset refuses more than its maximum with a clear error
        post[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        post[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in _coerce(formset.form, row).items():
                post[f"{prefix}-{i}-{key}"] = value
    return post


def is_valid(bound: Mapping[str, Any]) -> bool:
    return all(f.is_valid() for f in bound.values())


def extract(step: int, bound: Mapping[str, Any]) -> dict[str, Any]:
    """The validated values of a step as JSON (empty repeatable rows dropped)."""
    if step == 4:
        return {
            prefix: [to_data(f.cleaned_data) for f in bound[prefix].forms if f.has_changed() and f.cleaned_data]
            for prefix in ROWS
        }
    return to_data(bound["main"].cleaned_data)


def errors_of(bound: Mapping[str, Any]) -> list[str]:
    """Every error message of a step, flat (for the API and the review page)."""
    messages: list[str] = []
    for item in bound.values():
        if isinstance(item, forms.BaseFormSet):
            messages += [str(e) for e in item.non_form_errors()]
            for form in item.forms:
                messages += [
                    f"{form[name].label}: {e}" if name != "__all__" else str(e)
                    for name, errs in form.errors.items()
                    for e in errs
                ]
        else:
            messages += [
                f"{item[name].label}: {e}" if name != "__all__" else str(e)
                for name, errs in item.errors.items()
                for e in errs
            ]
    return messages


def check(step: int, stored: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, list[str]]:
    """Re-validate stored JSON: (clean values, []) or (None, error messages)."""
    if stored is None:
        return None, [str(_("This step has not been completed."))]
    bound = build(step, json_to_post(step, stored))
    if not is_valid(bound):
        return None, errors_of(bound)
    return extract(step, bound), []


def _display(field: forms.Field, value: Any) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(field, forms.BooleanField):
        return str(_("Yes")) if value else ""
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value))


def summary(step: int, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) of a single-form step's filled-in fields, for the review page."""
    if step not in SINGLE:
        return []
    form = SINGLE[step]()
    rows = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        shown = _display(field, values.get(name))
        if shown:
            rows.append((str(field.label), shown))
    return rows


def row_summaries(values: Mapping[str, Any]) -> dict[str, list[list[tuple[str, str]]]]:
    """Step 4's rows as (label, value) lists, per kind ("events", "parties")."""
    out: dict[str, list[list[tuple[str, str]]]] = {}
    for prefix, formset in ROWS.items():
        form = formset.form()
        out[prefix] = [
            [(str(f.label), s) for n, f in form.fields.items() if (s := _display(f, row.get(n)))]
            for row in values.get(prefix) or []
        ]
    return out
