"""Certification rules and assessment scoring (Django-free, table-tested).

A participant earns a course's certificate when all of the course's rules hold:
- attendance: present on at least `attendance_threshold` % of the session's days;
- post-test: scored at least `pass_mark` %;
- for courses that ask for it (training of trainers): a supervised delivery is recorded.

`evaluate` returns every unmet rule (not only the first), so the centre can tell the participant
exactly what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ATTENDANCE = "attendance"
POST_TEST = "post_test"
SUPERVISED_DELIVERY = "supervised_delivery"


@dataclass(frozen=True)
class Rules:
    attendance_threshold: int  # percent of days
    pass_mark: int  # percent
    requires_supervised_delivery: bool = False


@dataclass(frozen=True)
class Record:
    days: int
    days_present: int
    post_score: int | None
    supervised_delivery: bool = False


@dataclass(frozen=True)
class Outcome:
    unmet: tuple[str, ...] = field(default_factory=tuple)
    attendance_percent: int = 0

    @property
    def eligible(self) -> bool:
        return not self.unmet


def attendance_percent(days: int, present: int) -> int:
    """Whole percent, rounded down (a threshold of 80 % is not met by 79.9 %)."""
    if days <= 0:
        return 0
    return (100 * min(present, days)) // days


def evaluate(rules: Rules, record: Record) -> Outcome:
    unmet: list[str] = []
    percent = attendance_percent(record.days, record.days_present)
    if record.days <= 0 or percent < rules.attendance_threshold:
        unmet.append(ATTENDANCE)
    if record.post_score is None or record.post_score < rules.pass_mark:
        unmet.append(POST_TEST)
    if rules.requires_supervised_delivery and not record.supervised_delivery:
        unmet.append(SUPERVISED_DELIVERY)
    return Outcome(unmet=tuple(unmet), attendance_percent=percent)


@dataclass(frozen=True)
class BankQuestion:
    id: int
    options: int  # how many options
    correct: int
    points: int = 1


class AnswerError(ValueError):
    """An answer sheet that does not fit the bank (unknown question, option out of range, missing)."""

    def __init__(self, code: str, question_id: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.question_id = question_id


def score(bank: Sequence[BankQuestion], answers: Mapping[int, int]) -> int:
    """Percent of the bank's points earned (rounded half up); every question must be answered."""
    if not bank:
        raise AnswerError("empty_bank")
    known = {q.id for q in bank}
    for question_id in answers:
        if question_id not in known:
            raise AnswerError("unknown_question", question_id)
    earned = total = 0
    for question in bank:
        if question.id not in answers:
            raise AnswerError("unanswered", question.id)
        chosen = answers[question.id]
        if not 0 <= chosen < question.options:
            raise AnswerError("bad_option", question.id)
        total += question.points
        if chosen == question.correct:
            earned += question.points
    if total == 0:
        raise AnswerError("empty_bank")
    return (200 * earned + total) // (2 * total)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(candidate, day.day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists
