"""One field for an ISO date or datetime that may stand for a whole local day (api.v1.fields):
Open311's start_date/end_date, the escalation deadline, and the problem layer's and list's
since/until. There were two near-copies, which differed in the end of a day they gave (its last
second, or the next midnight) and in what they read: the Open311/deadline one took every
spelling DRF's DateTimeField reads, and read those of a date alone other than 2025-03-01
(20250301, 2025-W09-6) as the day's midnight, its start, even for an end or a deadline."""
import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from rest_framework import serializers

from api.v1.fields import DayOrDateTimeField

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = dt.timedelta(hours=1)


def read(bound: str, text: str) -> dt.datetime:
    return DayOrDateTimeField(bound=bound).to_internal_value(text)


def test_the_platform_day_is_beijings():
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.parametrize(("bound", "expected"), [
    ("start", dt.datetime(2025, 3, 1, 0, 0, tzinfo=BJ)),
    ("end_inclusive", dt.datetime(2025, 3, 1, 23, 59, 59, tzinfo=BJ)),
    ("end_exclusive", dt.datetime(2025, 3, 2, 0, 0, tzinfo=BJ)),
])
def test_a_date_alone_is_the_bound_of_its_local_day_asked_for(bound, expected):
    value = read(bound, "2025-03-01")
    assert value == expected and value.utcoffset() == 8 * HOUR
    # Beijing's midnight, not UTC's: 16:00 UTC the day before
    assert value.astimezone(dt.UTC) == expected.replace(tzinfo=None).replace(tzinfo=dt.UTC) - 8 * HOUR


def test_a_local_day_is_24_hours_all_year_and_ends_at_the_next_midnight():
    # Asia/Shanghai has had no DST since 1991: a day's half-open period is always 24 h long
    for day in (dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(0, 366, 7)):
        start, end = read("start", day.isoformat()), read("end_exclusive", day.isoformat())
        assert end - start == 24 * HOUR
        assert read("end_inclusive", day.isoformat()) == end - dt.timedelta(seconds=1)
        assert (end.date(), end.time()) == (day + dt.timedelta(days=1), dt.time(0, 0))


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-02-29", dt.datetime(2024, 3, 1, tzinfo=BJ)),   # a leap day's next midnight is 1 March
    ("2024-12-31", dt.datetime(2025, 1, 1, tzinfo=BJ)),   # and a year's last day's, New Year's
    ("2100-12-31", dt.datetime(2101, 1, 1, tzinfo=BJ)),   # the last date allowed still has one
])
def test_the_next_midnight_crosses_months_and_years(text, expected):
    assert read("end_exclusive", text) == expected


@pytest.mark.parametrize("bound", ["start", "end_inclusive", "end_exclusive"])
@pytest.mark.parametrize(("text", "instant"), [
    ("2025-03-01T08:00:00+05:30", dt.datetime(2025, 3, 1, 2, 30, tzinfo=dt.UTC)),
    ("2025-03-01T23:30:00-02:00", dt.datetime(2025, 3, 2, 1, 30, tzinfo=dt.UTC)),
    ("2025-03-01T00:00:00Z", dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)),
    ("2025-03-01T08:00", dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)),  # naive: Beijing time
    ("2025-03-01T08:00:00.123456+08:00", dt.datetime(2025, 3, 1, 0, 0, 0, 123456, tzinfo=dt.UTC)),
])
def test_a_datetime_is_the_instant_it_names_whatever_the_bound(bound, text, instant):
    value = read(bound, text)
    assert value == instant
    assert value.utcoffset() == 8 * HOUR  # given in Beijing time, as the platform speaks


def test_an_offset_postgresql_cannot_take_is_given_in_beijing_time():
    # ISO allows ±23:59, PostgreSQL only ±15:59: the same instant is passed on at +08:00
    value = read("end_exclusive", "2100-12-31T23:59:59.999999-23:59")
    assert value == dt.datetime(2101, 1, 1, 23, 58, 59, 999999, tzinfo=dt.UTC)
    assert value.utcoffset() == 8 * HOUR


@pytest.mark.parametrize("bound", ["start", "end_inclusive", "end_exclusive"])
@pytest.mark.parametrize("text", [
    "20250301",            # DRF read these two as 1 March 00:00, even for an end or a deadline
    "2025-W09-6",
    "2025-03-01 08:00",    # no T
    "2025-03-01T08",       # no minutes
    "2025-03-01T08:00+0800",
    "2025-02-29", "2100-02-29", "1999-12-31", "2101-01-01", "0001-01-01T00:00:00Z",
    "2025-3-1", "yesterday", "",
])
def test_what_the_schema_pattern_refuses_is_refused(bound, text):
    with pytest.raises(serializers.ValidationError) as refused:
        read(bound, text)
    assert refused.value.detail[0].code == "invalid" and "ISO 日期" in refused.value.detail[0]


def test_the_bound_is_said_at_every_use():
    with pytest.raises(TypeError):
        DayOrDateTimeField()
    with pytest.raises(ValueError):
        DayOrDateTimeField(bound="end")
