"""himaya.core.html renders exactly what Django's format_html does, escaping every value."""

from __future__ import annotations

import django.utils.html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from himaya.core import html

VALUES = [
    "plain",
    "<script>alert(\"x\")</script> & 'quote'",
    mark_safe("<b>kept</b>"),
    SafeString(""),
    gettext_lazy("Urgent"),
    42,
    None,
    "عربي <مع> & علامات",
]
FORMAT = '<td data-x="{}">{}</td>'


def test_each_value_is_escaped_as_django_escapes_it() -> None:
    with override("ar"):
        for first in VALUES:
            for second in VALUES:
                ours = html.format_html(FORMAT, first, second)
                assert ours == django_html.format_html(FORMAT, first, second)
                assert isinstance(ours, SafeString)
    assert "<script>" not in html.format_html("{}", VALUES[1])


def test_join_matches_django() -> None:
    rows = [(a, b) for a in VALUES for b in VALUES[:3]]
    assert html.format_html_join("\n", FORMAT, rows) == django_html.format_html_join("\n", FORMAT, rows)
    assert html.format_html_join("<br>", "{}", [("x",)]) == django_html.format_html_join("<br>", "{}", [("x",)])
