"""The supervisors' dashboard over a real database: figures, the filtered list, a problem's page."""
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from patrol.models import Problem
from tests.patrol.conftest import LAT, LON, new_problem

pytestmark = pytest.mark.django_db


def _page(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _report(as_user, username="officer1", **extra) -> int:
    r = new_problem(as_user(username), **extra)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def _ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'data-problem="(\d+)"', html)}


def test_a_visitor_is_sent_to_sign_in_first(client):
    r = client.get("/dashboard/problems/?status=reported")
    assert r.status_code == 302
    assert r["Location"] == "/login/?next=/dashboard/problems/%3Fstatus%3Dreported"


def test_a_user_without_an_officer_profile_is_told_why(client):
    client.force_login(get_user_model().objects.create_user("visitor", password="x"))
    r = client.get("/dashboard/")
    assert r.status_code == 403
    assert "该账号没有人员档案" in r.content.decode()


def test_today_counts_open_and_overdue_problems(as_user):
    first = _report(as_user)
    _report(as_user, category="非机动车乱停放", description="人行道上乱停共享单车")
    Problem.objects.filter(pk=first).update(deadline=timezone.now() - timedelta(hours=1))
    html = _page("supervisor1").get("/dashboard/").content.decode()
    assert re.search(r'data-figure="open">2<', html)
    assert re.search(r'data-figure="overdue">1<', html)
    assert re.search(r'data-figure="reported_today">2<', html)
    # One subdistrict in the jurisdiction: its grids are ranked, the overdue one first.
    ranking = html[html.index('id="area-ranking"'):]
    late_grid = Problem.objects.get(pk=first).grid.name
    assert "<th>网格</th>" in ranking and late_grid in ranking.split("</tr>")[1]


def test_a_district_ranks_its_subdistricts(as_user, other_subdistrict):
    mine = _report(as_user)
    theirs = _report(as_user)
    Problem.objects.filter(pk=theirs).update(subdistrict=other_subdistrict, deadline=timezone.now() - timedelta(hours=1))
    html = _page("publisher1").get("/dashboard/").content.decode()
    ranking = html[html.index('id="area-ranking"'):]
    rows = ranking.split("</tr>")
    assert "<th>街道</th>" in ranking
    assert "测试街道" in rows[1] and Problem.objects.get(pk=mine).subdistrict.name in rows[2]


def test_the_list_is_narrowed_by_each_filter_in_the_url(as_user):
    garbage = _report(as_user)
    bikes = _report(as_user, category="非机动车乱停放", description="人行道上乱停共享单车")
    late = _report(as_user, description="商户门前堆放纸箱")
    Problem.objects.filter(pk=late).update(deadline=timezone.now() - timedelta(hours=2))
    Problem.objects.filter(pk=bikes).update(status="closed")
    page = _page("supervisor1")
    code_of = dict(Problem.objects.values_list("id", "category__code"))

    def shown(query: str) -> set[int]:
        r = page.get("/dashboard/problems/?" + query)
        assert r.status_code == 200
        return _ids(r.content.decode())

    assert shown("") == {garbage, bikes, late}
    assert shown("status=closed") == {bikes}
    assert shown("status=reported&status=closed") == {garbage, bikes, late}
    assert shown(f"category={code_of[bikes]}") == {bikes}
    assert shown("overdue=1") == {late}
    assert shown("q=纸箱") == {late}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert shown(f"since={tomorrow}") == set()
    assert shown(f"until={timezone.localdate().isoformat()}") == {garbage, bikes, late}


def test_a_bad_filter_is_named_and_the_rest_still_applies(as_user):
    _report(as_user)
    r = _page("supervisor1").get("/dashboard/problems/?status=closed&since=2025-13-01")
    html = r.content.decode()
    assert r.status_code == 200
    assert "起始日期“2025-13-01”不是有效日期" in html
    assert _ids(html) == set()


