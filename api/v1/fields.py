"""Serializer fields shared by the API's modules (no import of them, so any may use these)."""
import re
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class QueryIntegerField(serializers.IntegerField):
    """A whole number in a query string, in ASCII digits: DRF's IntegerField also reads "1.0"
    as 1, which the paginator (reading the parameter itself) then takes for no page at all."""

    def to_internal_value(self, data):
        if not (isinstance(data, str) and data.isascii() and data.isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)


# An ISO date or datetime in 2000–2100, as the server reads it: a calendar date (29 February
# only in leap years), optionally "T" hh:mm[:ss[.ffffff]] and an offset ("Z" or ±hh:mm). The
# schema publishes this pattern rather than `format: date-time`: RFC 3339's date-time has no date
# alone and no time without an offset, both of which are read here, and allows years 0001–9999.
_YEAR = "(?:20[0-9]{2}|2100)"
_LEAP_YEAR = "(?:2000|20(?:0[48]|[2468][048]|[13579][26]))"
_DATE = (f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
         f"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)")
_TIME = ("(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
         "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)")
DATE_OR_DATETIME_PATTERN = f"^{_DATE}{_TIME}?$"
_DATE_OR_DATETIME_RE = re.compile(f"{_DATE}{_TIME}?")

DayBound = Literal["start", "end_inclusive", "end_exclusive"]


@extend_schema_field({"type": "string", "pattern": DATE_OR_DATETIME_PATTERN, "example": "2025-03-01"})
class DayOrDateTimeField(serializers.Field):
    """An ISO date or datetime in 2000–2100, read as an aware datetime in TIME_ZONE.

    A datetime is the instant it names (naive: TIME_ZONE), whatever the bound. A date alone
    stands for its whole local day (TIME_ZONE; Asia/Shanghai has no DST, so a day is always
    24 hours), and `bound` says which instant of it the value is:

    - ``"start"``: its first instant, local midnight (`since`, Open311's `start_date`);
    - ``"end_exclusive"``: the first instant after it, the next local midnight (`until` of a
      half-open period: its query is ``< until``);
    - ``"end_inclusive"``: its last whole second, 23:59:59 (a deadline, "by 5 March"; Open311's
      `end_date`, which the spec defines as the latest datetime to include: its query is ``<=``,
      to the whole second, so it too stops at the next midnight).

    DRF's DateTimeField reads a date alone as its midnight, the day's very start, whatever the
    field means; and reads other spellings (20250301, 2025-W09-6, a space for the T) likewise, so
    this field takes only the ISO forms its schema's pattern allows (2025-03-01 with
    bound="end_exclusive" is 2025-03-02T00:00:00+08:00; tests/api/test_day_or_datetime_field.py).
    """

    default_error_messages = {"invalid": "需要 2000–2100 年间的 ISO 日期（2025-03-01）或日期时间"
                                         "（2025-03-01T08:00:00+08:00）"}

    def __init__(self, *, bound: DayBound, **kwargs):
        if bound not in ("start", "end_inclusive", "end_exclusive"):
            raise ValueError(f"bound: start, end_inclusive or end_exclusive, not {bound!r}")
        super().__init__(**kwargs)
        self.bound = bound

    def to_internal_value(self, data):
        text = str(data).strip()
        if not _DATE_OR_DATETIME_RE.fullmatch(text):
            self.fail("invalid")
        tz = timezone.get_current_timezone()
        if "T" not in text:
            day = date.fromisoformat(text)
            if self.bound == "start":
                return datetime.combine(day, time.min, tzinfo=tz)
            after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
            return after if self.bound == "end_exclusive" else after - timedelta(seconds=1)
        value = datetime.fromisoformat(text)  # the pattern admits only what it reads
        # in TIME_ZONE: ISO allows offsets up to ±23:59, PostgreSQL only to ±15:59
        return timezone.make_aware(value, tz) if timezone.is_naive(value) else value.astimezone(tz)

    def to_representation(self, value):
        return value.isoformat()
