import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from geodata.models import Area, Intersection
from geodata.selectors.layers import DEFAULT_LIMIT, MAX_LIMIT, areas_geojson

DEMO_BBOX = "116.34,39.99,116.365,40.015"  # the demo subdistrict and some margin

pytestmark = pytest.mark.django_db


def test_roads_layer_is_geojson_in_wgs84(client):
    body = client.get("/api/v1/roads/").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 19
    lon, lat = body["features"][0]["geometry"]["coordinates"][0][0]
    assert 116.3 < lon < 116.4 and 39.9 < lat < 40.1


def test_bbox_limits_the_intersections_layer(client):
    everything = client.get("/api/v1/intersections/").json()["features"]
    # A box around 学院路 × 清华东路 only (116.3465, 39.9996).
    near = client.get("/api/v1/intersections/", {"bbox": "116.345,39.999,116.348,40.0005"}).json()["features"]
    assert len(near) == 1 < len(everything)
    assert set(near[0]["properties"]["roads"]) == {"学院路", "学清路", "清华东路"}


def test_areas_layer_filters_by_kind(client):
    body = client.get("/api/v1/areas/", {"kind": "subdistrict"}).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["学院路街道"]
    assert body["features"][0]["properties"]["generated"] is True


# 400: not what the schema allows; 422: allowed text, but west ≥ east is not a box
@pytest.mark.parametrize(("bbox", "code"), [("1,2,3", 400), ("a,b,c,d", 400), ("116.4,40,116.3,41", 422),
                                            ("200,0,201,1", 400)])
def test_bad_bbox_names_the_field(client, bbox, code):
    response = client.get("/api/v1/roads/", {"bbox": bbox})
    assert response.status_code == code
    assert "bbox" in response.json()["errors"]


def test_openapi_schema_lists_the_layers(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/roads/" in response.content


# -- bounded answers: every answer is one page, bbox or not ----------------------------------
def _add_intersections(n: int) -> list[int]:
    """`n` intersections 3 m apart on a 100-wide grid from a point in 学院路街道 (116.3463, 40.0035)."""
    base = Point(116.3463, 40.0035, srid=4326).transform(settings.STORAGE_SRID, clone=True)
    made = Intersection.objects.bulk_create(
        Intersection(key=f"paging-{i}", source="test", name=f"测试路口{i}",
                     geom=Point(base.x + (i % 100) * 3, base.y + (i // 100) * 3, srid=settings.STORAGE_SRID))
        for i in range(n))
    return [i.pk for i in made]


def _walk(client, url, params=None) -> list[dict]:
    """Every page from the first, following `next`."""
    pages = [client.get(url, params).json()]
    while pages[-1]["next"]:
        assert len(pages) < 100, "next never ends"
        pages.append(client.get(pages[-1]["next"]).json())
    return pages


@pytest.mark.parametrize("params", [{}, {"bbox": "-180,-90,180,90"}], ids=["no bbox", "world bbox"])
def test_a_layer_larger_than_the_limit_answers_one_page_and_links_the_rest(client, params):
    added = _add_intersections(DEFAULT_LIMIT + 5)
    total = Intersection.objects.count()  # the demo's and the added ones
    body = client.get("/api/v1/intersections/", params).json()
    assert len(body["features"]) == body["numberReturned"] == body["limit"] == DEFAULT_LIMIT
    assert body["truncated"] is True and body["numberMatched"] == total
    assert body["next"].startswith("http://testserver/api/v1/intersections/?")
    pages = _walk(client, "/api/v1/intersections/", params)
    assert [p["numberReturned"] for p in pages] == [DEFAULT_LIMIT, total - DEFAULT_LIMIT]
    assert pages[-1]["truncated"] is False and pages[-1]["next"] is None
    assert pages[-1]["numberMatched"] == total  # every page counts the whole match
    ids = [f["id"] for p in pages for f in p["features"]]
    assert ids == sorted(set(ids)) and set(ids) == set(Intersection.objects.values_list("pk", flat=True))
    assert set(added) <= set(ids)


def test_a_page_holds_limit_features_in_id_order_and_next_keeps_the_query(client):
    everything = client.get("/api/v1/roads/", {"bbox": DEMO_BBOX}).json()
    assert everything["truncated"] is False and everything["next"] is None
    assert everything["numberMatched"] == everything["numberReturned"] == len(everything["features"]) > 5
    pages = _walk(client, "/api/v1/roads/", {"bbox": DEMO_BBOX, "limit": 5})
    assert all(p["numberReturned"] <= 5 and p["limit"] == 5 for p in pages)
    assert all("bbox=116.34%2C39.99%2C116.365%2C40.015" in p["next"] and "limit=5" in p["next"] for p in pages[:-1])
    ids = [f["id"] for p in pages for f in p["features"]]
    assert ids == sorted(f["id"] for f in everything["features"])


def test_next_keeps_repeated_kinds_of_the_areas_layer(client):
    wanted = {"kind": ["grid", "community"]}
    whole = client.get("/api/v1/areas/", wanted).json()
    assert whole["numberReturned"] > 2
    pages = _walk(client, "/api/v1/areas/", {**wanted, "limit": 2})
    assert len(pages) > 1
    features = [f for p in pages for f in p["features"]]
    assert {f["properties"]["kind"] for f in features} <= {"grid", "community"}
    assert sorted(f["id"] for f in features) == sorted(f["id"] for f in whole["features"])


def test_the_count_stops_at_the_cap_and_then_reads_null(client, monkeypatch):
    monkeypatch.setattr("geodata.selectors.layers.COUNT_CAP", 10)
    body = client.get("/api/v1/intersections/", {"limit": 1}).json()  # the demo has 15 intersections
    assert body["numberReturned"] == 1 and body["truncated"] is True
    assert body["numberMatched"] is None and body["numberMatchedCap"] == 10


@pytest.mark.parametrize("params", [{"limit": MAX_LIMIT + 1}, {"limit": 0}, {"limit": "1.0"},
                                    {"after": -1}, {"after": "x"}, {"after": 2**63}])
def test_a_limit_or_after_out_of_range_is_a_400_naming_it(client, params):
    response = client.get("/api/v1/roads/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == list(params)


def test_the_server_side_selector_still_reads_a_layer_whole():
    # The dashboard's choropleth reads all grids of the user's jurisdiction this way.
    grids = areas_geojson(kinds=["grid"])
    assert len(grids["features"]) == Area.objects.filter(kind="grid").count() > 0
    assert set(grids) == {"type", "features"}


def test_the_selector_reads_only_the_areas_asked_for():
    # the choropleth asks for the user's jurisdiction: the other grids are not read at all
    two = list(Area.objects.filter(kind="grid").order_by("pk").values_list("pk", flat=True)[:2])
    grids = areas_geojson(kinds=["grid"], ids=two)
    assert sorted(f["id"] if "id" in f else f["properties"]["id"] for f in grids["features"]) == two
    assert areas_geojson(kinds=["grid"], ids=[])["features"] == []
