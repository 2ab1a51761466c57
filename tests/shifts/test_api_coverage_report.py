"""GET /api/v1/coverage/report: the aggregates of shifts.selectors.aggregates as JSON, the
choice checked (400 for a malformed value, 422 for an id that is not there or not visible, each
naming the field)."""
import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from geodata.models import Area
from shifts.models import Shift
from shifts.services.demo import demo_week_load

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 10, 20, 16, 0, tzinfo=BJ)


@pytest.fixture
def as_user(db):
    def make(username):
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username=username))
        return client
    return make


def test_a_supervisor_reads_the_day_and_a_single_shift(as_user):
    demo_week_load(now=NOW, days=1)
    client = as_user("supervisor1")
    r = client.get("/api/v1/coverage/report", {"day": "2026-10-20"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["date_from"], body["date_to"], body["scope"]) == ("2026-10-20", "2026-10-20", "day")
    assert body["totals"]["shifts"] == 2 and len(body["shifts"]) == 2
    assert {row["key"] for row in body["by_team"]} == {"执法一队", "执法二队"}
    assert body["totals"]["segments_planned"] >= body["totals"]["segments_covered"] > 0
    assert all(not u["covered"] for u in body["uncovered"])
    shift = Shift.objects.filter(date=dt.date(2026, 10, 20)).order_by("id").first()
    one = client.get("/api/v1/coverage/report", {"shift": shift.pk}).json()
    assert [s["id"] for s in one["shifts"]] == [shift.pk]
    week = client.get("/api/v1/coverage/report", {"day": "2026-10-21", "scope": "week"}).json()
    assert (week["date_from"], week["date_to"]) == ("2026-10-19", "2026-10-25")


def test_bad_choices_are_refused_naming_the_field(as_user):
    client = as_user("supervisor1")
    r = client.get("/api/v1/coverage/report", {"day": "2026-02-30"})
    assert r.status_code == 400 and r.json()["field"] == "day"
    r = client.get("/api/v1/coverage/report", {"day": "1900-01-01"})
    assert r.status_code == 422 and r.json()["field"] == "day"
    for scope in ("year", ""):
        r = client.get("/api/v1/coverage/report", {"scope": scope})
        assert r.status_code == 400 and r.json()["field"] == "scope"
    r = client.get("/api/v1/coverage/report", {"team": ""})
    assert r.status_code == 400 and r.json()["field"] == "team"
    r = client.get("/api/v1/coverage/report", {"area": Area.objects.get(code="110105").pk})  # 朝阳区
    assert r.status_code == 422 and r.json()["field"] == "area"
    r = client.get("/api/v1/coverage/report", {"shift": 2**31 - 1})
    assert r.status_code == 422 and r.json()["field"] == "shift"
