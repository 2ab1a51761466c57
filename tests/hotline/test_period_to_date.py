"""Periods still in progress (hotline.domain.metrics, no database): pages open on the latest
complete week or month, and a period chosen while it runs is compared with the same days of
last year's (and of the previous) period, not with the whole of it.

Found in review: the pages opened on the week of the newest complaint, usually still running
(data through Wednesday), and set its three days against last year's seven: 同比 about −57 %
when nothing had changed."""
import datetime as dt

import pytest

from hotline.domain.metrics import (
    as_of,
    latest_complete_period,
    parse_period_key,
    previous_period,
    same_period_last_year,
    to_date_note,
)

WED = dt.date(2026, 12, 2)  # a Wednesday, in 2026-W49 (30 Nov – 6 Dec)


@pytest.mark.parametrize(("newest", "today", "key"), [
    (WED, WED, "2026-W48"),  # this week runs until Sunday: the week before
    (dt.date(2026, 11, 29), WED, "2026-W48"),  # data through last Sunday, the week has ended
    (dt.date(2026, 11, 30), dt.date(2026, 11, 30), "2026-W48"),  # Monday's first complaints
    (dt.date(2026, 11, 29), dt.date(2026, 11, 29), "2026-W47"),  # Sunday: the week ends tonight
    (dt.date(2026, 11, 29), dt.date(2026, 11, 30), "2026-W48"),  # …and has ended on Monday
    (dt.date(2026, 11, 11), WED, "2026-W46"),  # an export weeks old: the week it ends in
    (dt.date(2027, 1, 20), WED, "2026-W48"),  # a complaint dated in the future moves nothing
    (None, WED, "2026-W48"),  # no complaints: the last week that has ended
])
def test_the_default_week_is_the_latest_complete_one(newest, today, key):
    p = latest_complete_period("week", newest, today)
    assert p.key == key and not p.partial and p.end < today


@pytest.mark.parametrize(("newest", "today", "key"), [
    (dt.date(2026, 11, 29), WED, "2026-11"),  # November has ended
    (dt.date(2026, 12, 1), WED, "2026-11"),  # December runs: November
    (dt.date(2026, 11, 30), dt.date(2026, 11, 30), "2026-10"),  # the last day of November is today
    (dt.date(2026, 1, 5), dt.date(2026, 1, 7), "2025-12"),  # across the year
])
def test_the_default_month_is_the_latest_complete_one(newest, today, key):
    assert latest_complete_period("month", newest, today).key == key


def test_a_week_in_progress_counts_monday_to_today_and_last_years_same_weekdays():
    p = as_of(parse_period_key("week", "2026-W49"), WED)
    assert (p.partial, p.start, p.to_date, p.last_day, p.end) == (
        True, dt.date(2026, 11, 30), WED, WED, dt.date(2026, 12, 6))
    last = same_period_last_year(p)  # 2025-W49: Monday 1 to Wednesday 3 December 2025
    assert (last.key, last.start, last.last_day, last.end) == (
        "2025-W49", dt.date(2025, 12, 1), dt.date(2025, 12, 3), dt.date(2025, 12, 7))
    before = previous_period(p)  # 环比: Monday to Wednesday of the week before
    assert (before.key, before.start, before.last_day) == ("2026-W48", dt.date(2026, 11, 23), dt.date(2026, 11, 25))
    # Three days against three days, as the note says.
    assert to_date_note(p, last) == "本周截至12月2日（周三），同比按去年同期同日数（2025年12月1日至12月3日），环比按上周同日数。"


def test_a_period_that_has_ended_or_not_begun_is_counted_whole():
    for key in ("2026-W48", "2026-W50"):
        p = as_of(parse_period_key("week", key), WED)
        assert (p.partial, p.to_date, p.last_day) == (False, None, p.end)
        assert not same_period_last_year(p).partial and to_date_note(p, same_period_last_year(p)) is None
    sunday = as_of(parse_period_key("week", "2026-W49"), dt.date(2026, 12, 6))  # the last day still runs
    assert sunday.partial and same_period_last_year(sunday).last_day == dt.date(2025, 12, 7)


def test_a_month_in_progress_counts_the_1st_to_today_and_the_same_days_last_year():
    p = as_of(parse_period_key("month", "2026-12"), WED)
    last = same_period_last_year(p)
    assert (last.start, last.last_day, last.end) == (dt.date(2025, 12, 1), dt.date(2025, 12, 2), dt.date(2025, 12, 31))
    assert previous_period(p).last_day == dt.date(2026, 11, 2)
    assert to_date_note(p, last) == "本月截至12月2日，同比按去年同期同日数（2025年12月1日至12月2日），环比按上月同日数。"


@pytest.mark.parametrize(("kind", "today", "last_year_to", "previous_to"), [
    # the 31st: the month before has 30 days, so all of it (never 1 December)
    ("month", dt.date(2026, 12, 31), dt.date(2025, 12, 31), dt.date(2026, 11, 30)),
    ("month", dt.date(2026, 3, 31), dt.date(2025, 3, 31), dt.date(2026, 2, 28)),
    ("month", dt.date(2028, 3, 30), dt.date(2027, 3, 30), dt.date(2028, 2, 29)),  # a leap February
    # 29 February: last year's February ends on the 28th
    ("month", dt.date(2028, 2, 29), dt.date(2027, 2, 28), dt.date(2028, 1, 29)),
    ("year", dt.date(2028, 2, 29), dt.date(2027, 2, 28), dt.date(2027, 2, 28)),
    ("year", dt.date(2029, 2, 28), dt.date(2028, 2, 28), dt.date(2028, 2, 28)),
    # 2026 has 53 ISO weeks: W53 is set against 2025-W52, Monday to the same weekday
    ("week", dt.date(2026, 12, 30), dt.date(2025, 12, 24), dt.date(2026, 12, 23)),
])
def test_the_same_days_across_months_of_different_lengths_and_29_february(kind, today, last_year_to, previous_to):
    from hotline.domain.metrics import period_of

    p = as_of(period_of(kind, today), today)
    assert p.to_date == today
    assert same_period_last_year(p).last_day == last_year_to
    assert previous_period(p).last_day == previous_to


def test_a_year_in_progress_says_so_without_a_previous_period():
    p = as_of(parse_period_key("year", "2026"), WED)
    assert to_date_note(p, same_period_last_year(p)) == "本年度截至12月2日，同比按去年同期同日数（2025年1月1日至12月2日）。"
