"""A sweep of the server-rendered pages with malformed and hostile query strings and form posts
(from a review that found NUL characters answered with 500s: a problem step's reason, the
ranking's unit, 管理后台 list filters).

Every page is asked, as a street office's supervisor and as the district's admin, with odd
values in each of its parameters, alone and beside the page's usual ones; a 500 (or an
exception out of the view) is a defect.
"""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

USERS = ["supervisor1", "admin"]  # (all five roles took 8 minutes; these two open every page)

ODD = [
    "abc", "-1", "0", "99999999999999999999", "2147483648", "9223372036854775808", "1e9", "NaN", "inf",
    "2026-13-45", "0000-01-01", "9999-12-31", "2026-W54", "2026-W00", "", " ", "a\x00b", "\x00",
    "x" * 5000, "１２", "²", "2026-02-30", "2026-W48", "2026-11", "2026", "-2026-W01", "2026-W-1",
    "2026-W+5", "2026-W 5", "0001-W01", "9999-W52", "2026-00", "2026-1", "<script>", "'; drop",
    "%", "..", "1,2", "1.5",
]

PAGES = {
    "/": [],
    "/maps/network/": [],
    "/maps/problems/": ["category", "status", "area", "since", "until", "overdue", "source", "q"],
    "/dashboard/": [],
    "/dashboard/problems/": ["q", "category", "status", "source", "area", "since", "until", "overdue", "sort",
                             "page"],
    "/dashboard/focus/": [],
    "/dashboard/maps/": ["theme"],
    "/dashboard/maps/frame": ["theme"],
    "/coverage/": ["day", "scope", "team", "area", "shift"],
    "/coverage/map/": ["day", "scope", "team", "area", "shift"],
    "/hotline/ranking/": ["period", "at", "group", "unit"],
    "/hotline/ranking.xlsx": ["period", "at", "group", "unit"],
    "/hotline/bulletin/": ["period", "at"],
    "/hotline/bulletin.pdf": ["period", "at"],
    "/hotline/import/": [],
    "/publications/": ["page"],
    "/field/": [],
    "/field/sw.js": [],
    "/field/manifest.webmanifest": [],
    "/login/": ["next"],
}


def _client(username):
    c = Client(raise_request_exception=False)
    c.force_login(get_user_model().objects.get(username=username))
    return c


def _sweep(client, url, params, extra=None):
    bad = []
    for name in params:
        for value in ODD:
            for query in ({name: [value, "1"]}, {**(extra or {}), name: value}):
                r = client.get(url, query)
                if r.status_code >= 500:
                    bad.append((url, query if len(str(query)) < 200 else {name: value[:20] + "…"}, r.status_code))
    if not params:
        r = client.get(url)
        if r.status_code >= 500:
            bad.append((url, {}, r.status_code))
    return bad


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("url", list(PAGES))
def test_no_page_answers_odd_parameters_with_a_500(url, username):
    client = _client(username)
    extra = {"period": "month"} if url.startswith("/hotline/") else {"scope": "week"}
    if url.startswith("/hotline/ranking"):
        extra = {"group": "team", "period": "month"}
    bad = _sweep(client, url, PAGES[url], extra)
    assert not bad, bad[:10]


@pytest.mark.parametrize("username", ["officer1", "supervisor1", "admin"])
@pytest.mark.parametrize("url", [
    "/dashboard/problems/{}/", "/coverage/shifts/{}/handover/", "/publications/{}/", "/hotline/import/{}/",
    "/tiles/roads/{}/0/0.pbf", "/tiles/problems/{}/0/0.pbf", "/tiles/roads/1/{}/0.pbf",
])
@pytest.mark.parametrize("ident", ["0", "1", "2147483647", "2147483648", "9223372036854775807",
                                   "9223372036854775808", "99999999999999999999999999"])
def test_object_pages_take_any_id(url, username, ident):
    r = _client(username).get(url.format(ident))
    assert r.status_code < 500


@pytest.mark.parametrize("to", ["rejected", "dispatched"])
@pytest.mark.parametrize("field", ["to", "reason", "team", "expected_status"])
@pytest.mark.parametrize("value", ["", "abc", "a\x00b", "\x00", "x" * 5000, "99999999999999999999", "-1",
                                   "reported", "verified", "dispatched", "closed", "duplicate"])
def test_a_problem_step_post_with_odd_fields_is_no_500(as_user, to, field, value):
    from org.models import Team
    from tests.patrol.conftest import new_problem

    pid = new_problem(as_user("officer1")).json()["id"]
    client = _client("supervisor1")
    body = {"to": to, "reason": "核实不属实", "expected_status": "reported",
            "team": str(Team.objects.get(name="执法一队").pk)}
    body[field] = value
    r = client.post(f"/dashboard/problems/{pid}/step", body)
    assert r.status_code < 500, (field, value[:20], r.status_code)
    body.pop(field)
    r = client.post(f"/dashboard/problems/{pid}/step", body)
    assert r.status_code < 500, ("missing", field, r.status_code)


