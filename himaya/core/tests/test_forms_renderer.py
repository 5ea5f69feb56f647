"""The fast form renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from himaya.core.forms import FAST, Renderer

CHOICES = [("", "—"), ("a", "Alpha & <b>"), ("b", mark_safe("<i>Beta</i>")), (3, "ثلاثة")]
GROUPED = [("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Zed")]


class Everything(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "form-control", "data-x": 'a"b'}))
    number = forms.IntegerField(required=False, min_value=0)
    email = forms.EmailField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    flag = forms.BooleanField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)  # left to Django
    upload = forms.FileField(required=False)


BOUND = [
    {},
    {"text": "<script>", "number": "0", "email": "a@b.c", "hidden": "h&", "flag": "on", "day": "2026-12-03"},
    {"secret": 'p"w', "notes": "line 1\n<line 2>", "choice": "b", "grouped": "y", "many": ["a", "3"], "radio": "a"},
    {"choice": "3", "notes": "", "text": ""},
]


@pytest.mark.parametrize("data", [None, *BOUND])
def test_every_widget_renders_as_django_renders_it(data) -> None:
    initial = {"day": dt.date(2026, 1, 2), "notes": "<初期>", "text": 0, "flag": True}
    ours, django = (
        Everything(data, initial=initial, renderer=Renderer()),
        Everything(data, initial=initial, renderer=DjangoTemplates()),
    )
    for name in Everything.base_fields:
        assert str(ours[name]) == str(django[name]), name


def test_it_covers_the_widgets_of_the_pages() -> None:
    assert {"django/forms/widgets/select.html", "django/forms/widgets/text.html"} <= set(FAST)
    assert "django/forms/widgets/radio.html" not in FAST


def test_the_plain_widgets_do_not_go_through_templates(monkeypatch) -> None:
    drawn: list[str] = []

    def by_template(self, template_name, context, request=None):
        drawn.append(template_name)
        return ""

    monkeypatch.setattr(DjangoTemplates, "render", by_template)
    form = Everything(BOUND[2], renderer=Renderer())
    for name in Everything.base_fields:
        str(form[name])
    assert drawn == ["django/forms/widgets/radio.html", "django/forms/widgets/clearable_file_input.html"]
