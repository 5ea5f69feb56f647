"""A score's reasons as sentences, in the reader's language ("wages unpaid 3+ months for 40 % of workers")."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from himaya.prevention.models import ForcedLabourIndicator


def _percent(value: float) -> str:
    return f"{number_format(round(100 * value))} %"


def _rate(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1)


def sentence(reason: dict[str, Any]) -> str:
    code, value, count = reason.get("code"), float(reason.get("value", 0)), int(reason.get("count", 0))
    if code == "unpaid_3m":
        return ngettext(
            "wages unpaid 3+ months for %(percent)s of workers (%(count)d worker)",
            "wages unpaid 3+ months for %(percent)s of workers (%(count)d workers)",
            count,
        ) % {"percent": _percent(value), "count": count}
    if code == "late_3m":
        return ngettext(
            "wages paid late 3+ months for %(percent)s of workers (%(count)d worker)",
            "wages paid late 3+ months for %(percent)s of workers (%(count)d workers)",
            count,
        ) % {"percent": _percent(value), "count": count}
    if code == "underpaid":
        return _("paid below the contract wage in %(percent)s of pay months") % {"percent": _percent(value)}
    complaints = {
        "passport_retention": lambda n: ngettext(
            "%(count)d passport-retention complaint", "%(count)d passport-retention complaints", n
        ),
        "recruitment_fees": lambda n: ngettext(
            "%(count)d recruitment-fee complaint", "%(count)d recruitment-fee complaints", n
        ),
        "excessive_hours": lambda n: ngettext(
            "%(count)d excessive-hours complaint", "%(count)d excessive-hours complaints", n
        ),
        "housing": lambda n: ngettext("%(count)d housing complaint", "%(count)d housing complaints", n),
        "abuse": lambda n: ngettext("%(count)d abuse complaint", "%(count)d abuse complaints", n),
        "unpaid_wage_complaints": lambda n: ngettext(
            "%(count)d unpaid-wages complaint", "%(count)d unpaid-wages complaints", n
        ),
    }
    if code in complaints:
        text = complaints[code](count) % {"count": count}
        return _("%(what)s (%(rate)s per 100 workers)") % {"what": text, "rate": _rate(value)}
    if code == "absconding":
        return ngettext(
            "%(count)d absconding report filed by the employer (%(rate)s per 100 workers)",
            "%(count)d absconding reports filed by the employer (%(rate)s per 100 workers)",
            count,
        ) % {"count": count, "rate": _rate(value)}
    if code == "turnover":
        return _("%(rate)s permit transfers away per 100 workers") % {"rate": _rate(value)}
    if code == "previous_violation":
        return ngettext(
            "%(count)d earlier inspection found a violation", "%(count)d earlier inspections found violations", count
        ) % {"count": count}
    if code == "sector_base_rate":
        return _("sector with a high violation rate (%(percent)s of inspections)") % {"percent": _percent(value)}
    return str(code)


def explain(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each reason with its sentence, points and the ILO indicators it evidences (code and label)."""
    labels = dict(ForcedLabourIndicator.choices)
    return [
        {
            "code": r.get("code"),
            "points": r.get("points"),
            "text": sentence(r),
            "indicators": [{"code": c, "label": str(labels.get(c, c))} for c in r.get("fl", [])],
        }
        for r in reasons
    ]
