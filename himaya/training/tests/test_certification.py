"""Certification rules and scoring, table-driven (no Django)."""

from __future__ import annotations

import datetime as dt

import pytest

from himaya.training.certification import (
    ATTENDANCE,
    POST_TEST,
    SUPERVISED_DELIVERY,
    AnswerError,
    BankQuestion,
    Record,
    Rules,
    add_months,
    attendance_percent,
    evaluate,
    score,
)

PRACTITIONER = Rules(attendance_threshold=80, pass_mark=70)
TOT = Rules(attendance_threshold=100, pass_mark=80, requires_supervised_delivery=True)


@pytest.mark.parametrize(
    ("rules", "record", "unmet"),
    [
        (PRACTITIONER, Record(days=5, days_present=4, post_score=70), ()),
        (PRACTITIONER, Record(days=5, days_present=5, post_score=100), ()),
        (PRACTITIONER, Record(days=5, days_present=3, post_score=90), (ATTENDANCE,)),
        (PRACTITIONER, Record(days=5, days_present=4, post_score=69), (POST_TEST,)),
        (PRACTITIONER, Record(days=5, days_present=4, post_score=None), (POST_TEST,)),
        (PRACTITIONER, Record(days=5, days_present=0, post_score=None), (ATTENDANCE, POST_TEST)),
        (PRACTITIONER, Record(days=0, days_present=0, post_score=100), (ATTENDANCE,)),
        # 80 % of 6 days is 4.8: 4 days (66 %) is not enough, 5 (83 %) is
        (PRACTITIONER, Record(days=6, days_present=4, post_score=100), (ATTENDANCE,)),
        (PRACTITIONER, Record(days=6, days_present=5, post_score=100), ()),
        # ToT: also a supervised delivery
        (TOT, Record(days=3, days_present=3, post_score=85, supervised_delivery=True), ()),
        (TOT, Record(days=3, days_present=3, post_score=85), (SUPERVISED_DELIVERY,)),
        (TOT, Record(days=3, days_present=2, post_score=79), (ATTENDANCE, POST_TEST, SUPERVISED_DELIVERY)),
        # a supervised delivery does not make up for a failed test
        (TOT, Record(days=3, days_present=3, post_score=50, supervised_delivery=True), (POST_TEST,)),
    ],
)
def test_it_applies_every_certification_rule(rules, record, unmet):
    outcome = evaluate(rules, record)
    assert outcome.unmet == unmet
    assert outcome.eligible == (not unmet)


@pytest.mark.parametrize(
    ("days", "present", "percent"),
    [(5, 4, 80), (3, 2, 66), (0, 0, 0), (4, 9, 100), (7, 7, 100)],
)
def test_it_rounds_attendance_down(days, present, percent):
    assert attendance_percent(days, present) == percent


BANK = [BankQuestion(1, 2, 0), BankQuestion(2, 3, 2), BankQuestion(3, 2, 1, points=2)]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({1: 0, 2: 2, 3: 1}, 100),
        ({1: 1, 2: 0, 3: 0}, 0),
        ({1: 0, 2: 2, 3: 0}, 50),
        ({1: 0, 2: 0, 3: 1}, 75),
        ({1: 1, 2: 2, 3: 0}, 25),
    ],
)
def test_it_scores_an_answer_sheet_by_points(answers, expected):
    assert score(BANK, answers) == expected


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({1: 0, 2: 2}, "unanswered"),
        ({1: 0, 2: 3, 3: 1}, "bad_option"),
        ({1: 0, 2: -1, 3: 1}, "bad_option"),
        ({1: 0, 2: 2, 3: 1, 99: 0}, "unknown_question"),
    ],
)
def test_it_refuses_a_sheet_that_does_not_fit_the_bank(answers, code):
    with pytest.raises(AnswerError) as error:
        score(BANK, answers)
    assert error.value.code == code


def test_it_refuses_an_empty_bank():
    with pytest.raises(AnswerError):
        score([], {})


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 15), 24, dt.date(2028, 1, 15)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2027, 12, 31), 2, dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 5, 31), 12, dt.date(2027, 5, 31)),
    ],
)
def test_it_adds_months_to_an_issue_date(day, months, expected):
    assert add_months(day, months) == expected
