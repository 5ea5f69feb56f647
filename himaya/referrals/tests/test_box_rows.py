"""The rows of a referral box: every value escaped, overdue answers marked, urgency as a badge."""

from __future__ import annotations

from himaya.referrals.templatetags.referrals import box_rows


def _row(**over):
    row = {
        "pk": 1,
        "url": "/referrals/1/",
        "reference": "R-2026-000001",
        "case_reference": "C-2026-000001",
        "agency": "Shelter <&> Co",
        "service": "Shelter",
        "urgent": False,
        "urgency": "Routine",
        "state": "sent",
        "state_label": "Sent",
        "overdue": False,
        "due": "in 2 hours",
    }
    row.update(over)
    return row


def test_a_row_shows_every_column_escaped() -> None:
    html = box_rows([_row()])
    assert html.startswith('<tr><td><a href="/referrals/1/" dir="ltr">R-2026-000001</a></td>')
    assert "Shelter &lt;&amp;&gt; Co" in html and "<&>" not in html
    assert '<span class="badge text-bg-secondary" data-state="sent">Sent</span>' in html
    assert "<td>Routine</td>" in html and "<td>in 2 hours</td>" in html


def test_overdue_and_urgent_rows_stand_out_and_answered_ones_show_a_dash() -> None:
    html = box_rows([_row(overdue=True, urgent=True, urgency="Urgent", due="Overdue by 3 hours"), _row(due="")])
    first, second = html.split("\n")
    assert first.startswith('<tr class="table-danger">')
    assert '<span class="badge text-bg-danger">Urgent</span>' in first
    assert '<span class="text-danger fw-bold">Overdue by 3 hours</span>' in first
    assert second.startswith("<tr>") and second.endswith("<td>—</td></tr>")
