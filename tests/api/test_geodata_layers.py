import pytest

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
