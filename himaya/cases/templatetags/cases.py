"""Rows of the case list, written in Python.

The case list shows 25 cases; as template markup each row was some twenty nodes, the largest part
of the page's rendering. The row is the same markup, built with `format_html` (every value
escaped; the stage badge and dates arrive already built by `views._list_row`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from himaya.core.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def case_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """`<tr>` per case: reference (and urgency), stage, category, decision due, agency, opened."""
    urgent = format_html(' <span class="badge text-bg-danger ms-1">{}</span>', _("Urgent"))
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', _("Overdue"))
    empty = SafeString("")

    def due(row: dict[str, Any]) -> SafeString:
        if not row["due"]:
            return SafeString("—")
        return format_html("{}{}", row["due"], overdue if row["overdue"] else empty)

    return format_html_join(
        "\n",
        '<tr><td><a href="{}" dir="ltr">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                r["url"],
                r["case"].reference,
                urgent if r["case"].is_urgent else empty,
                r["stage"],
                r["category"],
                due(r),
                r["agency"],
                r["opened"],
            )
            for r in rows
        ),
    )


@register.simple_tag
def overview_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """`<li>` per case on the coordinator overview; overdue rows (with `days`) carry their badge."""

    def badge(row: dict[str, Any]) -> SafeString:
        if "days" not in row:
            return SafeString("")
        days = row["days"]
        text = ngettext("%(n)s working day overdue", "%(n)s working days overdue", days) % {"n": days}
        return format_html('<span class="badge text-bg-danger">{}</span>', text)

    return format_html_join(
        "\n",
        '<li class="list-group-item px-0 d-flex flex-wrap gap-2"><a href="{}" dir="ltr">{}</a>'
        '<span class="me-auto">{} · {}</span><span>{}</span>{}</li>',
        ((r["url"], r["case"].reference, r["stage"], r["agency"], r["due_html"], badge(r)) for r in rows),
    )
