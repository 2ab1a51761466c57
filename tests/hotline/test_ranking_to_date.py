"""The ranking of a period still in progress and the period pages open on, read from the
database (hotline.selectors.metrics) on a fixed day: Wednesday 2 December 2026."""
import datetime as dt
from decimal import Decimal as D

import pytest

from hotline.domain.metrics import parse_period_key
from hotline.selectors.metrics import bulletin_of, default_period, ranking
from hotline.services.imports import complaints_import
from tests.hotline.conftest import csv_bytes, order, same_daily_rate_rows

pytestmark = pytest.mark.django_db

WED = dt.date(2026, 12, 2)


@pytest.fixture
def week_so_far():
    rows, days = same_daily_rate_rows(WED)  # Mon 30 Nov – Wed 2 Dec; 2025-W49 is 1–7 Dec 2025
    assert days == 3
    assert complaints_import(data=csv_bytes(rows), filename="w.csv").ok


def test_three_days_of_a_week_are_set_against_last_years_same_three_days(week_so_far):
    # Three a day this week and last: 3 against 3 (not 3 against 7: −4, −57.14 %), and last
    # year's Monday to Wednesday all resolved (its Thursday to Sunday not: 3/7 = 42.86 %).
    r = ranking(parse_period_key("week", "2026-W49"), today=WED)
    assert (r.period.partial, r.period.to_date, r.last_year.last_day) == (True, WED, dt.date(2025, 12, 3))
    assert (r.total.volume, r.total.volume_change.count, r.total.volume_change.percent) == (3, 0, D("0.00"))
    assert (r.total.rates["resolution"], r.total.changes["resolution"]) == (D("100.00"), D("0.00"))
    assert r.note == "本周截至12月2日（周三），同比按去年同期同日数（2025年12月1日至12月3日），环比按上周同日数。"
    b = bulletin_of(r)
    assert b.note == r.note
    assert b.paragraphs[0] == "本周截至12月2日（周三）共受理诉求3件，与去年同期持平；比上周同期增加3件。"
    assert b.paragraphs[1].startswith("响应率100.00%，与去年同期持平；解决率100.00%，与去年同期持平")


def test_the_same_week_once_it_has_ended_is_counted_whole(week_so_far):
    r = ranking(parse_period_key("week", "2026-W49"), today=dt.date(2026, 12, 7))
    assert not r.period.partial and r.note is None
    assert (r.total.volume, r.total.volume_change.count, r.total.volume_change.percent) == (3, -4, D("-57.14"))


def test_pages_open_on_the_latest_complete_week_and_month(week_so_far):
    assert complaints_import(data=csv_bytes([order("O1", "2026-11-24 09:00")]), filename="o.csv").ok
    week, month = default_period("week", today=WED), default_period("month", today=WED)
    assert (week.key, week.partial, month.key, month.partial) == ("2026-W48", False, "2026-11", False)
    r = ranking(week, today=WED)
    assert (r.total.volume, r.note) == (1, None)
    # On the Monday after, the week of the newest complaint has ended: it is the default.
    assert default_period("week", today=dt.date(2026, 12, 7)).key == "2026-W49"
    assert default_period("month", today=dt.date(2027, 1, 1)).key == "2026-12"


def test_a_month_in_progress_is_set_against_the_same_days_last_year(week_so_far):
    # 2026-12 so far: 1–2 December (2 orders; 30 November is November's); 2025-12 so far:
    # 1–2 December 2025 (2 orders), not the 7 of December 2025 in the data.
    extra = [order("P1", "2026-11-02 09:00"), order("P2", "2026-11-20 09:00")]
    assert complaints_import(data=csv_bytes(extra), filename="p.csv").ok
    r = ranking(parse_period_key("month", "2026-12"), today=WED)
    assert (r.total.volume, r.total.volume_change.count, r.total.volume_change.percent) == (2, 0, D("0.00"))
    assert (r.last_year.start, r.last_year.last_day) == (dt.date(2025, 12, 1), dt.date(2025, 12, 2))
    assert r.previous_volume == 1  # 环比: 1–2 November (P1; not the 20th nor the 30th)
    assert r.note.startswith("本月截至12月2日，同比按去年同期同日数（2025年12月1日至12月2日）")