@pytest.mark.parametrize(("query", "named"), [
    ("page=%C2%B2", "页码“²”不是正整数"),
    ("area=%C2%B2", "区域“²”无效"),
    ("q=a%00b", "搜索词含有空字符"),
    ("area=999999", "区域 999999 不存在"),  # (the map's tiles refuse it too: said, not an empty list)
])
def test_a_filter_value_python_or_the_database_would_choke_on_is_named_not_a_500(as_user, query, named):
    pid = _report(as_user)
    r = _page("supervisor1").get("/dashboard/problems/?" + query)
    assert r.status_code == 200
    html = r.content.decode()
    assert named in html and _ids(html) == {pid}


def test_a_team_written_in_other_digits_is_no_team_not_a_500(as_user):
    pid = _report(as_user)
    r = _page("supervisor1").post(f"/dashboard/problems/{pid}/step", {"to": "dispatched", "team": "²"},
                                  follow=True)
    assert r.status_code == 200
    assert Problem.objects.get(pk=pid).status == "dispatched"  # no team given: the reporter's own


def test_the_form_shows_the_filter_the_url_carries(as_user):
    html = _page("supervisor1").get("/dashboard/problems/?status=closed&overdue=1&q=纸箱").content.decode()
    assert re.search(r'value="closed" checked', html)
    assert not re.search(r'value="reported" checked', html)
    assert 'name="q" value="纸箱"' in html
    assert re.search(r'name="overdue" value="1"[^>]*checked', html)


def test_other_subdistricts_problems_are_not_listed_or_shown(as_user, other_subdistrict):
    mine = _report(as_user)
    theirs = _report(as_user)
    # The test subdistrict has no roads of its own: move a report there.
    Problem.objects.filter(pk=theirs).update(subdistrict=other_subdistrict)
    page = _page("supervisor1")
    assert _ids(page.get("/dashboard/problems/").content.decode()) == {mine}
    assert page.get(f"/dashboard/problems/{theirs}/").status_code == 404
    assert _ids(_page("other_supervisor").get("/dashboard/problems/").content.decode()) == {theirs}


def test_pages_keep_the_filter(as_user):
    for _ in range(27):
        _report(as_user)
    html = _page("supervisor1").get("/dashboard/problems/?status=reported&sort=created").content.decode()
    assert len(_ids(html)) == 25
    assert 'href="?status=reported&amp;sort=created&amp;page=2"' in html
    second = _page("supervisor1").get("/dashboard/problems/?status=reported&sort=created&page=2").content.decode()
    assert len(_ids(second)) == 2


def test_a_problems_page_shows_its_trail_and_location(as_user):
    pid = _report(as_user)
    r = as_user("supervisor1").post(f"/api/v1/problems/{pid}/transition", {"to": "rejected", "reason": "不属于城管职责"},
                                    format="json")
    assert r.status_code == 200, r.content
    html = _page("supervisor1").get(f"/dashboard/problems/{pid}/").content.decode()
    location = Problem.objects.get(pk=pid).location_text
    assert location and location in html
    trail = html[html.index('id="audit-trail"'):]
    assert trail.index("officer1") < trail.index("supervisor1")
    assert "不属于城管职责" in trail
    assert "已上报 → 不予立案" in trail


def test_the_point_the_map_centres_on_is_the_problems(as_user):
    pid = _report(as_user)
    html = _page("supervisor1").get(f"/dashboard/problems/{pid}/").content.decode()
    lat, lon = map(float, re.search(r'data-center="([\d.]+),([\d.]+)"', html).groups())
    # The service snaps the report to the road; within a few metres of where it was made.
    assert abs(lat - LAT) < 0.0003 and abs(lon - LON) < 0.0003


