"""Answer deadlines for referrals: per service type × urgency, configuration as data (data/sla.json).

Hours are wall-clock; working days follow the jurisdiction's business calendar and keep the local
time of day of the sending (sent Thursday 10:00 with two working days in Bahrain: due Monday 10:00).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from himaya.clocks.business_calendar import BusinessCalendar, load_calendar

SLA_FILE = Path(__file__).resolve().parent / "data" / "sla.json"


@lru_cache(maxsize=4)
def load_sla(path: Path = SLA_FILE) -> dict[str, Any]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    for rules in [raw["default"], *raw.get("services", {}).values()]:
        for urgency, rule in rules.items():
            if set(rule) not in ({"hours"}, {"working_days"}) or int(next(iter(rule.values()))) < 0:
                raise ValueError(f"bad SLA rule for {urgency}: {rule}")
    return raw


def rule_for(service_type: str, urgency: str, sla: dict[str, Any] | None = None) -> dict[str, int]:
    sla = sla if sla is not None else load_sla()
    service_rules = sla.get("services", {}).get(service_type, {})
    return dict(service_rules.get(urgency) or sla["default"][urgency])


def answer_due(
    *,
    sent_at: dt.datetime,
    service_type: str,
    urgency: str,
    calendar: BusinessCalendar | None = None,
    tz: str = "Asia/Bahrain",
    sla: dict[str, Any] | None = None,
) -> dt.datetime:
    """When the receiving agency must have answered a referral sent at `sent_at` (aware datetime)."""
    rule = rule_for(service_type, urgency, sla)
    if "hours" in rule:
        return sent_at + dt.timedelta(hours=rule["hours"])
    calendar = calendar or load_calendar()
    local = sent_at.astimezone(ZoneInfo(tz))
    day = calendar.add_working_days(local.date(), rule["working_days"])
    return dt.datetime.combine(day, local.timetz()).astimezone(dt.UTC)
