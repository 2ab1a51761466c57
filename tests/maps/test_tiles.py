"""Vector tiles from PostGIS: /tiles/roads/… and /tiles/problems/…, decoded with mapbox-vector-tile.

Problems are placed by metric offsets (EPSG:4548 x east, y north) from BASE, a point in the demo
subdistrict 学院路街道 (lon 116.3463, lat 40.0035), as in tests/api/test_problem_layer.py. A map
asks for every tile in view, so the helpers below do the same: they fetch every tile of a zoom that
covers a WGS84 box (tile numbers from the slippy-map formula written out here, not the code's) and
gather the features of all of them.
"""
import math
import random
from datetime import UTC, timedelta

import mapbox_vector_tile
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from geodata.models import Area, AreaKind
from maps.tiles import TILE_LAYERS
from patrol.models import Category, Problem

pytestmark = pytest.mark.django_db

BASE_LON, BASE_LAT = 116.3463, 40.0035
BASE = Point(BASE_LON, BASE_LAT, srid=4326).transform(settings.STORAGE_SRID, clone=True)
# ±0.004°: a box of about 680 m × 890 m around BASE, all of it inside 学院路街道's extent
# (116.3440–116.3597 E, 39.9977–40.0089 N) on the east side; problems are placed within ±300 m.
AROUND = (BASE_LON - 0.004, BASE_LAT - 0.004, BASE_LON + 0.004, BASE_LAT + 0.004)
MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames)."""
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def tiles_covering(box, z):
    west, south, east, north = box
    x0, y0 = tile_of(west, north, z)
    x1, y1 = tile_of(east, south, z)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def decode(response) -> dict:
    if response.status_code == 204:
        return {}
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == MVT
    return mapbox_vector_tile.decode(response.content)


def gather(client, kind, z, box=AROUND, query="") -> dict[str, list[dict]]:
    """{layer: [properties]} over every tile of zoom z covering box."""
    out: dict[str, list[dict]] = {}
    for x, y in tiles_covering(box, z):
        tile = decode(client.get(f"/tiles/{kind}/{z}/{x}/{y}.pbf" + (f"?{query}" if query else "")))
        for name, layer in tile.items():
            assert set(TILE_LAYERS[kind][name]) >= set().union(*(f["properties"] for f in layer["features"])), name
            out.setdefault(name, []).extend(f["properties"] for f in layer["features"])
    return out


def problem_ids(client, query="", z=16, box=AROUND) -> set[int]:
    found = gather(client, "problems", z, box, query)
    assert "clusters" not in found, "expected single problems at this zoom"
    ids = [p["id"] for p in found.get("problems", [])]
    assert len(ids) == len(set(ids)), "a problem was sent in two tiles"
    return set(ids)


@pytest.fixture
def demo_sub():
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")


@pytest.fixture
def categories():
    return list(Category.objects.order_by("code")[:3])


@pytest.fixture
def make(demo_sub, categories):
    reporter = get_user_model().objects.get(username="officer1")

    def make(*, east_m=0.0, north_m=0.0, status="reported", category=None, subdistrict=None, grid=None,
             community=None, days_ago=0, deadline=None):
        p = Problem.objects.create(
            category=category or categories[0], status=status, reporter=reporter,
            geom=Point(BASE.x + east_m, BASE.y + north_m, srid=settings.STORAGE_SRID),
            location_text=f"测试位置 {east_m:+.0f}/{north_m:+.0f}", subdistrict=subdistrict or demo_sub, grid=grid,
            community=community, deadline=deadline)
        if days_ago:  # created_at is auto_now_add; backdate through an update
            Problem.objects.filter(pk=p.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
        return p
    return make


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def officer():
    return signed_in("officer1")  # jurisdiction: 学院路街道


# --------------------------------------------------------------------------- roads


def test_road_tile_holds_the_roads_and_the_subdistrict_outline(client):
    found = gather(client, "roads", 16, box=(116.3455, 39.9985, 116.3475, 40.0000))
    names = {p["name"] for p in found["roads"]}
    # The demo's 学院路 runs north-south through 116.3463 (tests/patrol/conftest.py's point is on it).
    assert any(name.startswith("学院路") for name in names), names
    assert {"学院路街道", "海淀区"} <= {p["name"] for p in found["areas"]}
    kinds = {p["kind"] for p in found["areas"]}
    assert "subdistrict" in kinds and "district" in kinds


def test_low_zoom_road_tiles_leave_out_minor_roads(client):
    # The demo's 19 roads include residential and service roads (geodata's demo network).
    all_classes = {p["highway"] for p in gather(client, "roads", 16, box=(116.334, 39.988, 116.364, 40.021))["roads"]}
    assert {"residential", "service"} & all_classes, all_classes
    low = {p["highway"] for p in gather(client, "roads", 11, box=(116.334, 39.988, 116.364, 40.021)).get("roads", [])}
    assert low, "the main roads are drawn at zoom 11"
    assert not low & {"residential", "service", "footway", "path", "unclassified", "tertiary"}, low
    assert low <= {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
                   "secondary_link"}


def test_intersections_only_from_zoom_14(client):
    box = (116.334, 39.988, 116.364, 40.021)
    assert gather(client, "roads", 14, box=box).get("intersections")
    assert not gather(client, "roads", 13, box=box).get("intersections")


def test_road_tiles_are_public_cached_and_have_an_etag(client):
    x, y = tile_of(BASE_LON, BASE_LAT, 15)
    response = client.get(f"/tiles/roads/15/{x}/{y}.pbf")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    again = client.get(f"/tiles/roads/15/{x}/{y}.pbf", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_tile_with_nothing_in_it_is_empty(client):
    x, y = tile_of(0.5, 0.5, 12)  # the Gulf of Guinea: no road, and outside the storage CRS
    assert client.get(f"/tiles/roads/12/{x}/{y}.pbf").status_code == 204
    x, y = tile_of(116.50, 39.70, 16)  # inside the CRS, far from the demo's roads
    response = client.get(f"/tiles/roads/16/{x}/{y}.pbf")
    assert response.status_code in (200, 204)
    assert "roads" not in decode(response)


@pytest.mark.parametrize("path", ["/tiles/roads/23/0/0.pbf", "/tiles/roads/2/4/0.pbf", "/tiles/roads/2/0/4.pbf",
                                  "/tiles/problems/3/8/1.pbf"])
def test_a_tile_outside_the_pyramid_is_a_400_in_chinese(officer, path):
    response = officer.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["field"] == "tile" and "瓦片" in body["detail"]


def test_a_tile_address_that_is_not_a_number_is_not_found(client):
    assert client.get("/tiles/roads/1/-1/0.pbf").status_code == 404


# --------------------------------------------------------------------------- problems: who


def test_problem_tiles_need_a_signed_in_user(client):
    x, y = tile_of(BASE_LON, BASE_LAT, 16)
    response = client.get(f"/tiles/problems/16/{x}/{y}.pbf")
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录，或带上 API 令牌（Authorization: Token …）"
    bad = client.get(f"/tiles/problems/16/{x}/{y}.pbf", HTTP_AUTHORIZATION="Token not-a-key")
    assert bad.status_code == 401


def test_problem_tiles_take_an_api_token_as_the_problem_layer_does(make, officer):
    """Found in review: the README names the tiles beside /api/v1/problems/layer, which takes
    a token; the tiles answered 401 to one."""
    from api.models import ApiToken

    mine = make()
    _, key = ApiToken.issue(user=get_user_model().objects.get(username="officer1"), name="平板")
    x, y = tile_of(BASE_LON, BASE_LAT, 16)
    response = Client().get(f"/tiles/problems/16/{x}/{y}.pbf", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and "Authorization" in response["Vary"]
    assert mine.pk in {f["properties"]["id"] for f in decode(response)["problems"]["features"]}


def test_a_user_without_officer_profile_is_refused(db):
    get_user_model().objects.create_user("no_profile", password="x")
    x, y = tile_of(BASE_LON, BASE_LAT, 16)
    response = signed_in("no_profile").get(f"/tiles/problems/16/{x}/{y}.pbf")
    assert response.status_code == 403
    assert "人员档案" in response.json()["detail"]


def test_another_subdistrict_sees_none_of_these_problems(make, officer, other_subdistrict_user):
    mine = {make(east_m=e, north_m=n).pk for e, n in [(0, 0), (40, 10), (-80, 60)]}
    assert problem_ids(officer) == mine
    assert problem_ids(signed_in("other_officer")) == set()


@pytest.fixture
def other_subdistrict_user(db):
    """A second subdistrict of 海淀区 west of the demo one, with an officer of its own."""
    import shapely

    from geodata.services.geometry import to_storage
    from org.models import Agency, AgencyKind, Officer, Role, Team

    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    geom = to_storage(shapely.MultiPolygon([shapely.box(116.30, 39.98, 116.33, 40.00)]))
    area = Area.objects.create(name="测试街道", kind=AreaKind.SUBDISTRICT, parent=district, geom=geom,
                               source="test", generated=True)
    agency = Agency.objects.create(name="测试街道执法队", kind=AgencyKind.ENFORCEMENT, area=area)
    team = Team.objects.create(name="测试一队", agency=agency, area=area)
    user = get_user_model().objects.create_user("other_officer", password="x")
    Officer.objects.create(user=user, name="other", role=Role.OFFICER, agency=agency, team=team, jurisdiction=area)
    return area


def test_problem_tiles_are_private_and_short_lived(make, officer):
    make()
    x, y = tile_of(BASE_LON, BASE_LAT, 16)
    response = officer.get(f"/tiles/problems/16/{x}/{y}.pbf")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert response["ETag"]


# --------------------------------------------------------------------------- problems: what


def test_single_problems_carry_their_properties(make, officer, categories):
    p = make(status="dispatched", category=categories[1], deadline=timezone.now() - timedelta(hours=1))
    found = gather(officer, "problems", 16)["problems"]
    (props,) = [f for f in found if f["id"] == p.pk]
    assert props["category"] == categories[1].code and props["category_name"] == categories[1].name
    assert props["status"] == "dispatched" and props["overdue"] is True
    assert props["created_at"].endswith("Z") and props["created_at"][:10] == p.created_at.astimezone(
        UTC).date().isoformat()


def test_each_filter_narrows_the_tiles(make, officer, categories, demo_sub):
    grid = Area.objects.filter(kind=AreaKind.GRID, parent=demo_sub).first() or Area.objects.filter(
        kind=AreaKind.GRID).first()
    past = timezone.now() - timedelta(days=2)
    a = make(east_m=0, status="reported", category=categories[0], days_ago=10)
    b = make(east_m=30, status="dispatched", category=categories[1], grid=grid, deadline=past)
    c = make(east_m=60, status="closed", category=categories[2], deadline=past)
    d = make(east_m=90, status="reported", category=categories[0], days_ago=1)
    assert problem_ids(officer) == {a.pk, b.pk, c.pk, d.pk}
    assert problem_ids(officer, f"category={categories[0].code}") == {a.pk, d.pk}
    assert problem_ids(officer, f"category={categories[0].code},{categories[1].code}") == {a.pk, b.pk, d.pk}
    assert problem_ids(officer, "status=reported&status=closed") == {a.pk, c.pk, d.pk}
    assert problem_ids(officer, f"area={grid.pk}") == {b.pk}
    assert problem_ids(officer, f"area={demo_sub.pk}") == {a.pk, b.pk, c.pk, d.pk}  # its grids are below it
    # since/until are local days, half-open on created_at: until's day is included
    five_days_ago = timezone.localdate() - timedelta(days=5)
    assert problem_ids(officer, f"since={five_days_ago.isoformat()}") == {b.pk, c.pk, d.pk}
    assert problem_ids(officer, f"until={five_days_ago.isoformat()}") == {a.pk}
    # overdue: open and past the deadline (c is closed, so not overdue)
    assert problem_ids(officer, "overdue=1") == {b.pk}
    assert problem_ids(officer, "overdue=0") == {a.pk, b.pk, c.pk, d.pk}


def test_words_and_sources_narrow_the_tiles_as_they_narrow_the_dashboards_list(make, officer):
    a, b, c = make(east_m=0), make(east_m=30), make(east_m=60)
    Problem.objects.filter(pk=a.pk).update(description="门前堆放纸箱", source="hotline")
    Problem.objects.filter(pk=b.pk).update(description="100%_占道", source="patrol")
    Problem.objects.filter(pk=c.pk).update(description="共享单车", source="media")
    assert problem_ids(officer, "q=纸箱") == {a.pk}
    assert problem_ids(officer, "q=%_") == {b.pk}  # % and _ are the text's own, not wildcards
    assert problem_ids(officer, "q=测试位置") == {a.pk, b.pk, c.pk}  # the location text counts too
    assert problem_ids(officer, "source=hotline&source=media") == {a.pk, c.pk}
    listed = officer.get("/dashboard/problems/?q=纸箱&source=hotline").content.decode()
    assert f'data-problem="{a.pk}"' in listed and f'data-problem="{b.pk}"' not in listed
    # A search with a comma is one search, on the list as on the map (not cut to its last part).
    Problem.objects.filter(pk=c.pk).update(location_text="学院路,12号")
    Problem.objects.filter(pk=b.pk).update(location_text="成府路12号")
    assert problem_ids(officer, "q=学院路,12号") == {c.pk}
    listed = officer.get("/dashboard/problems/", {"q": "学院路,12号"}).content.decode()
    assert f'data-problem="{c.pk}"' in listed and f'data-problem="{b.pk}"' not in listed
    assert 'value="学院路,12号"' in listed


@pytest.mark.parametrize("query, field", [
    ("category=9999", "category"),
    ("status=flying", "status"),
    ("area=abc", "area"),
    ("area=999999999", "area"),
    ("area=%C2%B2", "area"),        # "²".isdigit() is True, int("²") is an error
    ("q=a%00b", "q"),               # PostgreSQL refuses a NUL in a text
    ("since=2025-13-01", "since"),
    ("since=yesterday", "since"),
    ("since=2025-03-10&until=2025-03-01", "until"),
    ("since=2025-03-01T08:00:00-23:59", "since"),   # Python reads offsets to ±23:59, PostgreSQL to ±15:59
    ("since=2025-03-01T08:00:00%2B16:00", "since"),
    ("until=2025-03-01T08:00:00-20:00", "until"),
    ("overdue=maybe", "overdue"),
    ("source=rumour", "source"),
])
def test_a_bad_filter_is_a_400_naming_it_in_chinese(officer, query, field):
    x, y = tile_of(BASE_LON, BASE_LAT, 16)
    response = officer.get(f"/tiles/problems/16/{x}/{y}.pbf?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body["detail"]


# --------------------------------------------------------------------------- clusters


@pytest.fixture
def scattered(make, categories):
    """60 problems at seeded random offsets within ±300 m of BASE: at zooms 12–14 their cluster
    cells straddle tile edges, so counting them tile by tile can only add up if each cell is in
    exactly one tile."""
    rng = random.Random(20261130)
    statuses = ["reported", "dispatched", "closed"]
    return [make(east_m=rng.uniform(-300, 300), north_m=rng.uniform(-300, 300), status=statuses[i % 3],
                 category=categories[i % 3]) for i in range(60)]


@pytest.mark.parametrize("z", [10, 12, 13, 14])
def test_clusters_at_low_zoom_count_every_problem_once(scattered, officer, z):
    found = gather(officer, "problems", z, box=(BASE_LON - 0.02, BASE_LAT - 0.02, BASE_LON + 0.02,
                                                 BASE_LAT + 0.02))
    assert "problems" not in found
    clusters = found["clusters"]
    assert sum(c["count"] for c in clusters) == len(scattered)
    assert sum(c["open"] for c in clusters) == 40  # reported + dispatched
    for c in clusters:
        assert 1 <= c["category_count"] <= c["count"] and c["category_name"]


def test_clusters_follow_the_filters(scattered, officer):
    found = gather(officer, "problems", 13, box=(BASE_LON - 0.02, BASE_LAT - 0.02, BASE_LON + 0.02,
                                                  BASE_LAT + 0.02), query="status=closed")
    assert sum(c["count"] for c in found["clusters"]) == 20
    assert all(c["open"] == 0 for c in found["clusters"])


def test_a_dense_tile_is_clustered_even_at_high_zoom(make, officer):
    from maps.tiling import MAX_POINTS_PER_TILE

    # MAX_POINTS_PER_TILE + 1 problems within ±10 m of the centre of BASE's z16 tile (≈470 m across)
    x, y = tile_of(BASE_LON, BASE_LAT, 16)
    lon = (x + 0.5) / 2 ** 16 * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / 2 ** 16))))
    centre = Point(lon, lat, srid=4326).transform(settings.STORAGE_SRID, clone=True)
    reporter = get_user_model().objects.get(username="officer1")
    category = Category.objects.order_by("code").first()
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    rng = random.Random(7)
    Problem.objects.bulk_create([
        Problem(category=category, status="reported", reporter=reporter, subdistrict=sub, location_text="密集",
                geom=Point(centre.x + rng.uniform(-10, 10), centre.y + rng.uniform(-10, 10),
                           srid=settings.STORAGE_SRID))
        for _ in range(MAX_POINTS_PER_TILE + 1)])
    tile = decode(officer.get(f"/tiles/problems/16/{x}/{y}.pbf"))
    assert "problems" not in tile
    assert sum(c["properties"]["count"] for c in tile["clusters"]["features"]) == MAX_POINTS_PER_TILE + 1


# --------------------------------------------------------------------------- pages


def test_problem_map_page_is_for_signed_in_users(client, officer):
    response = client.get("/maps/problems/?status=reported")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = officer.get("/maps/problems/?status=reported&overdue=1")
    assert page.status_code == 200
    assert b"PatrolMaps.problemLayer" in page.content and b"status=reported\\u0026overdue=1" in page.content


def test_problem_map_page_refuses_a_bad_filter(officer):
    response = officer.get("/maps/problems/?status=flying")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_network_map_page_carries_no_geometry(client):
    page = client.get("/maps/network/")
    assert page.status_code == 200
    assert b"/tiles/roads/{z}/{x}/{y}.pbf" in page.content
    assert b"FeatureCollection" not in page.content and len(page.content) < 20_000


def test_a_category_of_an_older_catalogue_narrows_the_tiles_as_it_narrows_the_list(make, officer, categories):
    old = Category.objects.create(code="0199", name="旧目录类别", active=False,
                                  **{f.name: getattr(categories[0], f.name) for f in Category._meta.fields
                                     if f.name not in ("id", "code", "name", "active")})
    p = make(category=old)
    make()
    assert problem_ids(officer, "category=0199") == {p.pk}  # (it was a 400: only the static catalogue's codes)
