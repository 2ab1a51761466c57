"""Input of the GeoReport v2 endpoints, validated with the parameter names the spec uses.

Errors come back keyed by the spec's parameter (``service_code``, ``lat``, ``long``,
``start_date`` …); the views turn the first one into a GeoReport error document.
"""
from __future__ import annotations

import re
from datetime import timedelta

from rest_framework import serializers

from api.v1.fields import DayOrDateTimeField

MAX_WINDOW = timedelta(days=90)  # the spec: a date range "may not span more than 90 days"


def _is_id(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²', which int() refuses."""
    return text.isascii() and text.isdigit() and len(text) <= 18


MAX_IDS = 1000
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _comma_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class RequestCreateInput(serializers.Serializer):
    """POST requests: one service request, form-encoded."""

    service_code = serializers.CharField(max_length=10)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address_string = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    address_id = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    media_url = serializers.URLField(required=False, allow_blank=True, max_length=1000, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")

    def validate(self, attrs):
        has_lat, has_long = "lat" in attrs, "long" in attrs
        if has_lat != has_long:
            missing = "long" if has_lat else "lat"
            raise serializers.ValidationError({missing: "lat 与 long 须同时提供"})
        if not has_lat and not attrs["address_string"].strip():
            if attrs["address_id"].strip():
                raise serializers.ValidationError(
                    {"address_id": "本服务没有地址编号库，请改用 lat/long 或 address_string"})
            raise serializers.ValidationError({"lat": "请提供位置：lat 与 long，或 address_string"})
        return attrs


def attribute_values(data) -> dict[str, list[str]]:
    """The ``attribute[code]`` (and multivalue ``attribute[code][]``) fields of a form.

    >>> attribute_values({"attribute[affected_households]": "3", "description": "x"})
    {'affected_households': ['3']}
    """
    found: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE_KEY.match(key)
        if match:
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            found.setdefault(match.group(1), []).extend(values)
    return found


class RequestsQuery(serializers.Serializer):
    """GET requests: which requests to list."""

    service_request_id = serializers.CharField(required=False, max_length=20000)
    service_code = serializers.CharField(required=False, max_length=2000)
    # W3C-DTF (the spec's format) has a date alone as a complete date: end_date=2026-03-01 takes in
    # that whole (local) day, as the problem layer's and the tiles' `until` does. The spec's end_date
    # is the latest datetime to include, so it is kept inclusive (the last second of a date alone),
    # and the window's 90 days are reckoned from it; selectors.service_requests takes in all of
    # its last second, so a date's period ends at the next local midnight there too.
    start_date = DayOrDateTimeField(bound="start", required=False)
    end_date = DayOrDateTimeField(bound="end_inclusive", required=False)
    status = serializers.CharField(required=False, max_length=20)

    def validate_service_request_id(self, value):
        ids = _comma_list(value)
        if not ids or not all(_is_id(i) for i in ids):
            raise serializers.ValidationError("应为以逗号分隔的请求编号（数字）")
        if len(ids) > MAX_IDS:
            raise serializers.ValidationError(f"一次最多查询 {MAX_IDS} 个请求")
        return [int(i) for i in ids]

    def validate_service_code(self, value):
        return _comma_list(value)

    def validate_status(self, value):
        statuses = set(_comma_list(value))
        if not statuses or not statuses <= {"open", "closed"}:
            raise serializers.ValidationError("应为 open、closed 或 open,closed")
        return statuses

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")  # the field: years 2000–2100 only
        if start and end:
            if end < start:
                raise serializers.ValidationError({"end_date": "end_date 早于 start_date"})
            if end - start > MAX_WINDOW:
                raise serializers.ValidationError({"end_date": "start_date 与 end_date 相差不能超过 90 天"})
        return attrs

    def window(self, now):
        """(start, end) of requested_datetime: what was asked, filled to 90 days; the
        default is the last 90 days."""
        start, end = self.validated_data.get("start_date"), self.validated_data.get("end_date")
        if start is None and end is None:
            return now - MAX_WINDOW, now
        if start is None:
            return end - MAX_WINDOW, end
        if end is None:
            return start, start + MAX_WINDOW
        return start, end
