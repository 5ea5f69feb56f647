"""The rows of the case list: values escaped, urgent cases and overdue decisions marked."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation
from django.utils.safestring import SafeString

from himaya.cases.templatetags.cases import case_rows


def _row(urgent=False, due="", overdue=False):
    return {
        "url": "/cases/7/",
        "case": SimpleNamespace(reference="C-2026-000007", is_urgent=urgent),
        "stage": SafeString('<span class="badge">RG</span>'),
        "category": "Abuse <b>",
        "due": SafeString(due),
        "overdue": overdue,
        "agency": "Centre & co",
        "opened": SafeString("<time>2 Dec</time>"),
    }


def test_a_row_shows_every_column_with_text_escaped_and_built_html_kept() -> None:
    html = case_rows([_row()])
    assert html.startswith('<tr><td><a href="/cases/7/" dir="ltr">C-2026-000007</a></td>')
    assert '<td><span class="badge">RG</span></td>' in html
    assert "<td>Abuse &lt;b&gt;</td>" in html and "<td>Centre &amp; co</td>" in html
    assert "<td>—</td>" in html and "<td><time>2 Dec</time></td></tr>" in html


def test_urgent_cases_and_overdue_decisions_carry_badges_in_the_reader_s_language() -> None:
    with translation.override("ar"):
        html = case_rows([_row(urgent=True, due="<time>1 Dec</time>", overdue=True)])
    assert '<span class="badge text-bg-danger ms-1">عاجلة</span>' in html
    assert '<td><time>1 Dec</time> <span class="badge text-bg-danger">' in html
    assert "Overdue" not in html and "Urgent" not in html


def test_overview_rows_count_working_days_overdue_in_the_reader_s_language() -> None:
    from himaya.cases.templatetags.cases import overview_rows

    base = {"url": "/cases/7/", "case": SimpleNamespace(reference="C-7"), "stage": "RG <pending>"}
    rows = [{**base, "agency": "A & B", "due_html": SafeString("<time>1 Dec</time>"), "days": 1}]
    rows.append({**base, "agency": "C", "due_html": SafeString("<time>2 Dec</time>"), "days": 3})
    with translation.override("en"):
        html = overview_rows(rows)
        due = overview_rows([{**base, "agency": "C", "due_html": SafeString("<time>9 Dec</time>")}])
    with translation.override("ar"):
        arabic = overview_rows(rows[:1])
    first, second = html.split("\n")
    assert '<a href="/cases/7/" dir="ltr">C-7</a><span class="me-auto">RG &lt;pending&gt; · A &amp; B</span>' in first
    assert first.endswith('<span class="badge text-bg-danger">1 working day overdue</span></li>')
    assert "3 working days overdue" in second
    assert "badge" not in due and "<span><time>9 Dec</time></span></li>" in due
    assert "يوم عمل" in arabic
