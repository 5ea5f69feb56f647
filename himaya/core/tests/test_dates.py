"""Dates on pages: the local day in the reader's language, with the Hijri date when they prefer it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.test import override_settings
from django.utils import translation

from himaya.core.templatetags.himaya import date_html

BOTH = SimpleNamespace(calendar="gregorian_hijri")
GREGORIAN = SimpleNamespace(calendar="gregorian")


@override_settings(TIME_ZONE="Asia/Bahrain")
def test_a_late_evening_utc_time_is_the_next_local_day() -> None:
    late = dt.datetime(2026, 12, 2, 22, 30, tzinfo=dt.UTC)  # 01:30 on 3 December in Manama
    with translation.override("en"):
        assert date_html(late, GREGORIAN) == '<time datetime="2026-12-02T22:30:00+00:00">3 December 2026</time>'
        with_time = date_html(late, GREGORIAN, "DATETIME_FORMAT")
    assert "3 December 2026" in with_time and "1:30" in with_time


def test_the_hijri_date_follows_the_reader_s_preference_and_language() -> None:
    day = dt.date(2026, 12, 3)
    with translation.override("ar"):
        arabic = date_html(day, BOTH)
    with translation.override("en"):
        english = date_html(day, BOTH)
        plain = date_html(day, GREGORIAN)
    assert "ديسمبر" in arabic and "هـ" in arabic
    assert "3 December 2026" in english and "Jumada al-Akhirah 1448 AH" in english
    assert "hijri" not in plain and "3 December 2026" in plain
    assert date_html(None, BOTH) == "" == date_html("", BOTH)


def test_datetimes_of_the_same_day_share_the_text_but_keep_their_own_timestamp() -> None:
    with translation.override("en"):
        morning = date_html(dt.datetime(2026, 12, 3, 5, 0, tzinfo=dt.UTC), GREGORIAN)
        noon = date_html(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC), GREGORIAN)
    assert morning != noon and morning.split(">")[1] == noon.split(">")[1]
