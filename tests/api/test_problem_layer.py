"""The problems map layer: GeoJSON in WGS84 from PostGIS, bbox and filters, jurisdiction, 400s.

Problems are placed by metric offsets (EPSG:4548 x east, y north) from BASE, a point in
the demo subdistrict 学院路街道 (lon 116.3463, lat 40.0035), so every expectation below
follows from distances stated next to it.
"""
import json
from datetime import datetime, timedelta

import pytest
import shapely
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from geodata.models import Area, AreaKind
from geodata.services.geometry import to_storage
from org.models import Agency, AgencyKind, Officer, Role
from patrol.models import Category, Problem

URL = "/api/v1/problems/layer"
BASE_LON, BASE_LAT = 116.3463, 40.0035
BASE = Point(BASE_LON, BASE_LAT, srid=4326).transform(settings.STORAGE_SRID, clone=True)
# ±0.001° around BASE: about ±85 m east-west and ±111 m north-south at 40° N.
NEAR_BBOX = f"{BASE_LON - 0.001},{BASE_LAT - 0.001},{BASE_LON + 0.001},{BASE_LAT + 0.001}"
# The whole demo subdistrict (its extent is 116.3440–116.3597 E, 39.9977–40.0089 N).
DEMO_BBOX = "116.34,39.99,116.365,40.015"


pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_sub():
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")


@pytest.fixture
def categories():
    return list(Category.objects.order_by("code")[:2])


@pytest.fixture
def make(demo_sub, categories):
    reporter = get_user_model().objects.get(username="officer1")

    def make(*, east_m=0.0, north_m=0.0, status="reported", category=None, subdistrict=None, grid=None,
             days_ago=0, deadline=None):
        p = Problem.objects.create(
            category=category or categories[0], status=status, reporter=reporter,
            geom=Point(BASE.x + east_m, BASE.y + north_m, srid=settings.STORAGE_SRID),
            location_text=f"测试位置 {east_m:+.0f}/{north_m:+.0f}", subdistrict=subdistrict or demo_sub, grid=grid,
            deadline=deadline)
        if days_ago:  # created_at is auto_now_add; backdate through an update
            Problem.objects.filter(pk=p.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
        return p
    return make


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def officer():
    return client_for("officer1")  # jurisdiction: 学院路街道


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [f["id"] for f in json.loads(response.content)["features"]]


def test_body_is_geojson_in_wgs84_with_seven_decimals(officer, make, categories):
    p = make()
    response = officer.get(URL, {"bbox": NEAR_BBOX})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == body["numberReturned"] == 1 and body["truncated"] is False
    (feature,) = body["features"]
    assert feature["type"] == "Feature" and feature["id"] == p.pk
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    # The round trip 4326 → 4548 → 4326 is exact to well under 1e-7°; ST_AsGeoJSON(…, 7) rounds.
    assert lon == pytest.approx(BASE_LON, abs=1e-7) and lat == pytest.approx(BASE_LAT, abs=1e-7)
    assert all(len(repr(c).split(".")[1]) <= 7 for c in (lon, lat))
    props = feature["properties"]
    assert props["id"] == p.pk
    assert props["category"] == categories[0].code and props["category_name"] == categories[0].name
    assert props["status"] == "reported" and props["status_label"] == "已上报"
    assert props["location_text"] == "测试位置 +0/+0"
    assert datetime.fromisoformat(props["created_at"]) == p.created_at  # ISO 8601 with offset
    assert props["deadline"] is None and props["overdue"] is False
    assert props["team"] is None  # no team holds it yet; the field app offers officers steps by it


def test_each_problem_names_the_team_that_holds_it(officer, make):
    from org.models import Team

    team = Team.objects.get(name="执法一队")
    p = make()
    Problem.objects.filter(pk=p.pk).update(team=team)
    (feature,) = json.loads(officer.get(URL, {"bbox": DEMO_BBOX}).content)["features"]
    assert feature["properties"]["team"] == team.pk


def test_bbox_keeps_only_problems_inside_it(officer, make):
    inside = make(east_m=50)     # 50 m east: within the ±85 m of NEAR_BBOX
    make(east_m=800)             # 800 m east: outside it, still in the subdistrict
    make(north_m=-300)           # 300 m south: outside it
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX})) == [inside.pk]
    assert len(ids(officer.get(URL, {"bbox": DEMO_BBOX}))) == 3


