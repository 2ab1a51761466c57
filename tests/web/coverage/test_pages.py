"""The coverage pages (web/coverage): who may open them, the choice read from the URL (a bad
value is named in Chinese and the page still answers), the map frame's local assets, and
the handover report of a shift."""
import datetime as dt
import json
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shifts.models import Shift
from shifts.selectors.handover import shift_handover
from shifts.services.demo import demo_week_load

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 10, 20, 16, 0, tzinfo=BJ)  # the day's 早班 is over
DAY = "2026-10-20"


@pytest.fixture
def week(db):
    demo_week_load(now=NOW, days=1)
    return list(Shift.objects.filter(date=dt.date(2026, 10, 20)).order_by("id"))


def _client(username=None):
    c = Client(HTTP_HOST="127.0.0.1")
    if username:
        c.force_login(get_user_model().objects.get(username=username))
    return c


def test_a_visitor_is_sent_to_sign_in(db):
    r = _client().get("/coverage/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_a_user_without_an_officer_profile_is_refused_with_a_reason(db):
    get_user_model().objects.create_user("nobody", password="x-very-long-1")
    r = _client("nobody").get("/coverage/")
    assert r.status_code == 403
    assert "无权访问" in r.content.decode()


def test_the_page_lists_the_shifts_with_their_handover_reports_and_the_ranked_gaps(week):
    r = _client("supervisor1").get(f"/coverage/?day={DAY}")
    assert r.status_code == 200
    html = r.content.decode()
    assert len(week) == 2
    for shift in week:
        assert f"/coverage/shifts/{shift.pk}/handover/" in html
    assert 'id="coverage-map"' in html and f"/coverage/map/?day={DAY}" in html
    assert 'id="uncovered"' in html and "未覆盖路段" in html
    assert "按班组" in html and "按网格" in html
    table = html[html.index('id="uncovered"'):].split("</table>")[0]
    rows = table.count("<tr><td")
    assert rows > 1 and table.count('<span class="place">') == rows  # where on its road each row lies
    assert "construction" not in table


def test_without_a_day_the_date_field_holds_the_day_shown(week):
    html = _client("supervisor1").get("/coverage/").content.decode()
    assert re.search(r'<input type="date" name="day" value="2026-10-20"', html)


def test_a_browser_asking_for_english_still_gets_chinese_dates(week):
    c = _client("supervisor1")
    html = c.get(f"/coverage/?day={DAY}&scope=week", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "2026年10月19日" in html  # the ISO week's Monday, in the zh-hans format
    assert "Oct. 19, 2026" not in html


def test_bad_choices_are_named_in_chinese_and_the_rest_of_the_page_answers(week):
    r = _client("supervisor1").get("/coverage/?day=2026-13-45&team=abc&scope=year&area=999999")
    assert r.status_code == 200
    errors = re.findall(r'role="alert">([^<]+)<', r.content.decode())
    assert any("日期格式" in e for e in errors)
    assert any("班组" in e for e in errors)
    assert any("范围" in e for e in errors)
    assert any("区域" in e for e in errors)
    r = _client("supervisor1").get("/coverage/?day=9999-12-31&scope=week")
    assert r.status_code == 200
    assert "日期须在 2000-01-01 至 2099-12-31 之间" in r.content.decode()
    assert _client("supervisor1").get("/coverage/map/?day=9999-12-31&scope=week").status_code == 200


def test_the_map_frame_loads_only_local_assets_and_draws_the_tracks_of_one_shift(week):
    shift = week[0]
    r = _client("supervisor1").get(f"/coverage/map/?shift={shift.pk}&day={DAY}")
    assert r.status_code == 200
    html = r.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    assert "cov cov-share" in html and "cov-gap" in html
    assert html.count('"className": "track"') == shift.members.count()
    assert "按未巡时长" in html and "图例" in html


def test_an_officer_name_in_the_map_frame_is_text_not_markup(week):
    # Leaflet's layer control writes each layer's name with innerHTML, and a track's layer is
    # named after its officer: a name a district administrator typed must not run as script.
    shift = week[0]
    member = shift.members.order_by("pk").first()
    member.name = "<img src=x onerror=alert(document.cookie)>"
    member.save(update_fields=["name"])
    html = _client("supervisor1").get(f"/coverage/map/?shift={shift.pk}&day={DAY}").content.decode()
    block = html[html.index("_layers = {"):html.index("L.control.layers(")]
    names = [json.loads(f'"{k}"') for k in re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*\w+,', block)]
    assert any(n.endswith("&lt;img src=x onerror=alert(document.cookie)&gt;") for n in names), names
    assert not any("<" in n for n in names), names


def test_the_handover_report_page_shows_the_shift_and_its_uncovered_segments(week):
    shift = week[0]
    r = _client("supervisor1").get(f"/coverage/shifts/{shift.pk}/handover/")
    assert r.status_code == 200
    html = r.content.decode()
    report = shift_handover(shift)
    assert shift.team.name in html and "早班" in html
    assert f'<div class="n">{report["problems_found"]}</div>' in html
    assert html.count("<tr><td>") == len(report["uncovered"])  # one row per uncovered segment
    assert "@media print" in html


def test_a_shift_outside_the_jurisdiction_is_not_found(week, other_subdistrict):
    r = _client("other_supervisor").get(f"/coverage/shifts/{week[0].pk}/handover/")
    assert r.status_code == 404


def test_the_page_takes_as_many_queries_for_3n_grids_as_for_n(week):
    """按网格: each grid's planned segments in one query for all grids, not one per grid (a
    district has thousands of grids)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from geodata.models import Area, AreaKind
    from geodata.services.demo import DEMO_SUBDISTRICT
    from shifts.selectors.aggregates import CoverageChoice, coverage_report

    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT)
    client = _client("supervisor1")

    def add(lo, hi):  # grids as large as the subdistrict: every planned segment lies in each
        for k in range(lo, hi):
            Area.objects.create(name=f"整街网格{k:02d}", kind=AreaKind.GRID, parent=sub, geom=sub.geom, source="test",
                                generated=True)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"/coverage/?day={DAY}")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    add(0, 3)
    few, _ = queries()
    add(3, 9)
    many, html = queries()
    assert many == few
    report = coverage_report(get_user_model().objects.get(username="supervisor1"),
                             CoverageChoice(day=dt.date.fromisoformat(DAY)))
    rows = {r["key"]: r for r in report.by_area}
    assert report.totals["segments_planned"] > 0
    for k in range(9):
        row = rows[f"整街网格{k:02d}"]
        assert f"area={row['area']}" in html
        assert (row["segments_planned"], row["segments_covered"]) == (report.totals["segments_planned"],
                                                                      report.totals["segments_covered"])