def test_a_supervisor_dispatches_from_the_problems_page_and_a_stale_page_is_refused(as_user):
    from org.models import Team

    pid = _report(as_user)
    page = _page("supervisor1")
    html = page.get(f"/dashboard/problems/{pid}/").content.decode()
    assert 'data-step="dispatched"' in html and 'data-step="rejected"' in html
    team = Team.objects.get(name="执法一队")
    r = page.post(f"/dashboard/problems/{pid}/step", {"to": "dispatched", "team": team.pk,
                                                     "expected_status": "reported"}, follow=True)
    assert Problem.objects.get(pk=pid).status == "dispatched" and Problem.objects.get(pk=pid).team == team
    assert "状态已变为“已派遣”" in r.content.decode()
    # The same form sent again from a page that still shows 已上报: refused, nothing changes.
    r = page.post(f"/dashboard/problems/{pid}/step", {"to": "dispatched", "team": team.pk,
                                                     "expected_status": "reported"}, follow=True)
    assert "请刷新后再操作" in r.content.decode()
    assert Problem.objects.get(pk=pid).status == "dispatched"


def test_the_dispatch_form_offers_exactly_the_teams_the_service_accepts(as_user, other_subdistrict):
    from org.models import Team
    from org.selectors import team_serves

    pid = _report(as_user)
    problem = Problem.objects.select_related("subdistrict").get(pk=pid)
    page = _page("admin")  # the district's: its jurisdiction holds 测试一队's subdistrict too
    html = page.get(f"/dashboard/problems/{pid}/").content.decode()
    select = re.search(r'<select name="team"[^>]*>(.*?)</select>', html, re.S).group(1)
    offered = {int(n) for n in re.findall(r'<option value="(\d+)"', select)}
    serving = {t.pk for t in Team.objects.all() if team_serves(t, problem.subdistrict)}
    assert offered == serving and serving
    assert Team.objects.get(name="测试一队").pk not in offered
    for team_id in offered:  # each one offered is taken by the service
        assert page.post(f"/dashboard/problems/{pid}/step", {"to": "dispatched", "team": team_id,
                                                            "expected_status": "reported"}).status_code == 302
        assert Problem.objects.get(pk=pid).team_id == team_id
        Problem.objects.filter(pk=pid).update(status="reported")


def test_an_officer_of_another_team_is_offered_no_step_on_this_teams_problem(as_user):
    pid = _report(as_user)  # officer1's: 执法一队
    as_user("lead1").post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched"}, format="json")
    assert 'data-step="in_progress"' not in _page("officer2").get(f"/dashboard/problems/{pid}/").content.decode()
    assert 'data-step="in_progress"' in _page("officer1").get(f"/dashboard/problems/{pid}/").content.decode()


def test_an_officer_sees_no_supervisor_steps_and_cannot_post_one(as_user):
    pid = _report(as_user)
    page = _page("officer1")
    html = page.get(f"/dashboard/problems/{pid}/").content.decode()
    assert 'data-step="rejected"' not in html
    r = page.post(f"/dashboard/problems/{pid}/step", {"to": "rejected", "reason": "x"}, follow=True)
    assert "“不予立案”只能由督办人员" in r.content.decode()
    assert Problem.objects.get(pk=pid).status == "reported"


def test_the_hotline_figures_of_the_street_office_join_today():
    from datetime import datetime, time

    from hotline.models import Complaint, ImportBatch

    batch = ImportBatch.objects.create(filename="t.xlsx", sha256="1" * 64, source="test")
    day = timezone.localdate() - timedelta(days=7)  # last week: the latest that has ended
    # Four orders of 学院路街道: 3 of 4 resolved (75.0%), 1 of 2 assessed satisfied (50.0%); one of another office.
    for i, (unit, resolved, satisfied) in enumerate([("学院路街道", True, True), ("学院路街道", True, False),
                                                    ("学院路街道", True, None), ("学院路街道", False, None),
                                                    ("清河街道", True, True)]):
        Complaint.objects.create(order_no=f"H{i}", received_at=timezone.make_aware(datetime.combine(day, time(9))),
                                 content="噪音", unit_name=unit, responded=True, resolved=resolved,
                                 satisfied=satisfied, batch=batch)
    html = _page("supervisor1").get("/dashboard/").content.decode()
    tiles = html[html.index('aria-label="今日数字"'):html.index("</section>")]
    assert re.search(r'<div class="n">4</div><div class="label">12345诉求 · 学院路街道', tiles)
    assert '<div class="n">75.0%</div><div class="label">解决率（学院路街道）' in tiles
    assert '<div class="n">50.0%</div><div class="label">满意率（学院路街道）' in tiles


