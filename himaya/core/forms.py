"""The form renderer: Django's, with the plain widgets written out in Python.

Django draws every widget through a template, and every option of a select through another
include: the filters above the case list and the referral inbox, and the decision forms on a case
page, cost a few hundred template nodes a page (5 % of its CPU). This renderer writes the same HTML
for the widgets whose templates are Django's own and simple — the `<input>` family, `<textarea>`,
and `<select>` with plain options — and leaves every other template to Django. The output is the
same, byte for byte: himaya/core/tests/test_forms_renderer.py renders each widget both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{escape(str(value))}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str | None:
    value = widget["value"]
    shown = f' value="{escape(str(value))}"' if value != None else ""  # noqa: E711 (the template's `!= None`)
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict[str, Any]) -> str | None:
    value = widget["value"]
    body = conditional_escape(value) if value else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>'


def _select(widget: dict[str, Any]) -> str | None:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None  # a custom option template: Django draws the whole select
            out.append(
                f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


INPUT_TYPES: tuple[str, ...] = ("checkbox", "color", "date", "datetime", "email", "file", "hidden", "number")
INPUT_TYPES += ("password", "search", "tel", "text", "time", "url")
FAST: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUT_TYPES},
    WIDGETS + "input.html": _input,
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = FAST.get(template_name)
        if fast is not None and "widget" in context:
            html = fast(context["widget"])
            if html is not None:
                return html.strip()
        return str(super().render(template_name, context, request))
