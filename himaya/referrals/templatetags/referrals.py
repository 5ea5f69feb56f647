"""Rows of the referral inbox and outbox, written in Python.

A box lists fifty referrals; as template markup each row was some twenty nodes, and together they
were the largest part of the page's rendering. The row is the same markup, built with
`format_html` (every value escaped) from what `views._box_row` worked out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from himaya.core.html import format_html, format_html_join

register = template.Library()


def _due(row: dict[str, Any]) -> SafeString:
    if not row["due"]:
        return SafeString("—")
    if row["overdue"]:
        return format_html('<span class="text-danger fw-bold">{}</span>', row["due"])
    return format_html("{}", row["due"])


def _urgency(row: dict[str, Any]) -> SafeString:
    if row["urgent"]:
        return format_html('<span class="badge text-bg-danger">{}</span>', row["urgency"])
    return format_html("{}", row["urgency"])


@register.simple_tag
def box_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """`<tr>` per referral: reference, case, agency, service, urgency, state, answer due."""
    return format_html_join(
        "\n",
        '<tr{}><td><a href="{}" dir="ltr">{}</a></td><td><span dir="ltr">{}</span></td><td>{}</td><td>{}</td>'
        '<td>{}</td><td><span class="badge text-bg-secondary" data-state="{}">{}</span></td><td>{}</td></tr>',
        (
            (
                SafeString(' class="table-danger"') if r["overdue"] else "",
                r["url"],
                r["reference"],
                r["case_reference"],
                r["agency"],
                r["service"],
                _urgency(r),
                r["state"],
                r["state_label"],
                _due(r),
            )
            for r in rows
        ),
    )
