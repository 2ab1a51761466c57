"""Serializer fields shared by the API's modules (no import of them, so any may use these)."""
import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from rest_framework import serializers

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryIntegerField(serializers.IntegerField):
    """A whole number in a query string, in ASCII digits: DRF's IntegerField also reads "1.0"
    as 1, which the paginator (reading the parameter itself) then takes for no page at all."""

    def to_internal_value(self, data):
        if not (isinstance(data, str) and data.isascii() and data.isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)


class DayOrDateTimeField(serializers.DateTimeField):
    """An ISO datetime (naive: TIME_ZONE), or a date alone, which stands for its whole local day:
    its first second, or with `end=True` its last second (the end of a range, a deadline: "by
    5 March" is by the end of 5 March). DRF's DateTimeField reads a date alone as its midnight,
    the day's very start, whatever the field means."""

    def __init__(self, *, end: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end = end

    def to_internal_value(self, value):
        text = str(value).strip()
        if not _BARE_DATE.match(text):
            return super().to_internal_value(value)
        try:
            day = date.fromisoformat(text)
            start = datetime.combine(day + timedelta(days=1) if self.end else day, time.min,
                                     tzinfo=timezone.get_current_timezone())
        except (ValueError, OverflowError):
            return super().to_internal_value(value)  # its own "invalid" message (or 9999-12-31's)
        return start - timedelta(seconds=1) if self.end else start