def test_newest_first_and_limit_marks_the_collection_truncated(officer, make):
    old, mid, new = make(days_ago=3), make(days_ago=2), make(days_ago=1)
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX})) == [new.pk, mid.pk, old.pk]
    response = officer.get(URL, {"bbox": NEAR_BBOX, "limit": 2})
    body = json.loads(response.content)
    assert [f["id"] for f in body["features"]] == [new.pk, mid.pk]
    assert body["numberReturned"] == 2 and body["numberMatched"] == 3 and body["truncated"] is True
    assert body["limit"] == 2


def test_count_stops_at_the_cap_and_then_reads_null(officer, make, monkeypatch):
    monkeypatch.setattr("patrol.selectors.layers.COUNT_CAP", 2)
    for days in range(4):
        make(days_ago=days + 1)
    body = json.loads(officer.get(URL, {"bbox": NEAR_BBOX, "limit": 1}).content)
    assert body["numberReturned"] == 1 and body["truncated"] is True
    assert body["numberMatched"] is None and body["numberMatchedCap"] == 2  # 4 matched: more than the cap
    body = json.loads(officer.get(URL, {"bbox": NEAR_BBOX, "limit": 1, "since": (
        timezone.localdate() - timedelta(days=2)).isoformat()}).content)
    assert body["numberMatched"] == 2  # exactly at the cap still counts


def test_category_filter_takes_codes_repeated_or_comma_separated(officer, make, categories):
    a, b = make(category=categories[0]), make(category=categories[1])
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX, "category": categories[1].code})) == [b.pk]
    both = {"bbox": NEAR_BBOX, "category": [categories[0].code, categories[1].code]}
    assert set(ids(officer.get(URL, both))) == {a.pk, b.pk}
    comma = {"bbox": NEAR_BBOX, "category": f"{categories[0].code},{categories[1].code}"}
    assert set(ids(officer.get(URL, comma))) == {a.pk, b.pk}


def test_status_filter(officer, make):
    reported, closed, _ = make(status="reported"), make(status="closed"), make(status="verified")
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX, "status": "closed"})) == [closed.pk]
    assert set(ids(officer.get(URL, {"bbox": NEAR_BBOX, "status": ["closed", "reported"]}))) == {
        closed.pk, reported.pk}


def test_area_filter_matches_the_grid_or_the_subdistrict(officer, make, demo_sub):
    grid = Area.objects.filter(kind=AreaKind.GRID, geom__covers=BASE).first()
    in_grid, no_grid = make(grid=grid), make()
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX, "area": grid.pk})) == [in_grid.pk]
    assert set(ids(officer.get(URL, {"bbox": NEAR_BBOX, "area": demo_sub.pk}))) == {in_grid.pk, no_grid.pk}
    # The district holds the subdistrict: its subtree matches too.
    assert len(ids(officer.get(URL, {"bbox": NEAR_BBOX, "area": demo_sub.parent_id}))) == 2


def test_period_filter_on_created_at(officer, make):
    old, recent = make(days_ago=10), make(days_ago=1)
    today = timezone.localdate()
    since = (today - timedelta(days=5)).isoformat()
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX, "since": since})) == [recent.pk]
    until = (today - timedelta(days=5)).isoformat()
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX, "until": until})) == [old.pk]
    # An until date includes its whole day; a datetime is an exclusive instant.
    both = {"bbox": NEAR_BBOX, "since": (today - timedelta(days=11)).isoformat(),
            "until": (today - timedelta(days=10)).isoformat()}
    assert ids(officer.get(URL, both)) == [old.pk]
    cut = (timezone.now() - timedelta(days=5)).isoformat()
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX, "until": cut})) == [old.pk]