def test_the_hotline_figure_is_of_the_latest_complete_week_not_the_week_so_far():
    """Found in review: the figure was of the week of the newest complaint, usually still running,
    set against all of last year's week (同比 about −57 % on a Wednesday when nothing had changed)."""
    from datetime import datetime, time

    from hotline.domain.metrics import period_of, previous_period, same_period_last_year
    from hotline.models import Complaint, ImportBatch

    batch = ImportBatch.objects.create(filename="t.xlsx", sha256="2" * 64, source="test")
    today = timezone.localdate()
    last_week = previous_period(period_of("week", today))
    last_years = same_period_last_year(last_week)
    days = [today, today, last_week.start, last_week.start + timedelta(days=3), last_week.end,
            last_years.start, last_years.end]  # this week so far: 2; last week 3; its week last year 2
    for i, day in enumerate(days):
        Complaint.objects.create(order_no=f"W{i}", received_at=timezone.make_aware(datetime.combine(day, time(9))),
                                 content="噪音", unit_name="清河街道", responded=True, resolved=True, batch=batch)
    tiles = _page("supervisor1").get("/dashboard/").content.decode()
    tiles = tiles[tiles.index('aria-label="今日数字"'):tiles.index("</section>")]
    assert f'<div class="n">3</div><div class="label">12345诉求 · 全区 · {last_week.key} · 同比+50.0%' in tiles
    assert f"at={last_week.key}" in tiles


@pytest.mark.parametrize("theme", ["problem-heat", "complaint-heat", "grid-open", "grid-complaints"])
def test_each_thematic_map_is_a_page_of_local_assets(as_user, theme):
    pid = _report(as_user)
    page = _page("supervisor1")
    html = page.get(f"/dashboard/maps/?theme={theme}").content.decode()
    assert f'src="/dashboard/maps/frame?theme={theme}"' in html
    frame = page.get(f"/dashboard/maps/frame?theme={theme}")
    body = frame.content.decode()
    assert frame.status_code == 200 and "/static/maps/vendor/leaflet/leaflet.js" in body
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body
    if theme == "problem-heat":
        assert "L.heatLayer" in body
    if theme == "grid-open":
        grid = Problem.objects.get(pk=pid).grid.name
        # the grid with the open problem is drawn and named (folium writes the GeoJSON as escaped ASCII)
        assert json.dumps(grid)[1:-1] in body or grid in body


def test_an_unknown_theme_is_named_and_the_default_shown():
    html = _page("supervisor1").get("/dashboard/maps/?theme=rainbow").content.decode()
    assert "未知专题“rainbow”，显示问题热力" in html and 'value="problem-heat" selected' in html


@pytest.mark.parametrize("to", ["rejected", "dispatched"])
def test_a_reason_with_a_nul_character_is_refused_on_the_page_not_a_server_error(as_user, to):
    from org.models import Team

    pid = _report(as_user)
    page = _page("supervisor1")
    r = page.post(f"/dashboard/problems/{pid}/step", {"to": to, "reason": "不属实\x00", "expected_status": "reported",
                                                      "team": Team.objects.get(name="执法一队").pk}, follow=True)
    assert r.status_code == 200 and "原因不能含空字符（NUL）" in r.content.decode()
    assert Problem.objects.get(pk=pid).status == "reported"


def test_a_problems_trail_shows_labels_and_names_not_field_names_and_codes(as_user):
    """The trail showed ``category: 0502；client_id: 2578…；source: patrol`` to its readers."""
    pid = _report(as_user)
    problem = Problem.objects.select_related("category").get(pk=pid)
    html = _page("supervisor1").get(f"/dashboard/problems/{pid}/").content.decode()
    trail = html[html.index('id="audit-trail"'):]
    for raw in ("client_id", "category:", "location_text", "source:", "status:", "patrol"):
        assert raw not in trail
    assert f"类别：{problem.category.name}" in trail
    assert "来源：巡查发现" in trail and "状态：已上报" in trail