@pytest.mark.parametrize("body", [
    {}, {"username": ""}, {"username": "a\x00b", "password": "x"}, {"username": "admin", "password": "a\x00"},
    {"username": "x" * 5000, "password": "x" * 5000}, {"password": "x"},
])
def test_login_posts_are_no_500(body):
    r = Client(raise_request_exception=False).post("/login/", body)
    assert r.status_code < 500, (body, r.status_code)


@pytest.mark.parametrize("content", [
    b"", b"\x00\x00\x00", "工单编号,受理时间\n1\x00,2026-11-01\n".encode(), b"PK\x03\x04garbage",
    "工单编号,受理时间,诉求内容\nA1,2026-13-45 10:00,x\n".encode(),
    "工单编号,受理时间,诉求内容\nA1,0000-01-01 10:00,x\n".encode(),
])
@pytest.mark.parametrize("name", ["a.csv", "a.xlsx", "a\x00.csv", "a.txt", "x" * 300 + ".csv"])
def test_hotline_import_posts_are_no_500(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client("admin")
    r = client.post("/hotline/import/", {"file": SimpleUploadedFile(name, content), "mapping": "",
                                         "dry_run": "on"})
    assert r.status_code < 500, r.status_code
    for mapping in ("a\x00b=c", "=", "工单编号=", "x" * 999, "a=b=c,,,"):
        r = client.post("/hotline/import/", {"file": SimpleUploadedFile(name, content), "mapping": mapping})
        assert r.status_code < 500, (mapping[:20], r.status_code)


ADMIN_LISTS = ["/admin/patrol/problem/", "/admin/patrol/outcome/", "/admin/shifts/shift/", "/admin/shifts/gpsfix/",
               "/admin/core/auditevent/", "/admin/hotline/complaint/", "/admin/org/officer/",
               "/admin/geodata/road/", "/admin/publishing/publication/"]


@pytest.mark.parametrize("url", ADMIN_LISTS)
def test_admin_lists_take_odd_searches(url):
    client = _client("admin")
    bad = []
    for value in ODD:
        for name in ("q", "p", "o", "status__exact", "team__id__exact", "retired_at__isempty"):
            r = client.get(url, {name: value})
            if r.status_code >= 500:
                bad.append((name, value[:20], r.status_code))
    assert not bad, bad[:10]


# -- jurisdiction: another subdistrict's people ask for 学院路街道's objects -----------------------

@pytest.fixture
def xueyuan_objects(as_user):
    import datetime as dt
    import zoneinfo

    from shifts.models import Shift
    from shifts.services.demo import demo_week_load
    from tests.patrol.conftest import new_problem

    demo_week_load(now=dt.datetime(2026, 10, 20, 16, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), days=1)
    shift = Shift.objects.filter(date=dt.date(2026, 10, 20)).order_by("id").first()
    pid = new_problem(as_user("officer1")).json()["id"]
    return {"shift": shift, "problem": pid}


@pytest.mark.parametrize("username", ["other_officer", "other_lead", "other_supervisor"])
def test_another_subdistricts_people_get_no_data_of_this_one(xueyuan_objects, other_subdistrict, username):
    from org.models import Team
    from patrol.models import Problem

    shift, pid = xueyuan_objects["shift"], xueyuan_objects["problem"]
    c = _client(username)
    assert c.get(f"/dashboard/problems/{pid}/").status_code == 404
    r = c.post(f"/dashboard/problems/{pid}/step", {"to": "verified", "reason": "x"})
    assert r.status_code in (403, 404)
    assert Problem.objects.get(pk=pid).status == "reported"
    assert c.get(f"/coverage/shifts/{shift.pk}/handover/").status_code in (403, 404)
    team = Team.objects.get(name="执法一队")
    sub = Problem.objects.get(pk=pid).subdistrict_id
    for url in ("/coverage/", "/coverage/map/"):
        for q in ({"shift": shift.pk, "day": "2026-10-20"}, {"team": team.pk, "day": "2026-10-20"},
                  {"area": sub, "day": "2026-10-20"}):
            r = c.get(url, q)
            assert r.status_code in (200, 400, 403, 404)
            assert team.name not in r.content.decode(), (url, q)
    html = c.get("/dashboard/problems/", {"area": sub}).content.decode()
    assert f'data-problem="{pid}"' not in html


@pytest.mark.parametrize("url", ["/admin/patrol/problem/?status__exact=%00", "/admin/core/auditevent/?verb__exact=a%00",
                                 "/admin/org/officer/?role__exact=%00", "/admin/geodata/area/?kind__exact=%00",
                                 "/admin/shifts/shift/?status__exact=%00&q=x"])
def test_an_admin_list_filter_with_a_nul_is_the_invalid_filter_notice_not_a_500(url):
    r = _client("admin").get(url)
    assert r.status_code == 302 and r["Location"].endswith("?e=1"), r.status_code