def test_overdue_means_open_and_past_its_deadline(officer, make):
    now = timezone.now()
    late = make(status="in_progress", deadline=now - timedelta(hours=1))
    in_time = make(status="in_progress", deadline=now + timedelta(hours=1))
    closed_late = make(status="closed", deadline=now - timedelta(hours=1))
    no_deadline = make(status="reported")
    body = json.loads(officer.get(URL, {"bbox": NEAR_BBOX}).content)
    overdue = {f["id"]: f["properties"]["overdue"] for f in body["features"]}
    assert overdue == {late.pk: True, in_time.pk: False, closed_late.pk: False, no_deadline.pk: False}


@pytest.fixture
def other_subdistrict():
    """A second subdistrict of 海淀区 west of the demo one, with its own officer."""
    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    area = Area.objects.create(name="测试街道", kind=AreaKind.SUBDISTRICT, parent=district, source="test",
                               generated=True,
                               geom=to_storage(shapely.MultiPolygon([shapely.box(116.30, 39.98, 116.33, 40.00)])))
    agency = Agency.objects.create(name="测试街道执法队", kind=AgencyKind.ENFORCEMENT, area=area)
    user = get_user_model().objects.create_user("other_officer", password="x")
    Officer.objects.create(user=user, name="外街队员", role=Role.OFFICER, agency=agency, jurisdiction=area)
    return area


def test_officer_of_another_subdistrict_sees_nothing_of_ours(officer, make, other_subdistrict):
    ours = make()
    theirs = make(east_m=20, subdistrict=other_subdistrict)  # same box, filed under the other subdistrict
    assert ids(client_for("other_officer").get(URL, {"bbox": NEAR_BBOX})) == [theirs.pk]
    assert ids(officer.get(URL, {"bbox": NEAR_BBOX})) == [ours.pk]
    # District staff (admin: 海淀区) see both.
    assert set(ids(client_for("admin").get(URL, {"bbox": NEAR_BBOX}))) == {ours.pk, theirs.pk}


def test_token_authentication_is_accepted(make):
    p = make()
    _, key = ApiToken.issue(user=get_user_model().objects.get(username="officer1"), name="平板")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert ids(client.get(URL, {"bbox": NEAR_BBOX})) == [p.pk]


def test_anonymous_is_rejected_with_401():
    response = APIClient().get(URL, {"bbox": NEAR_BBOX})
    assert response.status_code == 401


def test_user_without_officer_profile_is_forbidden():
    user = get_user_model().objects.create_user("no_profile", password="x")
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(URL, {"bbox": NEAR_BBOX})
    assert response.status_code == 403
    assert "人员档案" in response.json()["detail"]


# 400: the query does not fit the schema; 422: it does, but cannot be answered
@pytest.mark.parametrize("params, field, code", [
    ({}, "bbox", 400),
    ({"bbox": "1,2,3"}, "bbox", 400),
    ({"bbox": "116.4,40,116.3,41"}, "bbox", 422),
    ({"bbox": NEAR_BBOX, "status": "lost"}, "status", 400),
    ({"bbox": NEAR_BBOX, "category": "no-such"}, "category", 400),
    ({"bbox": NEAR_BBOX, "area": 987654}, "area", 422),
    ({"bbox": NEAR_BBOX, "since": "yesterday"}, "since", 400),
    ({"bbox": NEAR_BBOX, "since": "2025-03-02", "until": "2025-03-01"}, "until", 422),
    ({"bbox": NEAR_BBOX, "limit": 0}, "limit", 400),
    ({"bbox": NEAR_BBOX, "limit": 10001}, "limit", 400),
])
def test_bad_query_names_the_field(officer, params, field, code):
    response = officer.get(URL, params)
    assert response.status_code == code
    assert field in response.json()["errors"]


def test_openapi_schema_lists_the_layer(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/problems/layer" in response.content
