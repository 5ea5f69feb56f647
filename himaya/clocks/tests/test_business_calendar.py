import datetime as dt

import pytest

from himaya.clocks.business_calendar import BusinessCalendar, load_calendar

BH = load_calendar("BH")
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-11-29", True),  # Sunday
        ("2026-12-03", True),  # Thursday
        ("2026-12-04", False),  # Friday
        ("2026-12-05", False),  # Saturday
        ("2026-12-16", False),  # National Day (Wednesday)
    ],
)
def test_the_bahraini_week_runs_sunday_to_thursday(day: str, working: bool) -> None:
    assert BH.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("referred", "due"),
    [
        ("2026-11-29", "2026-12-06"),  # Sun + 5 working days crosses the Fri/Sat weekend
        ("2026-12-03", "2026-12-10"),  # Thu: Sun..Thu of the next week
        ("2026-12-13", "2026-12-22"),  # crosses National Day (16–17 Dec) and a weekend
        ("2026-12-04", "2026-12-10"),  # referred on a Friday: counting starts Sunday
    ],
)
def test_reasonable_grounds_are_due_five_working_days_later(referred: str, due: str) -> None:
    assert BH.reasonable_grounds_due(D(referred)) == D(due)


def test_working_days_between_is_the_inverse_of_adding() -> None:
    start = D("2026-12-13")
    for n in range(0, 30):
        assert BH.working_days_between(start, BH.add_working_days(start, n)) == n


def test_the_recovery_period_is_thirty_calendar_days() -> None:
    assert BH.recovery_period_ends(D("2026-12-01")) == D("2026-12-31")


def test_a_recovery_period_below_thirty_days_is_refused(tmp_path) -> None:
    (tmp_path / "xx.json").write_text(
        '{"jurisdiction": "XX", "version": "1", "working_days": ["mon"], "clocks": {"recovery_period_days": 20}}'
    )
    with pytest.raises(ValueError, match="at least 30"):
        load_calendar("XX", data_dir=tmp_path)


def test_a_calendar_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar.from_dict({"jurisdiction": "XX", "version": "1", "working_days": []})


def _naive_working_days_between(cal: BusinessCalendar, start: dt.date, end: dt.date) -> int:
    if end < start:
        return -_naive_working_days_between(cal, end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if cal.is_working_day(start + dt.timedelta(days=n)))


def test_counting_whole_weeks_agrees_with_counting_day_by_day() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))

    @settings(max_examples=400, deadline=None)
    @given(days, days)
    def check(start: dt.date, end: dt.date) -> None:
        assert BH.working_days_between(start, end) == _naive_working_days_between(BH, start, end)

    check()


def test_a_deadline_months_overdue_counts_every_holiday_once() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert BH.working_days_between(start, end) == _naive_working_days_between(BH, start, end)
    assert BH.working_days_between(end, start) == -BH.working_days_between(start, end)
