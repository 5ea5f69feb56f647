"""Occupancy arithmetic (Django-free): nights occupied per day, and the average length of stay.

A stay occupies the nights from its admission date up to, not including, the date it ended: a
person admitted on the 1st and discharged on the 3rd slept two nights (1st and 2nd). An open
stay occupies every night up to the end of the window. A stay admitted and discharged the same
day counts one day for the average length of stay (the bed was used) but no night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

Span = tuple[dt.date, dt.date | None]
# (first night counted, date left or None, how many stays): the grouped rows of the report's query.
Group = tuple[dt.date, dt.date | None, int]


def nightly_occupancy(stays: Iterable[Span], first: dt.date, last: dt.date) -> list[int]:
    """How many stays occupied a bed on each night from `first` to `last` inclusive."""
    if last < first:
        return []
    days = (last - first).days + 1
    delta = [0] * (days + 1)
    for start, end in stays:
        lo = max(start, first)
        hi = min(end, last + dt.timedelta(days=1)) if end is not None else last + dt.timedelta(days=1)
        if hi <= lo:
            continue
        delta[(lo - first).days] += 1
        delta[(hi - first).days] -= 1
    counts: list[int] = []
    running = 0
    for change in delta[:days]:
        running += change
        counts.append(running)
    return counts


def average_length_of_stay(stays: Iterable[tuple[dt.date, dt.date]]) -> float | None:
    """Mean days per ended stay (a same-day stay counts as one day); None without ended stays."""
    total = count = 0
    for start, end in stays:
        total += max(1, (end - start).days)
        count += 1
    return round(total / count, 1) if count else None


def nightly_occupancy_grouped(groups: Iterable[Group], first: dt.date, last: dt.date) -> list[int]:
    """`nightly_occupancy` over stays already grouped by (start, end) with a count each."""
    if last < first:
        return []
    days = (last - first).days + 1
    delta = [0] * (days + 1)
    for start, end, n in groups:
        lo = max(start, first)
        hi = min(end, last + dt.timedelta(days=1)) if end is not None else last + dt.timedelta(days=1)
        if hi <= lo or lo > last:
            continue
        delta[(lo - first).days] += n
        delta[(hi - first).days] -= n
    counts: list[int] = []
    running = 0
    for change in delta[:days]:
        running += change
        counts.append(running)
    return counts


def average_length_of_stay_grouped(groups: Iterable[tuple[dt.date, dt.date, int]]) -> tuple[float | None, int]:
    """(mean days per ended stay, number of stays) over (start, end, count) groups."""
    total = count = 0
    for start, end, n in groups:
        total += max(1, (end - start).days) * n
        count += n
    return (round(total / count, 1) if count else None), count
