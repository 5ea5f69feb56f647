"""Business calendar and legal clocks per jurisdiction (Django-free).

The working week, public holidays and clock lengths are versioned configuration
(`data/<jurisdiction>.json`), because they differ by country and Islamic holidays move each year.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    jurisdiction: str
    version: str
    working_weekdays: frozenset[int]  # date.weekday() numbers
    holidays: Mapping[dt.date, Mapping[str, str]]
    clocks: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BusinessCalendar:
        days = frozenset(WEEKDAYS.index(d) for d in raw["working_days"])
        if not days:
            raise ValueError("a calendar needs at least one working day")
        holidays = {dt.date.fromisoformat(h["date"]): h["name"] for h in raw.get("holidays", [])}
        return cls(
            jurisdiction=raw["jurisdiction"],
            version=raw["version"],
            working_weekdays=days,
            holidays=holidays,
            clocks=dict(raw.get("clocks", {})),
        )

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself does not count)."""
        if days < 0:
            raise ValueError("days must be zero or more")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end is earlier).

        Whole weeks are counted at once and only the holidays inside the span are looked at, so a
        deadline months overdue costs no more than one due tomorrow (dashboards list many of them).
        """
        if end < start:
            return -self.working_days_between(end, start)
        weeks, rest = divmod((end - start).days, 7)
        first = start.weekday()
        count = weeks * len(self.working_weekdays)
        count += sum(1 for n in range(1, rest + 1) if (first + n) % 7 in self.working_weekdays)
        days = self._holidays_on_working_weekdays
        return count - (bisect.bisect_right(days, end) - bisect.bisect_right(days, start))

    @cached_property
    def _holidays_on_working_weekdays(self) -> list[dt.date]:
        return sorted(d for d in self.holidays if d.weekday() in self.working_weekdays)

    def working_days_in(self, days: Iterable[dt.date]) -> int:
        return sum(1 for d in days if self.is_working_day(d))

    # --- NRM clocks ---------------------------------------------------------------------
    def reasonable_grounds_due(self, referred_on: dt.date) -> dt.date:
        return self.add_working_days(referred_on, self.clocks["reasonable_grounds_working_days"])

    def recovery_period_ends(self, positive_rg_on: dt.date) -> dt.date:
        """No conclusive decision before this date (calendar days, at least 30)."""
        return positive_rg_on + dt.timedelta(days=self.clocks["recovery_period_days"])

    def conclusive_grounds_due(self, positive_rg_on: dt.date) -> dt.date:
        return positive_rg_on + dt.timedelta(days=self.clocks["conclusive_grounds_target_days"])

    def move_on_ends(self, positive_cg_on: dt.date) -> dt.date:
        return positive_cg_on + dt.timedelta(days=self.clocks["move_on_days"])


def load_calendar(jurisdiction: str = "BH", data_dir: Path = DATA_DIR) -> BusinessCalendar:
    path = data_dir / f"{jurisdiction.lower()}.json"
    cal = BusinessCalendar.from_dict(json.loads(path.read_text(encoding="utf-8")))
    if cal.clocks.get("recovery_period_days", 30) < 30:
        raise ValueError("the recovery and reflection period must be at least 30 days")
    return cal
